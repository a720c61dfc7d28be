"""The service's database: migrations, schema checks, the append-only audit trail, 503 when the
database is gone, secrets and settings. On SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import os
import stat
from datetime import timedelta

import pytest
from _service_support import PASSWORD, database_url, engine, example, fresh_url, make_service, service  # noqa: F401
from sqlalchemy import create_engine, insert, text
from sqlalchemy.exc import DBAPIError

from recommender import RecommenderError
from recommender.cases import audit
from recommender.cases.db import (
    SchemaError,
    current_revision,
    head_revision,
    make_engine,
    open_database,
    upgrade,
)
from recommender.cases.tables import AuditEvent, Base, utcnow


def test_migrations_create_exactly_the_orm_schema(database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    db = open_database(database_url)
    try:
        assert current_revision(db.engine) == head_revision()
        with db.engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
            )
        assert diff == []
    finally:
        db.dispose()


def test_an_out_of_date_schema_is_refused_with_the_command_to_run(database_url):
    engine = make_engine(database_url)
    upgrade(engine, "0001")
    engine.dispose()
    with pytest.raises(SchemaError) as err:
        open_database(database_url)
    message = str(err.value)
    assert "recommender db upgrade" in message and "0001" in message and "\n" not in message
    from recommender.cli import main

    assert main(["db", "upgrade", "--database", database_url]) == 0
    open_database(database_url).dispose()


def test_a_schema_newer_than_the_code_is_refused(database_url):
    db = open_database(database_url)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    db.dispose()
    with pytest.raises(SchemaError, match="newer than this version"):
        open_database(database_url)


def test_serve_refuses_an_out_of_date_schema_in_one_line(database_url, capsys):
    from recommender.cli import main

    engine = make_engine(database_url)
    upgrade(engine, "0001")
    engine.dispose()
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    capsys.readouterr()
    assert main(["serve", "--port", str(port), "--database", database_url]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "recommender db upgrade" in err


def test_bad_database_urls_are_one_line_errors(capsys, tmp_path):
    from recommender.cli import main

    assert main(["db", "upgrade", "--database", "nonsense"]) == 2
    assert main(["users", "list", "--database", "mysql+nodriver://x/y"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(line.startswith("fejl/error: ") for line in err)


def test_audit_trail_is_append_only_in_the_database(database_url):
    db = open_database(database_url)
    try:
        with db.session() as session:
            audit.record(session, "test.event", status=200, actor="t")
        for statement in ("UPDATE audit_events SET actor = 'mallory'", "DELETE FROM audit_events"):
            with pytest.raises(DBAPIError, match="append-only|six months"):
                with db.engine.begin() as conn:
                    conn.execute(text(statement))
        with db.session() as session:
            assert [e.actor for e in session.query(AuditEvent)] == ["t"]
    finally:
        db.dispose()


def test_retention_purges_only_events_older_than_the_retention(database_url):
    db = open_database(database_url)
    now = utcnow()
    try:
        with db.engine.begin() as conn:
            for days, actor in ((800, "old"), (400, "year"), (10, "new")):
                conn.execute(
                    insert(AuditEvent).values(
                        at=now - timedelta(days=days), actor=actor, action="test", status=200
                    )
                )
        with db.session() as session:
            assert audit.purge(session, 24) == 1
        with db.session() as session:
            actors = [e.actor for e in session.query(AuditEvent).order_by(AuditEvent.id)]
        assert actors == ["year", "new", "system"]  # the purge is itself recorded
        with db.session() as session:
            assert audit.purge(session, 3) == 1  # a retention under 6 months counts as 6
        with db.session() as session:
            assert "year" not in [e.actor for e in session.query(AuditEvent)]
    finally:
        db.dispose()


def test_every_personal_data_request_is_audited_without_raw_ids(service):
    headers = service.user("anna")
    record = example()
    rec = service.client.post("/api/v1/recommendations", json=record, headers=headers).json()
    service.client.get(f"/api/v1/recommendations/{rec['id']}", headers=headers)
    service.client.post(
        f"/api/v1/recommendations/{rec['id']}/decision",
        json={"offer": rec["recommendation"]["top_offer"]},
        headers=headers,
    )
    service.client.get(f"/api/v1/citizens/{record['citizen_id']}/recommendations", headers=headers)
    service.client.post(
        f"/api/v1/citizens/{record['citizen_id']}/closure",
        headers=headers,
        json={
            "offer": "internship",
            "outcome": "job",  # on or after the recommendation
            "closed": __import__("datetime").date.today().isoformat(),
            "duration_days": 3,
        },
    )
    service.client.get("/api/v1/model", headers={"Authorization": "Bearer p500_wrong"})
    events = service.audit()
    actions = [(e.action, e.status) for e in events]
    assert actions == [
        ("user.add", 201),
        ("token.issue", 201),
        ("recommendation.create", 201),
        ("recommendation.read", 200),
        ("decision.create", 201),
        ("citizen.history", 200),
        ("closure.create", 201),
        ("auth.denied", 401),
    ]
    create = events[2]
    assert create.actor == "anna" and create.municipality == "Aarhus"
    assert create.model_version and create.rules_version and len(create.input_hash) == 64
    dump = json.dumps([[str(getattr(e, c.name)) for c in AuditEvent.__table__.columns] for e in events])
    assert record["citizen_id"] not in dump


def test_audit_export_cli(service, capsys, tmp_path):
    from recommender.cli import main

    service.user("anna")
    url = service.db.url
    assert main(["audit", "export", "--since", "2000-01-01", "--database", url]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(x)["action"] for x in lines] == ["user.add", "token.issue"]
    out = tmp_path / "audit.jsonl"
    assert main(["audit", "export", "--since", "2000-01-01", "--out", str(out), "--database", url]) == 0
    assert [json.loads(x)["action"] for x in out.read_text().splitlines()][-1] == "audit.export"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert main(["audit", "export", "--since", "2999-01-01", "--database", url]) == 0
    assert capsys.readouterr().out == ""


def test_database_unavailable_is_503_never_500(database_url, tmp_path, engine):
    from sqlalchemy.orm import sessionmaker

    from recommender.cases.db import Database

    svc = make_service(database_url, tmp_path, engine)
    with svc.client:
        headers = svc.user("anna")
        broken_url = (
            f"sqlite:///{tmp_path}/missing/dir/x.sqlite3"
            if database_url.startswith("sqlite")
            else "postgresql+psycopg://postgres@/nodb?host=/nonexistent-socket-dir"
        )
        broken = create_engine(broken_url)
        svc.app.state.db = Database(engine=broken, sessions=sessionmaker(broken), url=broken_url)
        for r in (
            svc.client.post("/api/v1/recommendations", json=example(), headers=headers),
            svc.client.get(f"/api/v1/recommendations/{'A' * 22}", headers=headers),
            svc.client.get("/healthz"),
        ):
            assert r.status_code == 503, r.text
            assert r.json()["error"]["code"] == "database_unavailable"
            assert "nonexistent" not in r.text and "missing" not in r.text
    svc.db.dispose()


def test_secrets_are_generated_once_owner_only(tmp_path):
    from recommender.cases.keys import load_or_create_secret

    key = load_or_create_secret(tmp_path / "d", "pseudonym.key")
    assert load_or_create_secret(tmp_path / "d", "pseudonym.key") == key and len(key) == 64
    assert stat.S_IMODE((tmp_path / "d" / "pseudonym.key").stat().st_mode) == 0o600
    (tmp_path / "d" / "cut.key").write_text("abc")
    with pytest.raises(RecommenderError, match="cut short"):
        load_or_create_secret(tmp_path / "d", "cut.key")


def test_settings_from_environment_and_file(tmp_path, monkeypatch):
    from recommender.cases.settings import load_settings

    monkeypatch.setenv("RECOMMENDER_DATABASE_URL", "sqlite:///env.sqlite3")
    assert load_settings().resolved_database_url() == "sqlite:///env.sqlite3"
    assert (
        load_settings(database_url="sqlite:///flag.sqlite3").resolved_database_url().endswith("flag.sqlite3")
    )
    monkeypatch.delenv("RECOMMENDER_DATABASE_URL")
    config = tmp_path / "recommender.env"
    config.write_text("RECOMMENDER_AUDIT_RETENTION_MONTHS=36\nRECOMMENDER_DATA_DIR=/srv/rec\n")
    monkeypatch.setenv("RECOMMENDER_CONFIG", str(config))
    s = load_settings()
    assert s.audit_retention_months == 36 and str(s.data_dir) == "/srv/rec"
    monkeypatch.setenv("RECOMMENDER_AUDIT_RETENTION_MONTHS", "5")
    with pytest.raises(RecommenderError, match="RECOMMENDER_AUDIT_RETENTION_MONTHS: .*at least 6"):
        load_settings()
    monkeypatch.setenv("RECOMMENDER_CONFIG", str(tmp_path / "missing.env"))
    with pytest.raises(RecommenderError, match="RECOMMENDER_CONFIG"):
        load_settings()


def test_pseudonyms_depend_on_the_key(tmp_path, engine):
    url = fresh_url("sqlite", tmp_path)
    a = make_service(url, tmp_path / "a", engine)
    with a.client:
        headers = a.user("anna")
        a.client.post("/api/v1/recommendations", json=example(), headers=headers)
    from recommender.cases.tables import RecommendationRow

    with a.db.session() as session:
        ref = session.query(RecommendationRow).one().citizen_ref
    key = (tmp_path / "a" / "data" / "pseudonym.key").read_bytes().strip()
    from recommender.cases.keys import Pseudonymiser

    assert Pseudonymiser(key).citizen(example()["citizen_id"]) == ref
    assert Pseudonymiser(b"another key of enough length").citizen(example()["citizen_id"]) != ref
    a.db.dispose()
    assert os.environ.get("RECOMMENDER_PSEUDONYM_KEY") is None


def test_two_advisers_deciding_at_once_get_one_201_and_one_409(service, monkeypatch):
    """Both requests read the recommendation before either commits: the unique constraint decides."""
    import threading

    from recommender.cases import decisions
    from recommender.cases.db import open_database
    from recommender.cases.errors import CaseError
    from recommender.cases.inputs import DecisionIn
    from recommender.cases.tables import User

    headers = service.user("anna")
    rec = service.client.post("/api/v1/recommendations", json=example(), headers=headers).json()
    barrier = threading.Barrier(2, timeout=30)
    real_find = decisions.find

    def find_then_wait(*args, **kwargs):
        row = real_find(*args, **kwargs)
        barrier.wait()  # both have seen "no decision yet"
        return row

    monkeypatch.setattr(decisions, "find", find_then_wait)
    outcomes: list[object] = []

    def attempt(offer: str) -> None:
        db = open_database(service.db.url)  # a connection of its own, like another worker
        try:
            with db.sessions() as session:
                user = session.query(User).filter_by(name="anna").one()
                try:
                    d = decisions.decide(
                        session,
                        service.app.state.pseudonyms,
                        user,
                        rec["id"],
                        DecisionIn(offer=offer, reason="adviser_judgement"),
                    )
                    outcomes.append(("201", d.offer))
                except CaseError as exc:
                    outcomes.append((str(exc.status), exc.code))
        finally:
            db.dispose()

    threads = [threading.Thread(target=attempt, args=(o,)) for o in ("internship", "counselling")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(s for s, _ in outcomes) == ["201", "409"], outcomes
    assert ("409", "decision_exists") in outcomes
    stored = service.client.get(f"/api/v1/recommendations/{rec['id']}", headers=headers).json()
    assert stored["decision"]["offer"] == next(o for s, o in outcomes if s == "201")
    assert [e.action for e in service.audit()].count("decision.create") == 2  # 201 and the refused one
