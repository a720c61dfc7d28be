"""Benchmark: a 404 for another municipality's recommendation against a 404 for a missing one (issue 28
point 13: the first was about 2.6 ms slower, which told an adviser that the id existed elsewhere).

In process (FastAPI's test client, no network) on a temporary SQLite database: an adviser in Aarhus asks
for ids of recommendations that advisers in Rødovre made (decided and closed, the slowest case before:
the row, its decision and its closure were read before the refusal) and for well-formed ids that were
never issued, interleaved (missing, foreign, reference, in a rotating order), ``repeats`` times each.
The reference, measured the same way in the same run, is the adviser's own recommendation read with 200.

For each route (the API's ``GET /api/v1/recommendations/{id}`` and the page's
``GET /recommendations/{id}``) it prints the median of each kind in ms (wall clock and process CPU
time), the median of the paired differences foreign − missing with the interquartile range of those
differences and a bootstrap 95 % interval of their median, and both 404 medians as ratios to the
reference. Indistinguishable means the interval holds 0 and the difference is small against its spread.

Run: ``python benchmarks/bench_not_found.py [--repeats 400]`` (about 10 s with the built-in model cached).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RECORD = json.loads((ROOT / "examples" / "flexible.json").read_text(encoding="utf-8"))
PASSWORD = "correct horse battery staple"
API = "/api/v1"


def _setup(folder: Path, foreign_count: int, model_file: str | None):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from recommender import load_rules
    from recommender.cases import RecommenderEngine, Settings, accounts
    from recommender.cases.db import open_database
    from recommender.model import load_model
    from recommender.server import create_app

    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    db = open_database(url)
    engine = RecommenderEngine(model=load_model(model_file), rules=load_rules())
    app = create_app(
        Settings(data_dir=folder / "data", database_url=url, cookie_secure=False), engine=engine, database=db
    )
    client = TestClient(app)
    client.__enter__()
    headers = {}
    for name, place in (("anna", "Aarhus"), ("bo", "Rødovre")):
        with db.session() as session:
            accounts.add_user(session, name, "adviser", PASSWORD, place)
            token, _ = accounts.issue_token(session, name)
            session.commit()
        headers[name] = {"Authorization": f"Bearer {token}"}
    foreign = []
    for i in range(foreign_count):
        record = {**RECORD, "citizen_id": f"P500-BENCH-R{i:03d}", "municipality": "Rødovre"}
        made = client.post(f"{API}/recommendations", json=record, headers=headers["bo"]).json()
        top = made["recommendation"]["top_offer"]
        client.post(
            f"{API}/recommendations/{made['id']}/decision", json={"offer": top}, headers=headers["bo"]
        )
        closure = {"offer": top, "outcome": "job", "closed": date.today().isoformat(), "duration_days": 0}
        client.post(f"{API}/citizens/{record['citizen_id']}/closure", json=closure, headers=headers["bo"])
        foreign.append(made["id"])
    own = client.post(
        f"{API}/recommendations", json={**RECORD, "citizen_id": "P500-BENCH-A"}, headers=headers["anna"]
    ).json()["id"]
    return client, db, headers["anna"], foreign, own


def _missing_id(rng: random.Random, like: object) -> object:
    """A well-formed id that was never issued (an integer far beyond the table when ``like`` is one:
    the code before issue 28, so the old difference can be measured with the same script)."""
    if isinstance(like, int):
        return rng.randrange(10**9, 2**62)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return "".join(rng.choice(alphabet) for _ in range(22))


def _timed(call) -> tuple[float, float, int]:  # type: ignore[no-untyped-def]
    wall, cpu = time.perf_counter(), time.process_time()
    status = call()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000, status


def _bootstrap(diffs: list[float], rng: random.Random, rounds: int = 2000) -> tuple[float, float]:
    medians = sorted(statistics.median(rng.choices(diffs, k=len(diffs))) for _ in range(rounds))
    return medians[int(0.025 * rounds)], medians[int(0.975 * rounds) - 1]


def measure(client, headers, foreign: list, own: object, prefix: str, repeats: int, rng) -> dict:  # type: ignore[no-untyped-def]
    """Interleaved timings for one route; returns the figures printed."""
    kinds = ("missing", "foreign", "own")
    times: dict[str, list[tuple[float, float]]] = {k: [] for k in kinds}

    def ask(rid: object, expected: int) -> int:
        status = client.get(f"{prefix}/recommendations/{rid}", headers=headers).status_code
        assert status == expected, (rid, status)
        return status

    for _ in range(20):  # warm-up, not counted
        ask(_missing_id(rng, own), 404), ask(rng.choice(foreign), 404), ask(own, 200)
    for i in range(repeats):
        order = list(kinds)
        rng.shuffle(order)
        for kind in order:
            rid, expected = {
                "missing": (_missing_id(rng, own), 404),
                "foreign": (foreign[i % len(foreign)], 404),
                "own": (own, 200),
            }[kind]
            wall, cpu, _ = _timed(lambda rid=rid, expected=expected: ask(rid, expected))
            times[kind].append((wall, cpu))
    out: dict[str, object] = {}
    for axis, name in ((0, "wall"), (1, "cpu")):
        med = {k: statistics.median(t[axis] for t in times[k]) for k in kinds}
        diffs = [f[axis] - m[axis] for f, m in zip(times["foreign"], times["missing"], strict=True)]
        q = statistics.quantiles(diffs, n=4)
        low, high = _bootstrap(diffs, rng)
        out[name] = {
            "median_ms": {k: round(v, 3) for k, v in med.items()},
            "foreign_minus_missing_ms": round(statistics.median(diffs), 3),
            "iqr_of_differences_ms": [round(q[0], 3), round(q[2], 3)],
            "bootstrap95_of_median_difference_ms": [round(low, 3), round(high, 3)],
            "ratio_to_own_read": {
                "missing": round(med["missing"] / med["own"], 3),
                "foreign": round(med["foreign"] / med["own"], 3),
            },
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=400, help="requests of each kind per route")
    parser.add_argument("--foreign", type=int, default=20, help="other-municipality recommendations")
    parser.add_argument("--seed", type=int, default=28)
    parser.add_argument("--model", help="a model file (default: the built-in model)")
    args = parser.parse_args(argv)
    if args.repeats < 20 or args.foreign < 1:
        print("--repeats must be at least 20 and --foreign at least 1", file=sys.stderr)
        return 2
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="bench-not-found-") as folder:
        client, db, anna, foreign, own = _setup(Path(folder), args.foreign, args.model)
        try:
            results = {"api": measure(client, anna, foreign, own, API, args.repeats, rng)}
            token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
            assert token is not None
            form = {"username": "anna", "password": PASSWORD, "csrf_token": token.group(1), "next": "/"}
            assert client.post("/login", data=form, follow_redirects=False).status_code == 303
            results["page"] = measure(client, {}, foreign, own, "", args.repeats, rng)
        finally:
            client.__exit__(None, None, None)
            db.dispose()
    print(json.dumps({"repeats": args.repeats, **results}, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
