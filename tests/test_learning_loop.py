"""The learning loop end to end (issue 15), on SQLite and on PostgreSQL.

300 synthetic citizens go through the API (recommendation, decision, closure); the closed cases are
exported as a cohort; a challenger is trained on the first period, registered, compared with the model
in use on the held-out second period and promoted; the running service serves it (GET /api/v1/model)
without a failed request; rollback restores the old one; the audit trail shows every step;
``monitor --json`` reports the follow rates the test recorded and flags drift once intakes from a
shifted population arrive.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from _service_support import PASSWORD, database_url, engine  # noqa: F401 (fixtures)

from recommender.cli import main
from recommender.vocab import FIELDS, OFFER

API = "/api/v1"
REASONS = ("citizen_preference", "not_available", "adviser_judgement")
FIRST, SECOND = date(2025, 3, 1), date(2025, 9, 1)  # closing periods: training, held out


def _intake(row: pd.Series) -> dict:
    out = {}
    for name in FIELDS:
        value = row.get(name)
        if value is None or (isinstance(value, float) and np.isnan(value)):
            continue
        out[name] = value.item() if hasattr(value, "item") else value
    return out


@pytest.fixture
def loop(database_url, tmp_path, engine):  # noqa: F811
    from fastapi.testclient import TestClient

    from recommender.service import Settings, accounts, create_app
    from recommender.service.db import open_database

    db = open_database(database_url)
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url, registry_check_seconds=0)
    app = create_app(settings, engine=engine, database=db)
    with TestClient(app, raise_server_exceptions=False) as client:
        headers = {}
        with db.session() as session:
            for i, municipality in enumerate(("Aarhus", "Frederiksberg", "Hjørring", "Holstebro",
                                              "Lyngby-Taarbæk", "Rødovre")):
                accounts.add_user(session, f"adv{i}", "adviser", PASSWORD, municipality)
                headers[municipality] = {"Authorization": f"Bearer {accounts.issue_token(session, f'adv{i}')[0]}"}
            accounts.add_user(session, "ana", "analyst", PASSWORD)
            headers["analyst"] = {"Authorization": f"Bearer {accounts.issue_token(session, 'ana')[0]}"}
        yield client, headers, db, database_url
    db.dispose()


def _run(capsys, *argv: str) -> tuple[str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out, err


def _actions(db) -> Counter:
    from sqlalchemy import select

    from recommender.service.tables import AuditEvent

    with db.session() as session:
        return Counter(session.scalars(select(AuditEvent.action)))


def _served(client, headers, expected: str) -> str:
    """The served version once it is ``expected``. A request that arrives while another one loads the
    new champion is served by the old model (requests never wait), so look a few times."""
    for _ in range(200):
        r = client.get(f"{API}/model", headers=headers)
        assert r.status_code == 200, r.text
        if r.json()["model"]["version"] == expected:
            break
        time.sleep(0.05)
    return r.json()["model"]["version"]


@pytest.mark.slow
def test_learning_loop_end_to_end(loop, tmp_path, capsys, default_model):
    from recommender import load_model, train
    from recommender.model import save_model
    from recommender.cohort import read_cohort
    from recommender.synth import generate_cohort

    client, headers, db, url = loop
    rng = np.random.default_rng(15)
    cohort = generate_cohort(300, seed=15).frame
    decided, followed = Counter(), Counter()
    for i, row in cohort.iterrows():
        intake = _intake(row)
        h = headers[intake["municipality"]]
        r = client.post(f"{API}/recommendations", json=intake, headers=h)
        assert r.status_code == 201, r.text
        rec_id, top = r.json()["id"], r.json()["recommendation"]["top_offer"]
        given = row["offer"] if isinstance(row["offer"], str) else (top or "counselling")
        body = {"offer": given}
        if given != top:
            body["reason"] = REASONS[int(rng.integers(len(REASONS)))]
        r = client.post(f"{API}/recommendations/{rec_id}/decision", json=body, headers=h)
        assert r.status_code == 201, r.text
        decided[intake["municipality"]] += 1
        followed[intake["municipality"]] += int(given == top)
        assert r.json()["followed"] == (given == top)
        closed = (FIRST if i < 200 else SECOND) + timedelta(days=int(i) % 60)
        r = client.post(f"{API}/citizens/{intake['citizen_id']}/closure", headers=h, json={
            "offer": given, "outcome": row["outcome"], "closed": closed.isoformat(),
            "duration_days": int(row["duration_days"]) if "duration_days" in row and pd.notna(row["duration_days"]) else 120})
        assert r.status_code == 201, r.text
    actions = _actions(db)
    assert actions["recommendation.create"] == actions["decision.create"] == actions["closure.create"] == 300

    # Export: the training period and the held-out period, pseudonymised.
    train_csv, holdout_csv = tmp_path / "train.csv", tmp_path / "holdout.csv"
    _, err = _run(capsys, "cohort", "export", "--database", url, "--out", str(train_csv),
                  "--until", (SECOND - timedelta(days=1)).isoformat())
    assert "200 afsluttede forløb" in err
    _run(capsys, "cohort", "export", "--database", url, "--out", str(holdout_csv),
         "--since", SECOND.isoformat())
    training, holdout = read_cohort(train_csv), read_cohort(holdout_csv)
    assert (training.n_rows, holdout.n_rows) == (200, 100)
    text = train_csv.read_text(encoding="utf-8")
    assert "syn0000001" not in text and all(c.startswith("p-") for c in training.frame["citizen_id"])
    by_key = dict(zip(cohort["citizen_id"].iloc[:200], cohort["outcome"].iloc[:200]))
    assert Counter(training.frame["outcome"]) == Counter(by_key.values())

    # The model in use goes into the registry first, then the challenger.
    in_use = tmp_path / "in_use.p500model"
    _run(capsys, "models", "export-default", "--out", str(in_use))
    old, _ = _run(capsys, "models", "register", str(in_use), "--by", "ana", "--database", url)
    old = old.strip()
    assert old == default_model.version
    _run(capsys, "models", "promote", old, "--by", "ana", "--reason", "the built-in model in use",
         "--database", url)
    challenger = train(training, n_bootstrap=5, seed=1)
    save_model(challenger, tmp_path / "challenger.p500model")
    new, _ = _run(capsys, "models", "register", str(tmp_path / "challenger.p500model"), "--database", url)
    assert new == challenger.version + "\n"  # the version alone on standard output
    new = new.strip()

    out, _ = _run(capsys, "models", "compare", "--since", SECOND.isoformat(), "--n-bootstrap", "50",
                  "--json", "--database", url)
    result = json.loads(out)
    assert (result["champion_version"], result["challenger_version"]) == (old, new)
    assert result["n_evaluated"] == 100 and result["verdict"] in ("better", "worse", "no_certain_difference")

    # Promote while requests run: none fails, each is served by one of the two models.
    seen, stop = [], threading.Event()

    def hammer() -> None:
        while not stop.is_set():
            r = client.get(f"{API}/model", headers=headers["Aarhus"])
            seen.append((r.status_code, r.json()["model"]["version"] if r.status_code == 200 else r.text))

    thread = threading.Thread(target=hammer)
    thread.start()
    try:
        _run(capsys, "models", "promote", new, "--by", "ana", "--reason", "better on held-out cases",
             "--database", url)
        assert _served(client, headers["Aarhus"], new) == new
        r = client.post(f"{API}/recommendations", json=_intake(cohort.iloc[0]) | {"citizen_id": "new-1"},
                        headers=headers[cohort.iloc[0]["municipality"]])
        assert r.status_code == 201 and r.json()["recommendation"]["model"]["version"] == new
        _run(capsys, "models", "rollback", "--by", "ana", "--reason", "checking the rollback path",
             "--database", url)
        assert _served(client, headers["Aarhus"], old) == old
    finally:
        stop.set()
        thread.join()
    assert seen and all(status == 200 for status, _ in seen)
    assert {v for _, v in seen} <= {old, new}

    # Refusals: not an analyst, no reason, nothing earlier to roll back to.
    assert main(["models", "promote", new, "--by", "adv0", "--reason", "an adviser tries", "--database", url]) == 2
    assert "analyst" in capsys.readouterr().err
    assert main(["models", "rollback", "--by", "ana", "--reason", "second rollback", "--database", url]) == 2
    assert "no earlier champion" in capsys.readouterr().err
    actions = _actions(db)
    assert actions["model.register"] == 2 and actions["model.promote"] == 2
    assert actions["model.rollback"] == 1 and actions["model.compare"] == 1 and actions["cohort.export"] == 2

    # Monitoring: the follow rates the test recorded; no drift on the population the model learnt from.
    out, _ = _run(capsys, "monitor", "--json", "--database", url)
    report = json.loads(out)
    total = sum(decided.values())
    assert report["follow_rate"]["overall"] == round(sum(followed.values()) / total, 4)
    assert report["follow_rate"]["n_decisions"] == total
    for municipality, n in decided.items():
        entry = report["follow_rate"]["by_municipality"][municipality]
        assert entry == ({"n": n, "rate": round(followed[municipality] / n, 4), "suppressed": False}
                         if n >= 5 else {"n": "<5", "rate": None, "suppressed": True})
    assert report["drift_reference"]["model_version"] == old
    assert not any(d["flag"] for d in report["drift"].values()), report["drift"]
    assert report["offpolicy"]["status"] in ("ok", "poor_overlap") and report["offpolicy"]["n_cases"] == 300

    # A shifted population: long residence, many children, no Danish course.
    shifted = cohort.iloc[:120].copy()
    shifted["citizen_id"] = [f"shift-{k}" for k in range(120)]
    shifted["years_in_denmark"], shifted["children_under_18"], shifted["danish_course"] = 30, 5, "none"
    for _, row in shifted.iterrows():
        r = client.post(f"{API}/recommendations", json=_intake(row), headers=headers[row["municipality"]])
        assert r.status_code == 201, r.text
    r = client.get(f"{API}/monitor", params={"offpolicy": "false"}, headers=headers["analyst"])
    assert r.status_code == 200, r.text
    drift = r.json()["drift"]
    assert {f for f, d in drift.items() if d["flag"]} >= {"years_in_denmark", "children_under_18", "danish_course"}
    assert not drift["spouse_support"]["flag"]
    assert r.json()["follow_rate"]["overall"] == report["follow_rate"]["overall"]  # no new decisions
    assert client.get(f"{API}/monitor", headers=headers["Aarhus"]).status_code == 403
    assert load_model(in_use).version == old
