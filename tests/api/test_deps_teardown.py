"""The request's database session is given back even when every worker thread waits for a database
connection (review of issue 27): the session's teardown does not queue for the shared thread pool."""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace

import anyio.to_thread
import httpx
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

from recommender.api.deps import DbSession


def test_sessions_left_in_a_transaction_are_given_back_with_every_thread_busy(tmp_path) -> None:
    # SQLite's one connection, as the service has; the routes end with their read still open (as the
    # web pages' user dependency leaves it), so each teardown needs a thread to roll back
    engine = create_engine(
        f"sqlite:///{tmp_path / 'db.sqlite3'}", pool_size=1, max_overflow=0, pool_timeout=3
    )
    app = FastAPI()
    app.state.db = SimpleNamespace(sessions=sessionmaker(engine))

    @app.get("/page", response_class=HTMLResponse)
    def page(session: DbSession) -> HTMLResponse:  # a page: no response model validated in a thread
        session.execute(text("select 1")).scalar()
        time.sleep(0.02)
        return HTMLResponse("<p>ok</p>")

    async def main() -> list[object]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = 4  # fewer threads than requests
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return await asyncio.gather(*[client.get("/page") for _ in range(20)], return_exceptions=True)

    started = time.monotonic()
    answers = asyncio.run(main())
    engine.dispose()
    assert [getattr(a, "status_code", repr(a)) for a in answers] == [200] * 20
    assert time.monotonic() - started < 3  # no request waited for the pool's timeout
