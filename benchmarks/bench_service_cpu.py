"""Benchmark: CPU per request of ``POST /api/v1/recommendations`` against the bare endpoint, in process.

The service is CPU-bound on a busy machine, so its throughput against the bare endpoint is about the
inverse of their CPU per request. This drives both ASGI apps directly (no sockets, no HTTP parser:
uvicorn's share is the same for both) and reports the CPU milliseconds per request of this process
(``time.process_time``: every thread, the route's worker thread included) and the ratio service /
bare; the issue's throughput aim of ≥ 0.5× the bare endpoint needs a CPU ratio of at most about 2.

- the service: :func:`recommender.server.create_app` on an SQLite file (WAL, ``synchronous=FULL``,
  the default), a real adviser and bearer token, the built-in model; every request is validated,
  authenticated, recommended, stored with its audit event and committed, and checked for 201;
- the bare endpoint: ``bench_service.bare_app`` (FastAPI, the full ``recommend()`` and its JSON).

The two alternate in rounds (``--rounds``, default 5, of ``--requests`` each, default 200) after a
warm-up, and the median round is reported, so a burst of load from other processes hits both.
With ``--profile`` it prints the service request's cProfile instead.

``--concurrency C`` keeps C requests in flight (as ``wrk -c C`` does): the wall throughput then also
shows time spent waiting (SQLite's one connection per process, its ``fsync`` on commit).

``--postgresql`` runs the service on a throwaway PostgreSQL server (as ``bench_service.py`` starts one)
instead of SQLite, and also reports the server's CPU per request (its processes' CPU time over each
service round), which the service costs the machine beyond its own process.

Run: ``python benchmarks/bench_service_cpu.py [--requests 200] [--rounds 5] [--concurrency 1] [--profile]
[--postgresql]``.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_service import RECORD, _ticks, bare_app, throwaway_postgresql  # noqa: E402

BODY = json.dumps(RECORD).encode()


def _service(tmp: Path, url: str | None = None) -> tuple[object, str]:
    """The real app on ``url`` (default: an SQLite file in ``tmp``), and an adviser's bearer token."""
    from recommender.cases import accounts
    from recommender.cases.db import open_database
    from recommender.cases.settings import load_settings
    from recommender.server import create_app

    os.environ["RECOMMENDER_DATA_DIR"] = str(tmp / "data")
    db = open_database(url or f"sqlite:///{tmp / 'bench.sqlite3'}")
    with db.session() as session:
        accounts.add_user(session, "bench", "adviser", "benchmark password", RECORD["municipality"])
        token, _ = accounts.issue_token(session, "bench")
        session.commit()
    return create_app(load_settings(), database=db), token


async def _post(app, path: str, headers: list[tuple[bytes, bytes]]) -> int:  # type: ignore[no-untyped-def]
    """One request through the ASGI interface; its status (the body is read and dropped)."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(BODY)).encode()),
            *headers,
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    sent = False
    status = 0

    async def receive():  # type: ignore[no-untyped-def]
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": BODY, "more_body": False}
        await asyncio.sleep(3600)  # a client that waits for its answer

    async def send(message) -> None:  # type: ignore[no-untyped-def]
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


async def _round(app, path: str, headers, n: int, expect: int, concurrency: int = 1) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """CPU ms per request and requests per wall second over ``n`` requests, ``concurrency`` at a time."""
    todo = iter(range(n))

    async def client() -> None:
        for _ in todo:
            status = await _post(app, path, headers)
            if status != expect:
                raise SystemExit(f"{path}: expected {expect}, got {status}")

    start, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return (time.process_time() - start) / n * 1e3, n / (time.perf_counter() - wall)


def _postgres_ms() -> float:
    """CPU milliseconds used so far by PostgreSQL's processes (this run's throwaway server)."""
    procs, _ = _ticks()
    ticks = sum(t for comm, _, t in procs.values() if comm.startswith("postgres"))
    return ticks * 1000 / os.sysconf("SC_CLK_TCK")


async def _main(args: argparse.Namespace) -> None:
    from recommender import load_model

    load_model()  # build or read the cached default model before anything is measured
    tmp = Path(tempfile.mkdtemp(prefix="bench-service-cpu-"))
    if args.postgresql:
        with throwaway_postgresql(tmp) as url:
            await _measure(args, tmp, url)
    else:
        await _measure(args, tmp, None)


async def _measure(args: argparse.Namespace, tmp: Path, url: str | None) -> None:
    service, token = _service(tmp, url)
    bare = bare_app()
    auth = [(b"authorization", f"Bearer {token}".encode())]
    apps = {"bare": (bare, "/bare", []), "service": (service, "/api/v1/recommendations", auth)}
    for app, path, headers in apps.values():
        await _round(app, path, headers, 20, 201)  # warm-up
    if args.profile:  # the routes run inline, so that the profile sees them (not in worker threads)
        import anyio.to_thread

        async def inline(function, *a, **kw):  # type: ignore[no-untyped-def]
            return function(*a)

        anyio.to_thread.run_sync = inline  # type: ignore[assignment]
        profile = cProfile.Profile(time.process_time)  # CPU time: a commit's fsync wait is not counted
        profile.enable()
        await _round(service, "/api/v1/recommendations", auth, args.requests, 201)
        profile.disable()
        pstats.Stats(profile).sort_stats("tottime").print_stats(35)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(110)
        return
    seen: dict[str, list[tuple[float, float]]] = {name: [] for name in apps}
    server: list[float] = []  # PostgreSQL's CPU ms per service request
    for _ in range(args.rounds):
        for name, (app, path, headers) in apps.items():
            before = _postgres_ms()
            seen[name].append(await _round(app, path, headers, args.requests, 201, args.concurrency))
            if name == "service":
                server.append((_postgres_ms() - before) / args.requests)
    cpu = {n: statistics.median(ms for ms, _ in seen[n]) for n in apps}
    rps = {n: statistics.median(r for _, r in seen[n]) for n in apps}
    print(
        f"median of {args.rounds} rounds of {args.requests} requests, {args.concurrency} at a time "
        f"(load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores):"
    )
    print(f"  {'endpoint':<40} {'CPU ms/request':>14} {'requests/s':>10}")
    print(f"  {'bare: recommend() + JSON':<40} {cpu['bare']:14.3f} {rps['bare']:10.1f}")
    print(f"  {'service: POST /api/v1/recommendations':<40} {cpu['service']:14.3f} {rps['service']:10.1f}")
    if url is not None:
        pg = statistics.median(server)
        print(f"  {'PostgreSQL server, per service request':<40} {pg:14.3f}")
        print(
            f"  ratio (service + PostgreSQL) / bare: CPU per request "
            f"{(cpu['service'] + pg) / cpu['bare']:.2f}"
        )
    print(
        f"  ratio service / bare: CPU per request {cpu['service'] / cpu['bare']:.2f} (CPU-bound "
        f"throughput ratio {cpu['bare'] / cpu['service']:.2f}); "
        f"requests/s {rps['service'] / rps['bare']:.2f} (aim ≥ 0.5)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--postgresql",
        action="store_true",
        help="the service on a throwaway PostgreSQL (as bench_service.py)",
    )
    args = parser.parse_args()
    if not 1 <= args.requests <= 100_000 or not 1 <= args.rounds <= 100 or not 1 <= args.concurrency <= 500:
        raise SystemExit("--requests: 1–100000, --rounds: 1–100, --concurrency: 1–500")
    asyncio.run(_main(args))


if __name__ == "__main__":
    main()
