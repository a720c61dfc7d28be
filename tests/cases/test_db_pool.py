"""The PostgreSQL pool: a connection the server closed while it sat idle in the pool is replaced before a
request uses it, without a ping round trip on every checkout (issue 27)."""

from __future__ import annotations

import time

from _service_support import postgres_url
from sqlalchemy import create_engine, text

from recommender.cases.db import make_engine


def _terminate(url: str, pid: int) -> None:
    """End backend ``pid`` from another connection and wait until it is gone."""
    other = create_engine(url, isolation_level="AUTOCOMMIT")  # each look a fresh statistics snapshot
    try:
        with other.connect() as conn:
            assert conn.execute(text("select pg_terminate_backend(:p)"), {"p": pid}).scalar_one()
            deadline = time.monotonic() + 10
            while conn.execute(
                text("select count(*) from pg_stat_activity where pid = :p"), {"p": pid}
            ).scalar_one():
                assert time.monotonic() < deadline, "the backend did not end"
                time.sleep(0.05)
    finally:
        other.dispose()


def test_a_pooled_connection_the_server_ended_is_replaced_before_use():
    url = postgres_url()
    engine = make_engine(url)
    try:
        assert engine.pool._pre_ping is False  # the socket check replaces the ping's round trip
        with engine.connect() as conn:
            first = conn.execute(text("select pg_backend_pid()")).scalar_one()
        _terminate(url, first)  # as a server restart or an administrator would
        with engine.connect() as conn:  # the same pool: the dead connection is not handed out
            second = conn.execute(text("select pg_backend_pid()")).scalar_one()
        assert second != first
    finally:
        engine.dispose()


def test_a_live_pooled_connection_is_reused():
    engine = make_engine(postgres_url())
    try:
        pids = set()
        for _ in range(5):
            with engine.connect() as conn:
                pids.add(conn.execute(text("select pg_backend_pid()")).scalar_one())
        assert len(pids) == 1
    finally:
        engine.dispose()
