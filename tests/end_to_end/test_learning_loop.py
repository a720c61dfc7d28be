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
from datetime import timedelta

import pytest
from _service_support import PASSWORD, database_url, engine  # noqa: F401 (fixtures)

from recommender.cli import main

API = "/api/v1"


@pytest.fixture
def loop(database_url, tmp_path, engine):  # noqa: F811
    from fastapi.testclient import TestClient

    from recommender.cases import Settings, accounts
    from recommender.cases.db import open_database
    from recommender.server import create_app

    db = open_database(database_url)
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url, registry_check_seconds=0)
    app = create_app(settings, engine=engine, database=db)
    with TestClient(app, raise_server_exceptions=False) as client:
        headers = {}
        with db.session() as session:
            for i, municipality in enumerate(
                ("Aarhus", "Frederiksberg", "Hjørring", "Holstebro", "Lyngby-Taarbæk", "Rødovre")
            ):
                accounts.add_user(session, f"adv{i}", "adviser", PASSWORD, municipality)
                headers[municipality] = {
                    "Authorization": f"Bearer {accounts.issue_token(session, f'adv{i}')[0]}"
                }
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


def _backdate(db, rec_id: str, when) -> None:
    """The recommendation made when the synthetic case started (the practice data's history)."""
    from sqlalchemy import update

    from recommender.cases.tables import RecommendationRow

    with db.session() as session:
        session.execute(
            update(RecommendationRow).where(RecommendationRow.public_id == rec_id).values(created_at=when)
        )


def _actions(db) -> Counter:
    from sqlalchemy import select

    from recommender.cases.tables import AuditEvent

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
    from recommender.cohort import read_cohort
    from recommender.model import save_model
    from recommender.synth.decision_log import SECOND_PERIOD as SECOND
    from recommender.synth.decision_log import synthetic_cases

    client, headers, db, url = loop
    cases = list(synthetic_cases(300, seed=15))
    decided, followed = Counter(), Counter()
    for case in cases:
        h = headers[case.intake["municipality"]]
        r = client.post(f"{API}/recommendations", json=case.intake, headers=h)
        assert r.status_code == 201, r.text
        rec_id, top = r.json()["id"], r.json()["recommendation"]["top_offer"]
        r = client.post(f"{API}/recommendations/{rec_id}/decision", json=case.decision(top), headers=h)
        assert r.status_code == 201, r.text
        decided[case.intake["municipality"]] += 1
        followed[case.intake["municipality"]] += int(case.given(top) == top)
        assert r.json()["followed"] == (case.given(top) == top)
        _backdate(db, rec_id, case.recommended_at)  # issue 28: a closure never predates its recommendation
        r = client.post(
            f"{API}/citizens/{case.intake['citizen_id']}/closure", json=case.closure(top), headers=h
        )
        assert r.status_code == 201, r.text
    actions = _actions(db)
    assert actions["recommendation.create"] == actions["decision.create"] == actions["closure.create"] == 300

    # Export: the training period and the held-out period, pseudonymised.
    train_csv, holdout_csv = tmp_path / "train.csv", tmp_path / "holdout.csv"
    _, err = _run(
        capsys,
        "cohort",
        "export",
        "--database",
        url,
        "--out",
        str(train_csv),
        "--until",
        (SECOND - timedelta(days=1)).isoformat(),
    )
    assert "200 afsluttede forløb" in err
    _run(
        capsys,
        "cohort",
        "export",
        "--database",
        url,
        "--out",
        str(holdout_csv),
        "--since",
        SECOND.isoformat(),
    )
    training, holdout = read_cohort(train_csv), read_cohort(holdout_csv)
    assert (training.n_rows, holdout.n_rows) == (200, 100)
    text = train_csv.read_text(encoding="utf-8")
    assert "syn0000001" not in text and all(c.startswith("p-") for c in training.frame["citizen_id"])
    assert Counter(training.frame["outcome"]) == Counter(c.outcome for c in cases[:200])

    # The model in use goes into the registry first, then the challenger.
    in_use = tmp_path / "in_use.p500model"
    _run(capsys, "models", "export-default", "--out", str(in_use))
    old, _ = _run(capsys, "models", "register", str(in_use), "--by", "ana", "--database", url)
    old = old.strip()
    assert old == default_model.version
    _run(
        capsys,
        "models",
        "promote",
        old,
        "--by",
        "ana",
        "--reason",
        "the built-in model in use",
        "--database",
        url,
    )
    challenger = train(training, n_bootstrap=5, seed=1)
    save_model(challenger, tmp_path / "challenger.p500model")
    new, _ = _run(capsys, "models", "register", str(tmp_path / "challenger.p500model"), "--database", url)
    assert new == challenger.version + "\n"  # the version alone on standard output
    new = new.strip()

    out, _ = _run(
        capsys,
        "models",
        "compare",
        "--since",
        SECOND.isoformat(),
        "--n-bootstrap",
        "50",
        "--json",
        "--database",
        url,
    )
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
        against = [] if result["promote"] else ["--against-verdict", "the test exercises the promote path"]
        _run(
            capsys,
            "models",
            "promote",
            new,
            "--by",
            "ana",
            "--reason",
            "better on held-out cases",
            *against,
            "--database",
            url,
        )  # issue 28: against a don't-promote verdict only with a reason
        assert _served(client, headers["Aarhus"], new) == new
        r = client.post(
            f"{API}/recommendations",
            json=cases[0].intake | {"citizen_id": "new-1"},
            headers=headers[cases[0].intake["municipality"]],
        )
        assert r.status_code == 201 and r.json()["recommendation"]["model"]["version"] == new
        _run(
            capsys,
            "models",
            "rollback",
            "--by",
            "ana",
            "--reason",
            "checking the rollback path",
            "--database",
            url,
        )
        assert _served(client, headers["Aarhus"], old) == old
    finally:
        stop.set()
        thread.join()
    assert seen and all(status == 200 for status, _ in seen)
    assert {v for _, v in seen} <= {old, new}

    # Refusals: not an analyst, no reason, nothing earlier to roll back to.
    assert (
        main(["models", "promote", new, "--by", "adv0", "--reason", "an adviser tries", "--database", url])
        == 2
    )
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
    assert report["follow_rate"]["overall"] in (round(sum(followed.values()) / total, 4), None)
    assert report["follow_rate"]["n_decisions"] == total
    for municipality, n in decided.items():  # issue 28: complementary suppression hides more than n < 5
        entry = report["follow_rate"]["by_municipality"][municipality]
        k = followed[municipality]
        assert entry["n"] in (n, "..") and entry["rate"] in (round(k / n, 4), None)
        assert entry["suppressed"] is (entry["rate"] is None)
        if n < 5 or 0 < k < 5 or 0 < n - k < 5:
            assert entry["rate"] is None and (n >= 5 or entry["n"] == "..")
    assert report["drift_reference"]["model_version"] == old
    assert not any(d["flag"] for d in report["drift"].values()), report["drift"]
    assert report["offpolicy"]["status"] in ("ok", "poor_overlap") and report["offpolicy"]["n_cases"] == 300

    # A shifted population: long residence, many children, no Danish course.
    for k, case in enumerate(cases[:120]):
        intake = case.intake | {
            "citizen_id": f"shift-{k}",
            "years_in_denmark": 30,
            "children_under_18": 5,
            "danish_course": "none",
        }
        r = client.post(f"{API}/recommendations", json=intake, headers=headers[intake["municipality"]])
        assert r.status_code == 201, r.text
    r = client.get(f"{API}/monitor", headers=headers["analyst"])
    assert r.status_code == 200, r.text
    drift = r.json()["drift"]
    assert {f for f, d in drift.items() if d["flag"]} >= {
        "years_in_denmark",
        "children_under_18",
        "danish_course",
    }
    assert not drift["spouse_support"]["flag"]
    assert r.json()["follow_rate"]["overall"] == report["follow_rate"]["overall"]  # no new decisions
    assert r.json()["offpolicy"] == {"status": "not_requested"}  # the API computes it on request only
    assert client.get(f"{API}/monitor", headers=headers["Aarhus"]).status_code == 403
    assert load_model(in_use).version == old
