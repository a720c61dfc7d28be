"""The service's transactions (issue 27): the token check runs outside a transaction on PostgreSQL, yet
a recommendation and its audit event are still written together or not at all, and the hot statements
stay prepared from one request to the next."""

from __future__ import annotations

import pytest
from _service_support import database_url, empty_postgres, engine, example, make_service, service  # noqa: F401
from sqlalchemy import func, select, text

from recommender.cases import audit
from recommender.cases.tables import AuditEvent, RecommendationRow


def test_a_recommendation_and_its_audit_event_are_written_together_or_not_at_all(service, monkeypatch):
    """The audit event's write fails in the database (``status`` may not be NULL): the recommendation
    is not kept either. PostgreSQL writes both in one statement, SQLite in one transaction."""
    headers = service.user("anna")
    assert service.client.post("/api/v1/recommendations", json=example(), headers=headers).status_code == 201
    values = audit.event_values

    def broken(*args, **kwargs):
        return {**values(*args, **kwargs), "status": None}

    monkeypatch.setattr(audit, "event_values", broken)
    response = service.client.post("/api/v1/recommendations", json=example(), headers=headers)
    assert response.status_code == 409  # the service's answer to a database integrity error
    monkeypatch.undo()
    with service.db.session() as session:
        assert session.scalar(select(func.count()).select_from(RecommendationRow)) == 1
        events = session.scalars(
            select(AuditEvent.action).where(AuditEvent.action == "recommendation.create")
        )
        assert list(events) == ["recommendation.create"]


@pytest.fixture
def pg_service(tmp_path, engine):
    svc = make_service(empty_postgres(), tmp_path, engine)
    with svc.client:
        yield svc
    svc.db.dispose()


def test_the_hot_statements_stay_prepared_on_postgresql(pg_service):
    service = pg_service
    headers = service.user("anna")
    for _ in range(8):  # psycopg prepares a statement on its fifth use on a connection
        assert (
            service.client.post("/api/v1/recommendations", json=example(), headers=headers).status_code == 201
        )
    with service.db.engine.connect() as conn:  # the pool's connection the requests used
        prepared = conn.execute(text("select statement from pg_prepared_statements")).scalars().all()
    assert any("INSERT INTO recommendations" in s for s in prepared), prepared
    assert any("FROM users JOIN tokens" in s for s in prepared), prepared


def test_a_decision_and_its_audit_event_are_written_together_after_the_autocommit_token_check(
    service, monkeypatch
):
    """The token check runs in autocommit on PostgreSQL; the decision's two writes must not: its audit
    event's failure in the database keeps neither (both backends)."""
    from recommender.cases.tables import Decision

    headers = service.user("anna")
    created = service.client.post("/api/v1/recommendations", json=example(), headers=headers).json()
    values = audit.event_values

    def broken(*args, **kwargs):
        return {**values(*args, **kwargs), "status": None}

    monkeypatch.setattr(audit, "event_values", broken)
    response = service.client.post(
        f"/api/v1/recommendations/{created['id']}/decision",
        json={"offer": created["recommendation"]["top_offer"]},
        headers=headers,
    )
    assert response.status_code == 409
    monkeypatch.undo()
    with service.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Decision)) == 0
