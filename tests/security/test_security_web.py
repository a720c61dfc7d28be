"""Issue 28 on the web page, in process: sessions that logout ends and that end 8 hours after login
(point 15), and no CPR number shown back by a form (point 5)."""

from __future__ import annotations

import re
import time
from contextlib import contextmanager

from test_web import Web
from test_web import running as _running

from tests._service_support import PASSWORD, engine  # noqa: F401 (fixture)

running = contextmanager(_running)

CPR_FORMS = ["010190-1234", "010190\u00b71234", "01 01 90 12 34"]


def _digits(text: str) -> str:
    from recommender.text import normalise

    return re.sub(r"\D", "", normalise(text))


def test_a_cookie_copied_before_logout_no_longer_works(tmp_path, engine) -> None:  # noqa: F811
    with running(Web(tmp_path, engine)) as web:
        web.user("anna")
        assert web.login("anna").status_code == 303
        copied = dict(web.client.cookies)
        assert web.client.get("/", follow_redirects=False).status_code == 200
        web.client.post("/logout", data={"csrf_token": web.csrf("/")})
        web.client.cookies.clear()
        web.client.cookies.update(copied)  # the copy, sent after logout
        assert web.client.get("/", follow_redirects=False).status_code == 303
        assert web.client.get("/history", follow_redirects=False).status_code == 303


def test_a_session_ends_eight_hours_after_login_however_busy(tmp_path, engine, monkeypatch) -> None:  # noqa: F811
    from recommender.web import session as web_session

    with running(Web(tmp_path, engine)) as web:
        web.user("anna")
        assert web.login("anna").status_code == 303
        assert web.client.get("/", follow_redirects=False).status_code == 200
        start, now = time.time(), [time.time()]
        monkeypatch.setattr(web_session.time, "time", lambda: now[0])
        # in use every hour: each answer re-signs the cookie with a fresh timestamp
        while now[0] - start < web_session.MAX_AGE - 3600:
            now[0] += 3600
            assert web.client.get("/", follow_redirects=False).status_code == 200
        now[0] = start + web_session.MAX_AGE + 60
        assert web.client.get("/", follow_redirects=False).status_code == 303


def test_no_form_shows_a_cpr_number_back(tmp_path, engine) -> None:  # noqa: F811
    with running(Web(tmp_path, engine)) as web:
        web.user("anna")
        for cpr in CPR_FORMS:  # the login name box, refilled after a failed login
            page = web.client.post(
                "/login",
                data={"username": cpr, "password": "wrong password", "csrf_token": web.csrf(), "next": "/"},
            )
            assert page.status_code == 401 and "0101901234" not in _digits(page.text)
        assert web.login("anna").status_code == 303
        from tests._service_support import example

        for cpr in CPR_FORMS:  # the citizen-id box and the free-text boxes, refilled with their errors
            for field in ("citizen_id", "job_goal", "nationality"):
                page = web.submit({**example(), field: cpr})
                assert page.status_code in (200, 422) and "0101901234" not in _digits(page.text), field


def test_logins_with_unknown_names_do_not_grow_the_audit_trail_one_row_each(tmp_path, engine) -> None:  # noqa: F811
    """Point 9: 30 logins with names no account has write one row; a real account's failures still
    one row each (the lock-out counts them)."""
    with running(Web(tmp_path, engine)) as web:
        web.user("anna")
        for i in range(30):
            assert (
                web.client.post(
                    "/login",
                    data={
                        "username": f"nobody{i}",
                        "password": "wrong password",
                        "csrf_token": web.csrf(),
                        "next": "/",
                    },
                ).status_code
                == 401
            )
        assert len(web.audit("login.failed")) == 1
        for _ in range(2):
            web.client.post(
                "/login",
                data={
                    "username": "anna",
                    "password": "wrong password",
                    "csrf_token": web.csrf(),
                    "next": "/",
                },
            )
        assert len([e for e in web.audit("login.failed") if e.resource == "user:anna"]) == 2


def _wrong(web: Web, name: str):  # type: ignore[no-untyped-def]
    return web.client.post(
        "/login",
        data={"username": name, "password": "wrong password", "csrf_token": web.csrf(), "next": "/"},
    )


def test_a_made_up_name_and_a_real_name_get_the_same_answers(tmp_path, engine) -> None:  # noqa: F811
    """Review of point 14: only accounts' names were counted, so a made-up name was never locked out
    and six wrong guesses told whether an account exists. Now the same statuses and the same page."""
    with running(Web(tmp_path, engine)) as web:
        web.user("anna")
        answers = {name: [_wrong(web, name) for _ in range(7)] for name in ("anna", "nobody-at-all")}
        statuses = {name: [r.status_code for r in got] for name, got in answers.items()}
        assert statuses["anna"] == statuses["nobody-at-all"] == [401] * 5 + [429] * 2, statuses
        errors = {
            name: [re.findall(r'id="login-error">([^<]*)<', r.text) for r in got]
            for name, got in answers.items()
        }
        assert errors["anna"] == errors["nobody-at-all"] and all(len(e) == 1 for e in errors["anna"])


def test_locked_out_logins_do_not_grow_the_audit_trail_one_row_each(tmp_path, engine) -> None:  # noqa: F811
    """Point 9 for the lock-out: 50 refused logins of a locked name wrote 50 ``login.locked`` rows. Now
    they are counted like other anonymous failures: one row (per minute per process) with the count and
    the name's SHA-256."""
    from recommender.cases import lockout

    with running(Web(tmp_path, engine)) as web:
        web.user("anna")
        assert [_wrong(web, "anna").status_code for _ in range(5)] == [401] * 5
        assert {_wrong(web, "anna").status_code for _ in range(50)} == {429}
        assert len(web.audit("login.locked")) == 1  # was 50
        assert {_wrong(web, f"made-up-{i % 3}").status_code for i in range(18)} == {401, 429}
        locked = web.audit("login.locked")
        assert len(locked) == 1, [e.detail for e in locked]
        assert locked[0].resource == f"name-sha256:{lockout.name_hash('anna')}"
        assert locked[0].status == 429 and "too many failures" in (locked[0].detail or "")
