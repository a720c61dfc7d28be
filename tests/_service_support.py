"""Fixtures for the service tests: a fresh database on SQLite and on PostgreSQL, an app on it, users.

The PostgreSQL database is the one named by ``RECOMMENDER_TEST_POSTGRES_URL`` (``.ci/run`` starts a
throwaway server and sets it). Each test starts from an empty schema. Without the variable the
PostgreSQL cases are skipped on a developer's machine and FAIL in CI (``CI=true``): skipped tests do
not count there.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse battery staple"
BACKENDS = ("sqlite", "postgresql")


def example(name: str = "flexible") -> dict:
    return json.loads((ROOT / "examples" / f"{name}.json").read_text(encoding="utf-8"))


def postgres_url() -> str:
    url = os.environ.get("RECOMMENDER_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(
                "RECOMMENDER_TEST_POSTGRES_URL is not set: .ci/run must start PostgreSQL "
                "(the PostgreSQL tests must run in CI)"
            )
        pytest.skip("RECOMMENDER_TEST_POSTGRES_URL not set (a local run without PostgreSQL)")
    return url


def empty_postgres() -> str:
    """The test PostgreSQL database with an empty public schema."""
    url = postgres_url()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def fresh_url(backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'service.sqlite3'}"
    return empty_postgres()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> str:
    return fresh_url(request.param, tmp_path)


@pytest.fixture(scope="session")
def engine(default_model):
    from recommender import load_rules
    from recommender.cases import RecommenderEngine

    return RecommenderEngine(model=default_model, rules=load_rules())


@dataclass
class Service:
    """An app on a fresh database, its test client and helpers to make users and tokens."""

    app: object
    client: object
    db: object

    def user(self, name: str, role: str = "adviser", municipality: str | None = "Aarhus") -> dict:
        """Create a user and a token; return the Authorization header."""
        from recommender.cases import accounts

        with self.db.session() as session:
            accounts.add_user(
                session, name, role, PASSWORD, municipality if role == "adviser" else municipality
            )
            token, _ = accounts.issue_token(session, name)
        return {"Authorization": f"Bearer {token}"}

    def audit(self) -> list:
        from sqlalchemy import select

        from recommender.cases.tables import AuditEvent

        with self.db.session() as session:
            return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def stored_row(session, public_id: str):
    """The recommendation row with this public id (issue 28: the API and the pages show no other id)."""
    from sqlalchemy import select

    from recommender.cases.tables import RecommendationRow

    return session.scalars(select(RecommendationRow).where(RecommendationRow.public_id == public_id)).one()


def make_service(url: str, tmp_path: Path, engine) -> Service:
    from fastapi.testclient import TestClient

    from recommender.cases import Settings
    from recommender.cases.db import open_database
    from recommender.server import create_app

    db = open_database(url)
    app = create_app(Settings(data_dir=tmp_path / "data", database_url=url), engine=engine, database=db)
    return Service(app=app, client=TestClient(app, raise_server_exceptions=False), db=db)


@pytest.fixture
def service(database_url, tmp_path, engine):
    svc = make_service(database_url, tmp_path, engine)
    with svc.client:
        yield svc
    svc.db.dispose()
