"""The adviser service's API through httpx (FastAPI's TestClient), on SQLite and on PostgreSQL."""

from __future__ import annotations

import json

import pytest
from _service_support import Service, database_url, engine, example, service, stored_row  # noqa: F401 (fixtures)

from recommender import Citizen, RecommenderError, recommend

API = "/api/v1"


def _error(response, status: int, code: str | None = None, field: str | None = None) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "field", "message_da", "message_en"}
    if code is not None:
        assert body["error"]["code"] == code
    if field is not None:
        assert body["error"]["field"] == field
    assert "Traceback" not in response.text
    return body["error"]


def _create(service, headers, record=None) -> dict:
    r = service.client.post(f"{API}/recommendations", json=record or example(), headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


@pytest.mark.parametrize("name", ["flexible", "no_goal", "flexible_danish_labels"])
def test_the_api_recommendation_is_recommend_to_dict(service, engine, name):
    record = example(name)
    headers = service.user("anna", municipality=record["municipality"])
    body = _create(service, headers, record)
    expected = recommend(Citizen.from_dict(record), model=engine.model, rules=engine.rules).to_dict()
    assert body["recommendation"] == json.loads(json.dumps(expected))
    assert set(body) == {"id", "recommendation"}
    assert body["recommendation"]["citizen_id"] == record["citizen_id"]


def test_responses_are_never_cached(service):
    headers = service.user("anna")
    for r in (
        service.client.post(f"{API}/recommendations", json=example(), headers=headers),
        service.client.get(f"{API}/recommendations/1", headers=headers),
        service.client.get(f"{API}/recommendations/99", headers=headers),
        service.client.get(f"{API}/model"),
    ):
        assert r.headers["cache-control"] == "no-store"
        assert r.headers["x-content-type-options"] == "nosniff"


def test_stored_recommendation_keeps_contract_versions_and_only_the_pseudonym(service, engine):
    headers = service.user("anna")
    record = example()
    created = _create(service, headers, record)
    r = service.client.get(f"{API}/recommendations/{created['id']}", headers=headers)
    assert r.status_code == 200, r.text
    stored = r.json()
    assert stored["decision"] is None and stored["closure"] is None
    assert stored["model_version"] == engine.model_version
    assert stored["rules_version"] == engine.rules_version
    assert stored["top_offer"] == created["recommendation"]["top_offer"]
    pseudonym = stored["recommendation"]["citizen_id"]
    assert pseudonym != record["citizen_id"] and len(pseudonym) == 64
    assert {**stored["recommendation"], "citizen_id": record["citizen_id"]} == created["recommendation"]

    with service.db.session() as session:
        row = stored_row(session, created["id"])
        assert row.intake["citizen_id"] == pseudonym
        assert set(row.intake) == set(Citizen.from_dict(record).to_dict())  # §3 fields only
        assert record["citizen_id"] not in json.dumps(row.intake) + json.dumps(row.contract)


def test_decision_rules_reason_codes_and_finality(service):
    headers = service.user("anna")
    rec = _create(service, headers)
    rid, top = rec["id"], rec["recommendation"]["top_offer"]
    other = next(o["offer"] for o in rec["recommendation"]["offers"] if o["offer"] != top)
    post = lambda body: service.client.post(
        f"{API}/recommendations/{rid}/decision",  # noqa: E731
        json=body,
        headers=headers,
    )
    e = _error(post({"offer": other}), 422, "invalid_input", "reason")
    assert "citizen_preference" in e["message_en"] and top in e["message_en"]
    _error(post({"offer": other, "reason": "citizen_preferance"}), 422, field="reason")
    assert "did you mean 'citizen_preference'" in post({"offer": other, "reason": "citizen_preferance"}).text
    _error(post({"offer": other, "reason": "other"}), 422, field="comment")
    _error(post({"offer": "praktik i virksomhed"}), 422, field="offer")
    _error(post({"offer": top, "unknown": 1}), 422, field="unknown")
    cpr = post({"offer": other, "reason": "other", "comment": "borger 010190-1234 ønsker andet"})
    _error(cpr, 422, field="comment")
    assert "010190" not in cpr.text
    ok = post({"offer": other, "reason": "citizen_preference", "comment": "  ønsker rådgivning  "})
    assert ok.status_code == 201, ok.text
    assert ok.json()["followed"] is False and ok.json()["comment"] == "ønsker rådgivning"
    assert ok.json()["decided_by"] == "anna"
    _error(post({"offer": top}), 409, "decision_exists")
    _error(post({"offer": other}), 409, "decision_exists")  # final, whatever the second one says
    stored = service.client.get(f"{API}/recommendations/{rid}", headers=headers).json()
    assert stored["decision"]["offer"] == other and stored["decision"]["reason"] == "citizen_preference"


def test_following_the_advice_needs_no_reason_and_labels_are_accepted(service):
    headers = service.user("anna")
    rec = _create(service, headers)
    top = rec["recommendation"]["top_offer"]
    label = next(o["label_da"] for o in rec["recommendation"]["offers"] if o["offer"] == top)
    r = service.client.post(
        f"{API}/recommendations/{rec['id']}/decision", json={"offer": label}, headers=headers
    )
    assert r.status_code == 201, r.text
    assert r.json()["offer"] == top and r.json()["followed"] is True and r.json()["reason"] is None


def test_municipalities_are_kept_apart(service):
    anna = service.user("anna", municipality="Aarhus")
    bo = service.user("bo", municipality="Rødovre")
    rec = _create(service, anna)
    _error(service.client.get(f"{API}/recommendations/{rec['id']}", headers=bo), 404, "not_found")
    _error(
        service.client.post(
            f"{API}/recommendations/{rec['id']}/decision",
            json={"offer": "counselling", "reason": "other", "comment": "x"},
            headers=bo,
        ),
        404,
    )
    hist = service.client.get(f"{API}/citizens/{example()['citizen_id']}/recommendations", headers=bo)
    assert hist.status_code == 200 and hist.json()["recommendations"] == []
    _error(
        service.client.post(
            f"{API}/citizens/{example()['citizen_id']}/closure",
            headers=bo,
            json={"offer": "counselling", "outcome": "job", "closed": "2026-01-02", "duration_days": 30},
        ),
        404,
    )
    _error(
        service.client.post(f"{API}/recommendations", json=example(), headers=bo),
        403,
        "other_municipality",
        "municipality",
    )
    _error(
        service.client.get(f"{API}/recommendations/{'A' * 22}", headers=anna), 404
    )  # issue 28: ids are opaque


def test_authentication_and_roles(service):
    from recommender.cases import accounts

    anna = service.user("anna")
    analyst = service.user("ida", role="analyst", municipality=None)
    admin = service.user("root", role="admin", municipality=None)
    for headers in (
        {},
        {"Authorization": "Bearer nope"},
        {"Authorization": "Basic YTpi"},
        {"Authorization": anna["Authorization"] + "x"},
    ):
        r = service.client.post(f"{API}/recommendations", json=example(), headers=headers)
        _error(r, 401, "unauthorized")
        assert r.headers["www-authenticate"] == "Bearer"
    _error(service.client.get(f"{API}/model"), 401)
    for headers in (analyst, admin):
        _error(service.client.post(f"{API}/recommendations", json=example(), headers=headers), 403)
        assert service.client.get(f"{API}/model", headers=headers).status_code == 200
    with service.db.session() as session:
        assert accounts.revoke_tokens(session, "anna") == 1
    _error(service.client.get(f"{API}/model", headers=anna), 401)
    assert service.client.get("/healthz").json() == {"status": "ok", "database": "ok"}


def test_expired_token_is_refused(service):
    from sqlalchemy import update

    from recommender.cases.tables import Token, utcnow

    headers = service.user("anna")
    assert service.client.get(f"{API}/model", headers=headers).status_code == 200
    with service.db.session() as session:
        session.execute(update(Token).values(expires_at=utcnow()))
    _error(service.client.get(f"{API}/model", headers=headers), 401)


@pytest.mark.parametrize(
    "change",
    [
        {"wants_employment": "maybe"},
        {"wants_employmnt": "yes"},
        {"children_under_18": 2.5},
        {"citizen_id": "010190-1234"},
        {"municipality": None},
        {"years_in_denmark": "x" * 5000},
    ],
)
def test_bad_intake_is_422_naming_the_field_like_the_cli(service, change):
    headers = service.user("anna")
    record = {**example(), **change}
    with pytest.raises(RecommenderError) as cli:
        Citizen.from_dict(record)
    r = service.client.post(f"{API}/recommendations", json=record, headers=headers)
    e = _error(r, 422, "invalid_input", cli.value.problems[0].field)
    assert e["field"] in str(cli.value)
    assert "010190" not in r.text and "x" * 100 not in r.text
    assert e["message_da"] != e["message_en"]


@pytest.mark.parametrize("body", [b"{", b"[]", b"null", b'"text"', b'{"a": NaN}', b"\xff\xfe{}"])
def test_malformed_bodies_are_422(service, body):
    headers = {**service.user("anna"), "Content-Type": "application/json"}
    _error(service.client.post(f"{API}/recommendations", content=body, headers=headers), 422)


def test_unknown_routes_methods_and_huge_bodies_get_json_errors(service):
    headers = service.user("anna")
    _error(service.client.get(f"{API}/nothing"), 404)
    _error(service.client.delete(f"{API}/recommendations/1", headers=headers), 405)
    _error(service.client.get(f"{API}/recommendations/abc", headers=headers), 422, field="recommendation_id")
    _error(service.client.get(f"{API}/recommendations/{10**30}", headers=headers), 422)
    big = {**example(), "job_goal": "x" * 100_000}
    _error(service.client.post(f"{API}/recommendations", json=big, headers=headers), 413)

    def chunks():
        yield b'{"job_goal": "'
        for _ in range(100):
            yield b"x" * 1000
        yield b'"}'

    r = service.client.post(
        f"{API}/recommendations", content=chunks(), headers={**headers, "Content-Type": "application/json"}
    )
    _error(r, 413)


def test_citizen_history_newest_first_and_cpr_paths_refused(service):
    headers = service.user("anna")
    first = _create(service, headers)
    second = _create(service, headers, {**example(), "wants_employment": "no"})
    _create(service, headers, {**example(), "citizen_id": "P500-OTHER"})
    r = service.client.get(f"{API}/citizens/{example()['citizen_id']}/recommendations", headers=headers)
    assert r.status_code == 200, r.text
    assert [x["id"] for x in r.json()["recommendations"]] == [second["id"], first["id"]]
    assert r.json()["citizen_id"] == example()["citizen_id"]
    cpr = service.client.get(f"{API}/citizens/0101901234/recommendations", headers=headers)
    _error(cpr, 422, field="citizen_id")
    assert "0101901234" not in cpr.text


def test_closure(service):
    headers = service.user("anna")
    cid = example()["citizen_id"]
    rec = _create(service, headers)
    url = f"{API}/citizens/{cid}/closure"
    from datetime import date

    # issue 28: a closure is on or after its recommendation (made today here)
    body = {"offer": "internship", "outcome": "job", "closed": date.today().isoformat(), "duration_days": 120}
    _error(service.client.post(url, json={**body, "outcome": "jobb"}, headers=headers), 422, field="outcome")
    _error(
        service.client.post(url, json={**body, "closed": "2999-01-01"}, headers=headers), 422, field="closed"
    )
    _error(
        service.client.post(url, json={**body, "closed": "01-03-2026"}, headers=headers), 422, field="closed"
    )
    _error(
        service.client.post(url, json={**body, "duration_days": -1}, headers=headers),
        422,
        field="duration_days",
    )
    _error(service.client.post(f"{API}/citizens/P500-NOBODY/closure", json=body, headers=headers), 404)
    r = service.client.post(url, json=body, headers=headers)
    assert r.status_code == 201, r.text
    assert r.json()["recommendation_id"] == rec["id"] and r.json()["outcome"] == "job"
    _error(service.client.post(url, json=body, headers=headers), 409, "case_closed")
    stored = service.client.get(f"{API}/recommendations/{rec['id']}", headers=headers).json()
    assert stored["closure"]["offer"] == "internship" and stored["closure"]["duration_days"] == 120


def test_model_endpoint_and_atomic_engine_swap(service, engine, tmp_path):
    from recommender import load_rules
    from recommender.cases import RecommenderEngine

    headers = service.user("anna")
    info = service.client.get(f"{API}/model", headers=headers).json()
    assert info["model"]["version"] == engine.model_version
    assert info["rules_version"] == engine.rules_version and "selection" in info["summary"]
    text = tmp_path / "r.yaml"
    from pathlib import Path

    import recommender

    source = (Path(recommender.__file__).parent / "rules.yaml").read_text(encoding="utf-8")
    text.write_text(source.replace('version: "', 'version: "swap-', 1), encoding="utf-8")
    new = RecommenderEngine(model=engine.model, rules=load_rules(text))
    assert new.rules_version != engine.rules_version
    old = service.app.state.engines.swap(new)
    assert old is engine
    assert service.client.get(f"{API}/model", headers=headers).json()["rules_version"] == new.rules_version
    rec = _create(service, headers)
    assert rec["recommendation"]["rules_version"] == new.rules_version
    stored = service.client.get(f"{API}/recommendations/{rec['id']}", headers=headers).json()
    assert stored["rules_version"] == new.rules_version
    with pytest.raises(TypeError):
        service.app.state.engines.swap("not an engine")


def test_offline_docs_and_schema(service):
    page = service.client.get("/docs")
    assert page.status_code == 200
    assert "http" not in page.text.split("SwaggerUIBundle(")[0].replace("http-equiv", "")
    assert "cdn" not in page.text.lower()
    assert service.client.get("/static-offline-docs/swagger-ui-bundle.js").status_code == 200
    schema = service.client.get(f"{API}/openapi.json").json()
    assert {
        f"{API}/recommendations",
        f"{API}/recommendations/{{recommendation_id}}",
        f"{API}/recommendations/{{recommendation_id}}/decision",
        f"{API}/recommendations/{{recommendation_id}}/typology",  # issue 26
        f"{API}/recommendations/{{recommendation_id}}/what-if",  # issue 26
        f"{API}/citizens/{{citizen_id}}/recommendations",
        f"{API}/citizens/{{citizen_id}}/closure",
        f"{API}/model",
        f"{API}/monitor",
        "/healthz",
    } == set(schema["paths"])


def test_fifty_concurrent_requests_on_sqlite_all_succeed(tmp_path, engine):
    """Issue 27: with the registry looked at on every request, a request held SQLite's one
    connection from the engine dependency into the next (another worker thread) while 40 threads
    waited for that connection: every request stalled for the pool's 60 s and failed."""
    import asyncio

    import httpx

    from recommender.cases import Settings
    from recommender.cases.db import open_database
    from recommender.server import create_app

    url = f"sqlite:///{tmp_path / 'concurrent.sqlite3'}"
    db = open_database(url)
    settings = Settings(data_dir=tmp_path / "data", database_url=url, registry_check_seconds=0)
    app = create_app(settings, engine=engine, database=db)
    headers = Service(app=app, client=None, db=db).user("concurrent")

    async def run() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            posts = [
                client.post(f"{API}/recommendations", json=example(), headers=headers) for _ in range(50)
            ]
            return [r.status_code for r in await asyncio.wait_for(asyncio.gather(*posts), timeout=50)]

    try:
        assert asyncio.run(run()) == [201] * 50
    finally:
        db.dispose()
