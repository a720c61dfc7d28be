"""Issue 28, point 14: with ``--workers 2``, 30 parallel wrong passwords for one name got 6 password
checks instead of 5. Each check is now counted in the database before it is made, with one atomic
upsert (:func:`recommender.cases.lockout.reserve`), so the limit holds across worker processes and
across machines sharing one PostgreSQL database. Against real ``recommender serve`` processes, bounded
waits; and the reservation itself under threads on SQLite."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from threading import Barrier

import httpx
import pytest
from _serve_support import ADVISER, Served, csrf_of, serve
from _service_support import BACKENDS, empty_postgres, fresh_url
from sqlalchemy import select

from recommender.cases import lockout
from recommender.cases.db import open_database


def _guess(server: Served) -> int:
    """One wrong password for the adviser (a 503 from a full login queue is tried again)."""
    with httpx.Client(base_url=server.url, timeout=60) as client:
        for _ in range(40):  # 503 = the login queue is full: come back, as a browser user would
            token = csrf_of(client.get("/login").text)
            status = client.post(
                "/login",
                data={"username": ADVISER, "password": "wrong password!", "csrf_token": token, "next": "/"},
            ).status_code
            if status != 503:
                return status
            time.sleep(0.5)
        return status


def _failed_checks(url: str) -> int:
    from recommender.cases.tables import AuditEvent

    db = open_database(url)
    try:
        with db.session() as session:
            return len(
                session.scalars(
                    select(AuditEvent).where(
                        AuditEvent.action == "login.failed", AuditEvent.resource == f"user:{ADVISER}"
                    )
                ).all()
            )
    finally:
        db.dispose()


def _assert_exactly_five(statuses: list[int], url: str) -> None:
    assert set(statuses) <= {401, 429}, statuses
    assert _failed_checks(url) == 5 and statuses.count(401) == 5 and statuses.count(429) == 25, statuses


@pytest.mark.slow
def test_parallel_wrong_passwords_get_exactly_five_checks_across_two_workers(tmp_path, default_model) -> None:
    with serve(tmp_path, workers=2) as server:
        with ThreadPoolExecutor(max_workers=30) as pool:
            statuses = list(pool.map(lambda _: _guess(server), range(30)))
        url = server.env["RECOMMENDER_DATABASE_URL"]
    _assert_exactly_five(statuses, url)


@pytest.mark.slow
def test_parallel_wrong_passwords_get_exactly_five_checks_across_two_machines(
    tmp_path, default_model
) -> None:
    """Two ``recommender serve`` processes with their own data folders (no lock file in common) on one
    PostgreSQL database, 15 guesses each at once: 5 checks in all."""
    url = empty_postgres()  # skipped without PostgreSQL on a developer's machine; fails in CI
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with (
        serve(tmp_path / "a", database_url=url) as one,
        serve(tmp_path / "b", database_url=url, add_adviser=False) as two,
    ):
        assert one.port != two.port
        with ThreadPoolExecutor(max_workers=30) as pool:
            statuses = list(pool.map(lambda i: _guess(one if i % 2 else two), range(30)))
    _assert_exactly_five(statuses, url)


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_reservation_is_atomic_under_threads(backend: str, tmp_path: Path) -> None:
    """12 threads, each with its own engine and connection (as separate processes have), reserve 3
    checks each for one name at once: exactly 5 of the 36 may, and none fails."""
    url = fresh_url(backend, tmp_path)
    db = open_database(url)
    engines = [open_database(url) for _ in range(12)]
    start = Barrier(len(engines))
    try:

        def one(own) -> list[bool]:  # type: ignore[no-untyped-def]
            start.wait()
            out = []
            for _ in range(3):
                with own.session() as session:
                    out.append(lockout.reserve(session, "anna").allowed)
            return out

        with ThreadPoolExecutor(max_workers=len(engines)) as pool:
            allowed = [a for some in pool.map(one, engines) for a in some]
        assert allowed.count(True) == lockout.MAX_FAILURES
        with db.session() as session:
            assert lockout.locked_until(session, "anna") is not None
            assert lockout.locked_until(session, "bo") is None  # one name's count is its own
            later = lockout.locked_until(session, "anna") + timedelta(seconds=1)
            assert lockout.locked_until(session, "anna", now=later) is None
            # the window is over: a new one starts with this check
            assert lockout.reserve(session, "anna", now=later) == lockout.Reservation(
                1, later + lockout.WINDOW
            )
            lockout.reset(session, "anna")
            assert [lockout.reserve(session, "anna").number for _ in range(2)] == [1, 2]
    finally:
        for own in engines:
            own.dispose()
        db.dispose()


def test_rows_whose_window_is_over_are_pruned(tmp_path: Path) -> None:
    """Every name is counted now, made-up ones too, so the table must not keep them: a process deletes
    the rows whose window is over at most once a minute, when it reserves a check."""
    from recommender.cases.tables import LoginAttempts, utcnow

    url = fresh_url("sqlite", tmp_path)
    first, second = open_database(url), open_database(url)
    old = utcnow() - lockout.WINDOW - timedelta(minutes=1)

    def names(db) -> set[str]:  # type: ignore[no-untyped-def]
        with db.session() as session:
            return set(session.scalars(select(LoginAttempts.name_hash)))

    try:
        with first.session() as session:  # the first reservation of this process prunes (nothing yet)
            for i in range(20):
                lockout.reserve(session, f"made-up-{i}", now=old)
            lockout.reserve(session, "anna")
            session.commit()
        assert len(names(first)) == 21
        with second.session() as session:  # another process's first reservation: the old windows go
            lockout.reserve(session, "bo")
            session.commit()
        assert names(first) == {lockout.name_hash("anna"), lockout.name_hash("bo")}
        with second.session() as session:  # within the minute: no second DELETE from this process
            lockout.reserve(session, "old", now=old)
            lockout.reserve(session, "bo")
            session.commit()
        assert lockout.name_hash("old") in names(first)
        with first.session() as session:
            assert lockout.prune(session) == 1
            session.commit()
        assert names(first) == {lockout.name_hash("anna"), lockout.name_hash("bo")}
    finally:
        first.dispose()
        second.dispose()
