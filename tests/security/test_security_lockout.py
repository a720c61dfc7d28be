"""Issue 28, point 14: with ``--workers 2``, 30 parallel wrong passwords for one name got 6 password
checks instead of 5. The count, the check and the audit row of one name now happen one after another
across the worker processes. Against a real ``recommender serve --workers 2``, bounded waits."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from _serve_support import ADVISER, csrf_of, serve
from sqlalchemy import select

pytestmark = pytest.mark.slow


def test_parallel_wrong_passwords_get_exactly_five_checks_across_two_workers(tmp_path, default_model) -> None:
    with serve(tmp_path, workers=2) as server:

        def guess(_: int) -> int:
            with httpx.Client(base_url=server.url, timeout=60) as client:
                for _ in range(40):  # 503 = the login queue is full: come back, as a browser user would
                    token = csrf_of(client.get("/login").text)
                    status = client.post(
                        "/login",
                        data={
                            "username": ADVISER,
                            "password": "wrong password!",
                            "csrf_token": token,
                            "next": "/",
                        },
                    ).status_code
                    if status != 503:
                        return status
                    time.sleep(0.5)
                return status

        with ThreadPoolExecutor(max_workers=30) as pool:
            statuses = list(pool.map(guess, range(30)))
        url = server.env["RECOMMENDER_DATABASE_URL"]
    assert set(statuses) <= {401, 429}, statuses
    from recommender.cases.db import open_database
    from recommender.cases.tables import AuditEvent

    db = open_database(url)
    try:
        with db.session() as session:
            failed = session.scalars(
                select(AuditEvent).where(
                    AuditEvent.action == "login.failed", AuditEvent.resource == f"user:{ADVISER}"
                )
            ).all()
    finally:
        db.dispose()
    assert len(failed) == 5 and statuses.count(401) == 5 and statuses.count(429) == 25
