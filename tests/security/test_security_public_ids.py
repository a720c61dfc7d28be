"""Issue 28 point 13: a recommendation's id tells nothing, and another municipality's id is a missing one.

The integer ids were global and sequential (the gap between an adviser's own ids counted the other
municipalities' recommendations), and a 404 for another municipality's id read the row (and its
decision and closure) before refusing, about 2.6 ms slower than a missing id. Now every URL, API
body, page link, form action and audit resource names a recommendation by its opaque public id, and
the look-up is one query by (public id, municipality). These tests compare responses, audit rows and
the SQL statements run; the timing itself is measured by ``benchmarks/bench_not_found.py``.
On SQLite, and on PostgreSQL when RECOMMENDER_TEST_POSTGRES_URL is set.
"""

from __future__ import annotations

import json
import re
from contextlib import contextmanager

import pytest
from _service_support import database_url, engine, example, service  # noqa: F401 (fixtures)
from sqlalchemy import event, select, text
from sqlalchemy.exc import IntegrityError
from test_web import Web
from test_web import running as _running

from recommender.cases.db import make_engine, upgrade
from recommender.cases.public_ids import is_public_id
from recommender.cases.tables import AuditEvent, RecommendationRow

API = "/api/v1"
running = contextmanager(_running)
MISSING = "Zq3_unknown-id-000000A"  # well formed, never issued
ID_IN_URL = re.compile(r"/recommendations/([^/?#\"'\s]+)")


def _create(client, headers, **changes) -> dict:
    r = client.post(f"{API}/recommendations", json={**example(), **changes}, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


def _ids_in(value, key: str = "") -> list[tuple[str, object]]:
    """Every (key, value) in a JSON document whose key names a recommendation id."""
    if isinstance(value, dict):
        return [pair for k, v in value.items() for pair in _ids_in(v, k)]
    if isinstance(value, list):
        return [pair for v in value for pair in _ids_in(v, key)]
    return [(key, value)] if key in ("id", "recommendation_id") else []


@contextmanager
def _statements(db):
    """The SQL statements run on ``db`` while the block runs (their text; parameters differ)."""
    seen: list[str] = []

    def listen(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)


def test_consecutive_ids_are_opaque_distinct_and_say_nothing_of_other_municipalities(service) -> None:
    anna, bo = service.user("anna"), service.user("bo", municipality="Rødovre")
    mine = []
    for i in range(6):
        mine.append(_create(service.client, anna, citizen_id=f"P500-A{i}")["id"])
        for j in range(i):  # another municipality's work in between, more each time
            _create(service.client, bo, citizen_id=f"P500-B{i}{j}", municipality="Rødovre")
    assert all(isinstance(i, str) and is_public_id(i) for i in mine), mine
    assert not any(i.isdigit() for i in mine)
    assert len(set(mine)) == len(mine)
    assert len({i[:4] for i in mine}) == len(mine), "no shared, counting prefix"
    with service.db.session() as session:
        internal = {
            r.public_id: r.id
            for r in session.scalars(select(RecommendationRow).order_by(RecommendationRow.id))
        }
        created = [
            e.resource
            for e in session.scalars(select(AuditEvent).where(AuditEvent.action == "recommendation.create"))
        ]
    assert [internal[i] for i in mine] == [1, 2, 4, 7, 11, 16]  # the gaps the integer ids showed
    assert {f"recommendation:{i}" for i in mine} <= set(created)
    assert not any(re.fullmatch(r"recommendation:\d+", r or "") for r in created)


def test_no_integer_id_in_any_api_response(service) -> None:
    anna = service.user("anna")
    rec = _create(service.client, anna, job_goal_level="none")
    rid, top = rec["id"], rec["recommendation"]["top_offer"]
    bodies = [rec]
    r = service.client.post(
        f"{API}/recommendations/{rid}/typology",
        json={"typology": "flexible", "reason": "vil gerne arbejde med rengøring"},
        headers=anna,
    )
    bodies.append(r.json())
    top = r.json()["top_offer"]
    bodies.append(service.client.get(f"{API}/recommendations/{rid}/what-if", headers=anna).json())
    bodies.append(
        service.client.post(f"{API}/recommendations/{rid}/decision", json={"offer": top}, headers=anna).json()
    )
    closure = {"offer": top, "outcome": "job", "closed": "2026-12-07", "duration_days": 0}
    bodies.append(
        service.client.post(f"{API}/citizens/P500-EX-01/closure", json=closure, headers=anna).json()
    )
    bodies.append(service.client.get(f"{API}/recommendations/{rid}", headers=anna).json())
    bodies.append(service.client.get(f"{API}/citizens/P500-EX-01/recommendations", headers=anna).json())
    found = [pair for body in bodies for pair in _ids_in(body)]
    assert len(found) >= 7, (
        found
    )  # created, typology (+ its decision none), decision, closure, stored, history
    assert all(value == rid for _, value in found), found
    for body in bodies:
        assert "error" not in body, body


def test_no_integer_id_in_any_page_link_form_action_or_redirect(tmp_path, engine) -> None:  # noqa: F811
    with running(Web(tmp_path, engine)) as web:
        web.user("anna")
        web.login("anna")
        location = web.submit(example()).headers["location"]
        rid = location.rsplit("/", 1)[1]
        assert is_public_id(rid), location
        pages = [
            web.client.get(location).text,
            web.client.get(f"{location}?hvad=1").text,
            web.client.get(f"{location}/summary").text,
            web.client.get(f"{location}/letter").text,
            web.client.get("/history", params={"citizen_id": "P500-EX-01"}).text,
        ]
        token = web.csrf(location)
        typed = web.client.post(
            f"{location}/citizen",
            data={"citizen_id": "P500-EX-01", "csrf_token": token},
            follow_redirects=False,
        )
        assert typed.headers["location"] == location
        decided = web.client.post(
            f"{location}/decision",
            data={"offer": "counselling", "reason": "citizen_preference", "csrf_token": token},
            follow_redirects=False,
        )
        assert decided.status_code == 303 and decided.headers["location"].startswith(location), decided.text
        pages.append(web.client.get(location).text)
        links = [m for page in pages for m in ID_IN_URL.findall(page)]
        links += re.findall(r'data-recommendation="([^"]+)"', pages[4])
        assert len(links) >= 8, links
        assert set(links) == {rid}, links
        assert "shown" not in web.client.cookies or not re.search(
            r"\b\d+\b", web.client.cookies.get("shown", "")
        )


def _pair(service):
    """anna (Aarhus), the id of one of bo's recommendations (Rødovre) and a missing id."""
    anna, bo = service.user("anna"), service.user("bo", municipality="Rødovre")
    foreign = _create(service.client, bo, municipality="Rødovre")["id"]
    top = _create(service.client, bo, municipality="Rødovre", citizen_id="P500-B2")
    service.client.post(  # a decided one too: its decision was the extra read before
        f"{API}/recommendations/{top['id']}/decision",
        json={"offer": top["recommendation"]["top_offer"]},
        headers=bo,
    )
    return anna, [foreign, top["id"]]


API_ROUTES = [
    ("get", "{}", None),
    ("post", "{}/decision", {"offer": "counselling", "reason": "citizen_preference"}),
    ("post", "{}/typology", {"typology": "flexible", "reason": "grund"}),
    ("get", "{}/what-if", None),
]


@pytest.mark.parametrize(("method", "path", "body"), API_ROUTES)
def test_a_foreign_id_is_a_missing_id_in_the_api(service, method, path, body) -> None:  # noqa: F811
    anna, foreign_ids = _pair(service)

    def ask(rid: str):
        url = f"{API}/recommendations/{path.format(rid)}"
        before = len(service.audit())
        with _statements(service.db) as sql:
            r = service.client.request(method, url, json=body, headers=anna)
        new = service.audit()[before:]
        rows = [(e.actor, e.role, e.action, e.status, e.detail, e.municipality, e.resource) for e in new]
        rows = [(*row[:-1], (row[-1] or "").replace(rid, "<id>")) for row in rows]
        return r.status_code, r.content, {k: v for k, v in r.headers.items() if k != "date"}, rows, sql

    ask(MISSING)  # warm-up: the first request of a test reads what later ones find cached
    missing = ask(MISSING)
    for rid in foreign_ids:
        foreign = ask(rid)
        assert foreign[0] == missing[0] == 404
        assert foreign[1] == missing[1], "byte-identical bodies"
        assert foreign[2] == missing[2], "identical headers"
        assert foreign[3] == missing[3], "the same audit rows (what-if: none)"
        assert foreign[4] == missing[4], "the same SQL statements"
    assert len(missing[3]) == (0 if path.endswith("what-if") else 1)
    if missing[3]:
        assert missing[3][0][-1] == "recommendation:<id>"


WEB_ROUTES = [
    ("get", "{}", False),
    ("get", "{}/summary", False),
    ("get", "{}/letter", False),
    ("post", "{}/decision", {"offer": "counselling", "reason": "citizen_preference"}),
    ("post", "{}/closure", {"outcome": "job", "closed": "2026-12-07", "duration_days": "1"}),
    ("post", "{}/typology", {"typology": "flexible", "reason": "grund"}),
    ("post", "{}/citizen", {"citizen_id": "P500-EX-01"}),
]


@pytest.mark.parametrize(("method", "path", "form"), WEB_ROUTES)
def test_a_foreign_id_is_a_missing_id_on_the_page(tmp_path, engine, method, path, form) -> None:  # noqa: F811
    with running(Web(tmp_path, engine)) as web:
        web.user("anna")
        bo = web.user("bo", municipality="Rødovre")
        foreign = _create(web.client, bo, municipality="Rødovre")["id"]
        web.login("anna")
        token = web.csrf("/")

        def ask(rid: str):
            url = f"/recommendations/{path.format(rid)}"
            with web.db.session() as session:
                before = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
            with _statements(web.db) as sql:
                if method == "get":
                    r = web.client.get(url, follow_redirects=False)
                else:
                    r = web.client.post(url, data={**form, "csrf_token": token}, follow_redirects=False)
            with web.db.session() as session:
                new = session.scalars(select(AuditEvent).where(AuditEvent.id > before)).all()
                rows = [
                    (e.actor, e.action, e.status, e.detail, (e.resource or "").replace(rid, "<id>"))
                    for e in new
                ]
            return r.status_code, r.text.replace(rid, "<id>"), rows, sql

        ask(MISSING)
        missing, other = ask(MISSING), ask(foreign)
        assert missing[0] == other[0] == 404
        assert "findes ikke" in missing[1].lower()
        assert missing[1] == other[1]
        assert missing[2] == other[2] and [r[-1] for r in missing[2]] == ["recommendation:<id>"]
        assert missing[3] == other[3]


@pytest.mark.parametrize(
    "bad", ["1", "010190-1234", "0101901234", "x" * 300, "A" * 21, "A" * 23, "%C3%A6" * 11]
)
def test_a_malformed_id_is_a_clear_refusal_never_a_500_nor_an_echo(service, bad) -> None:  # noqa: F811
    anna = service.user("anna")
    for method, path in [
        ("get", "{}"),
        ("post", "{}/decision"),
        ("post", "{}/typology"),
        ("get", "{}/what-if"),
    ]:
        r = service.client.request(method, f"{API}/recommendations/{path.format(bad)}", json={}, headers=anna)
        assert r.status_code == 422, r.text
        assert r.json()["error"]["field"] == "recommendation_id"
        assert "0101901234" not in re.sub(r"\D", "", r.text)


@pytest.mark.parametrize("bad", ["1", "010190-1234", "x" * 300, "A" * 23])
def test_a_malformed_id_on_the_page_is_the_danish_not_found_page(tmp_path, engine, bad) -> None:  # noqa: F811
    with running(Web(tmp_path, engine)) as web:
        web.user("anna")
        web.login("anna")
        token = web.csrf("/")
        for r in (
            web.client.get(f"/recommendations/{bad}"),
            web.client.get(f"/recommendations/{bad}/letter"),
            web.client.post(f"/recommendations/{bad}/decision", data={"offer": "x", "csrf_token": token}),
            web.client.post(f"/recommendations/{bad}/typology", data={"typology": "x", "csrf_token": token}),
        ):
            assert r.status_code == 404, r.text
            assert "text/html" in r.headers["content-type"]
            assert "ikke et anbefalings-id" in r.text
            assert "0101901234" not in re.sub(r"\D", "", r.text)


def test_migration_0005_gives_every_existing_recommendation_a_public_id(database_url) -> None:  # noqa: F811
    engine_ = make_engine(database_url)
    upgrade(engine_, "0004")  # the schema before issue 28's ids
    with engine_.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (name, role, municipality, password_hash, active, created_at) "
                "VALUES ('anna', 'adviser', 'Aarhus', 'x', true, '2026-12-01 10:00:00')"
            )
        )
        for i in range(5):
            conn.execute(
                text(
                    "INSERT INTO recommendations (citizen_ref, municipality, adviser_id, created_at, intake, "
                    "contract, model_version, rules_version, top_offer, typology) VALUES (:ref, 'Aarhus', 1, "
                    "'2026-12-01 10:00:00', :intake, '{}', 'm1', 'r1', 'internship', 'flexible')"
                ),
                {"ref": f"{i:064d}", "intake": json.dumps({"citizen_id": f"{i:064d}"})},
            )
        conn.execute(
            text(
                "INSERT INTO decisions (recommendation_id, offer, followed, adviser_id, decided_at) "
                "VALUES (3, 'internship', true, 1, '2026-12-01 11:00:00')"
            )
        )
    upgrade(engine_, "head")
    with engine_.connect() as conn:
        rows = conn.execute(text("SELECT id, citizen_ref, public_id FROM recommendations ORDER BY id")).all()
        decided = conn.execute(
            text("SELECT r.public_id FROM decisions d JOIN recommendations r ON r.id = d.recommendation_id")
        ).scalar_one()
    assert [(r.id, r.citizen_ref) for r in rows] == [(i + 1, f"{i:064d}") for i in range(5)], "rows kept"
    assert all(is_public_id(r.public_id) for r in rows)
    assert len({r.public_id for r in rows}) == 5
    assert decided == rows[2].public_id, "the decision still points at its recommendation"
    with pytest.raises(IntegrityError):  # unique
        with engine_.begin() as conn:
            conn.execute(text("UPDATE recommendations SET public_id = :p"), {"p": rows[0].public_id})
    engine_.dispose()


def _at_0004_with_rows(url: str, recommendations: int = 2):
    """An engine on ``url`` migrated to 0004 with a user and ``recommendations`` rows."""
    engine_ = make_engine(url)
    upgrade(engine_, "0004")
    with engine_.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (name, role, municipality, password_hash, active, created_at) "
                "VALUES ('anna', 'adviser', 'Aarhus', 'x', true, '2026-12-01 10:00:00')"
            )
        )
        for i in range(recommendations):
            conn.execute(
                text(
                    "INSERT INTO recommendations (citizen_ref, municipality, adviser_id, created_at, intake, "
                    "contract, model_version, rules_version, top_offer, typology, typology_by) VALUES "
                    "(:ref, 'Aarhus', 1, '2026-12-01 10:00:00', '{}', '{}', 'm1', 'r1', 'internship', "
                    "'flexible', 1)"
                ),
                {"ref": f"{i:064d}"},
            )
    return engine_


def _snapshot(engine_) -> tuple:
    """The whole SQLite file as SQL: its schema (every table, index, trigger) and every row."""
    with engine_.connect() as conn:
        raw = conn.connection.dbapi_connection
        return tuple(raw.iterdump())


def _shape(engine_, table: str) -> dict:
    """A table's columns, indexes, foreign keys and unique constraints as the database reports them."""
    from sqlalchemy import inspect

    found = inspect(engine_)

    def named(items: list[dict], *keys: str) -> list:
        return sorted(tuple(str(item.get(k)) for k in keys) for item in items)

    return {
        "columns": named(found.get_columns(table), "name", "nullable"),
        "indexes": named(  # PostgreSQL lists a unique constraint's own index too: that is in "unique"
            [i for i in found.get_indexes(table) if not i.get("duplicates_constraint")],
            "name",
            "column_names",
            "unique",
        ),
        "foreign_keys": named(
            found.get_foreign_keys(table), "constrained_columns", "referred_table", "referred_columns"
        ),
        "unique": named(found.get_unique_constraints(table), "column_names"),
        "primary_key": found.get_pk_constraint(table)["constrained_columns"],
    }


@pytest.mark.parametrize("failure", ["broken reference", "crash copying the table"])
def test_a_failing_migration_0005_on_sqlite_changes_nothing_and_a_retry_upgrades(tmp_path, failure) -> None:
    """Review of issue 28: pysqlite committed the ALTER TABLE (and the batch copy's CREATE TABLE) on its
    own, so a failed 0005 left a column added at revision 0004 and every later upgrade failed with
    "duplicate column name". Now the whole upgrade is one transaction."""
    from sqlalchemy.exc import OperationalError

    from recommender.cases.db import SchemaError, current_revision

    engine_ = _at_0004_with_rows(f"sqlite:///{tmp_path / 'half.sqlite3'}", recommendations=1)
    if failure == "broken reference":
        with engine_.connect() as conn:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # outside a transaction: the driver adds none
            conn.exec_driver_sql(
                "INSERT INTO decisions (recommendation_id, offer, followed, adviser_id, decided_at) "
                "VALUES (99, 'internship', 1, 1, '2026-12-01 11:00:00')"
            )
            conn.commit()
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            conn.commit()
    before = _snapshot(engine_)
    assert any("_alembic_tmp" not in line and "recommendations" in line for line in before)

    def crash(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().startswith("INSERT INTO _alembic_tmp_recommendations"):
            raise OperationalError(statement, parameters, Exception("the process died here"))

    if failure == "crash copying the table":
        event.listen(engine_, "before_cursor_execute", crash)
        with pytest.raises(OperationalError, match="the process died here"):
            upgrade(engine_, "head")
        event.remove(engine_, "before_cursor_execute", crash)
    else:
        with pytest.raises(SchemaError, match="1 broken references; nothing was changed"):
            upgrade(engine_, "head")
    assert current_revision(engine_) == "0004"
    after = _snapshot(engine_)
    assert after == before, "schema and rows exactly as at 0004"
    assert not any("public_id" in line or "_alembic_tmp" in line for line in after)
    with engine_.connect() as conn:  # the pooled connection is handed back as the service needs it
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.connection.dbapi_connection.isolation_level == ""

    with engine_.begin() as conn:  # the repair
        conn.exec_driver_sql("UPDATE decisions SET recommendation_id = 1")
    assert upgrade(engine_, "head") == ("0004", "0006")
    with engine_.connect() as conn:
        ids = conn.exec_driver_sql("SELECT public_id FROM recommendations").scalars().all()
    assert len(ids) == 1 and is_public_id(ids[0])
    engine_.dispose()


def test_a_database_left_half_done_by_the_earlier_migration_upgrades(database_url) -> None:  # noqa: F811
    """The state the earlier code left: the column added (empty), a stale table copy, revision 0004."""
    engine_ = _at_0004_with_rows(database_url, recommendations=3)
    with engine_.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE recommendations ADD COLUMN public_id VARCHAR(32)")
        conn.exec_driver_sql("CREATE TABLE _alembic_tmp_recommendations (id INTEGER NOT NULL PRIMARY KEY)")
    assert upgrade(engine_, "head") == ("0004", "0006")
    from sqlalchemy import inspect

    assert "_alembic_tmp_recommendations" not in inspect(engine_).get_table_names()
    with engine_.connect() as conn:
        ids = conn.exec_driver_sql("SELECT public_id FROM recommendations ORDER BY id").scalars().all()
    assert len(ids) == 3 and all(is_public_id(i) for i in ids) and len(set(ids)) == 3
    fresh = make_engine(database_url.replace("service.sqlite3", "fresh.sqlite3"))
    if fresh.dialect.name == "sqlite":  # the repaired table is the one a fresh database gets
        upgrade(fresh, "head")
        assert _shape(engine_, "recommendations") == _shape(fresh, "recommendations")
    fresh.dispose()
    engine_.dispose()


def test_migration_0005_keeps_the_indexes_and_foreign_keys_of_recommendations(database_url) -> None:  # noqa: F811
    engine_ = _at_0004_with_rows(database_url)
    before = {t: _shape(engine_, t) for t in ("recommendations", "decisions", "closures")}
    assert ("['typology_by']", "users", "['id']") in before["recommendations"]["foreign_keys"]
    assert len(before["recommendations"]["indexes"]) >= 3
    upgrade(engine_, "head")
    after = {t: _shape(engine_, t) for t in ("recommendations", "decisions", "closures")}
    assert after["decisions"] == before["decisions"] and after["closures"] == before["closures"]
    mine, was = after["recommendations"], before["recommendations"]
    assert mine["foreign_keys"] == was["foreign_keys"]
    assert mine["indexes"] == was["indexes"]
    assert mine["primary_key"] == was["primary_key"] == ["id"]
    assert mine["columns"] == sorted([*was["columns"], ("public_id", "False")])
    assert mine["unique"] == sorted([*was["unique"], ("['public_id']",)])
    engine_.dispose()
