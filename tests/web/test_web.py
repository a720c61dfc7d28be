"""The adviser's web page in-process (FastAPI's test client): session cookie, CSRF, lockout, the
intake form's fields, municipality scoping, decisions through the API's own function, history."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from recommender.cases import accounts
from recommender.cases.tables import AuditEvent, RecommendationRow
from recommender.vocab import BOOLEAN, FIELDS
from recommender.web.login import MAX_FAILURES, WINDOW, locked_until
from recommender.web.sentences import field_sentence
from recommender.web.session import WebSession
from tests._service_support import PASSWORD, database_url, engine, example, stored_row  # noqa: F401

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Web:
    """A test client on a fresh SQLite database, with helpers that act like the browser."""

    def __init__(self, tmp_path, engine, url: str | None = None, **settings):
        from fastapi.testclient import TestClient

        from recommender.cases import Settings
        from recommender.cases.db import open_database
        from recommender.server import create_app

        url = url or f"sqlite:///{tmp_path / 'web.sqlite3'}"
        self.db = open_database(url)
        self.app = create_app(
            Settings(data_dir=tmp_path / "data", database_url=url, **{"cookie_secure": False, **settings}),
            engine=engine,
            database=self.db,
        )
        self.client = TestClient(self.app, raise_server_exceptions=True)

    def user(self, name: str, role: str = "adviser", municipality: str | None = "Aarhus") -> dict:
        with self.db.session() as session:
            accounts.add_user(session, name, role, PASSWORD, municipality)
            token, _ = accounts.issue_token(session, name)
            session.commit()
        return {"Authorization": f"Bearer {token}"}

    def csrf(self, path: str = "/login") -> str:
        return CSRF.search(self.client.get(path).text).group(1)

    def login(self, name: str, password: str = PASSWORD):
        return self.client.post(
            "/login",
            data={"username": name, "password": password, "csrf_token": self.csrf(), "next": "/"},
            follow_redirects=False,
        )

    def submit(self, record: dict, **extra: str):
        form = {k: ("true" if v is True else "false" if v is False else str(v)) for k, v in record.items()}
        return self.client.post(
            "/", data={**form, "csrf_token": self.csrf("/"), **extra}, follow_redirects=False
        )

    def audit(self, action: str) -> list[AuditEvent]:
        with self.db.session() as session:
            return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def running(w: Web):
    with w.client:
        yield w
    w.db.dispose()


@pytest.fixture
def web(tmp_path, engine):
    yield from running(Web(tmp_path, engine))


@pytest.fixture
def web_db(database_url, tmp_path, engine):
    """The web page on SQLite and on PostgreSQL (CI starts one; see tests/_service_support.py)."""
    yield from running(Web(tmp_path, engine, database_url))


def errors_on(html: str) -> dict[str, str]:
    import html as markup

    return {
        m.group(1): markup.unescape(m.group(2))
        for m in re.finditer(r'data-error-for="([^"]+)">([^<]*)<', html)
    }


def test_anonymous_visitors_go_to_login_and_the_cookie_is_httponly_lax(web):
    response = web.client.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/"
    page = web.client.get("/login")
    cookie = page.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store", "pages with personal data are never cached"
    assert 'name="username"' in page.text and 'name="password"' in page.text


def test_the_cookie_is_secure_unless_served_on_loopback(tmp_path, engine):
    session = WebSession(app=None, secret="x" * 32)  # type: ignore[arg-type]
    assert not session.is_secure({"type": "http", "scheme": "http", "server": ("127.0.0.1", 8000)})
    assert not session.is_secure({"type": "http", "scheme": "http", "server": ("::1", 8000)})
    assert session.is_secure({"type": "http", "scheme": "http", "server": ("10.0.0.5", 8000)})
    assert session.is_secure({"type": "http", "scheme": "https", "server": ("127.0.0.1", 443)})
    forced = WebSession(app=None, secret="x" * 32, secure=True)  # type: ignore[arg-type]
    assert forced.is_secure({"type": "http", "scheme": "http", "server": ("127.0.0.1", 8000)})
    web = Web(tmp_path, engine, cookie_secure=None)  # the test client's host is not loopback
    with web.client:
        assert "; secure" in web.client.get("/login").headers["set-cookie"].lower()


def test_login_lands_on_the_intake_form_and_logout_ends_the_session(web):
    web.user("anna")
    response = web.login("anna")
    assert response.status_code == 303 and response.headers["location"] == "/"
    assert "Indledende samtale: borgerens svar" in web.client.get("/").text
    assert len(web.audit("login.ok")) == 1
    web.client.post("/logout", data={"csrf_token": web.csrf("/")})
    assert web.client.get("/", follow_redirects=False).status_code == 303


def test_forms_without_the_csrf_token_are_refused(web):
    web.user("anna")
    refused = web.client.post("/login", data={"username": "anna", "password": PASSWORD})
    assert refused.status_code == 403 and "Formularen var udløbet" in refused.text
    web.login("anna")
    form = {k: str(v) for k, v in example().items() if not isinstance(v, bool)}
    assert web.client.post("/", data={**form, "csrf_token": "forged"}).status_code == 403
    with web.db.session() as session:
        assert session.scalar(select(RecommendationRow.id)) is None, "nothing stored"


def test_repeated_failed_logins_lock_the_name_until_the_window_passes(web_db):
    web = web_db
    web.user("anna")
    for _ in range(MAX_FAILURES):
        failed = web.login("anna", "wrong password!")
        assert failed.status_code == 401 and "Forkert brugernavn eller adgangskode." in failed.text
    locked = web.login("anna")  # the right password no longer helps
    assert locked.status_code == 429 and "For mange mislykkede forsøg" in locked.text
    assert len(web.audit("login.failed")) == MAX_FAILURES and len(web.audit("login.locked")) == 1
    with web.db.session() as session:
        until = locked_until(session, "anna")
        assert until is not None
        assert locked_until(session, "anna", now=until + timedelta(seconds=1)) is None
        assert locked_until(session, "someone.else") is None
    assert timedelta(minutes=5) <= WINDOW


def test_only_advisers_and_analysts_can_log_in(web):
    web.user("ole", role="admin", municipality=None)
    refused = web.login("ole")
    assert refused.status_code == 403 and "Kun rådgivere og analytikere" in refused.text


def figures_on(page: str) -> dict[str, object]:
    """The monitoring page's figures: ``data-figure`` path → the raw value the page shows."""
    import json

    return {
        m.group(1): json.loads(html.unescape(m.group(2)))
        for m in re.finditer(r"data-figure=\"([^\"]+)\" data-value='([^']*)'", page)
    }


def flatten(report: dict, prefix: str = "") -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in report.items():
        if isinstance(value, dict):
            out.update(flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def test_an_analyst_sees_the_apis_monitoring_figures_on_the_monitor_page(web_db):
    web = web_db
    adviser = web.user("anna")
    analyst = web.user("ole", role="analyst", municipality=None)
    ids = []
    for k, name in enumerate(["flexible"] * 6 + ["uncertain"] * 2 + ["ambitious"]):
        created = web.client.post(
            "/api/v1/recommendations",
            json={**example(name), "citizen_id": f"M-{k}", "municipality": "Aarhus"},
            headers=adviser,
        )
        assert created.status_code == 201, created.text
        ids.append((created.json()["id"], created.json()["recommendation"]["top_offer"]))
    for k, (rec_id, top) in enumerate(ids[:7]):  # six follow the advice, one departs
        other = next(o for o in ("wage_subsidy", "internship", "clarification", "counselling") if o != top)
        body = {"offer": top} if k < 6 else {"offer": other, "reason": "citizen_preference"}
        decided = web.client.post(f"/api/v1/recommendations/{rec_id}/decision", json=body, headers=adviser)
        assert decided.status_code == 201, decided.text
    landed = web.login("ole")
    assert landed.status_code == 303 and landed.headers["location"] == "/monitor"
    api = web.client.get("/api/v1/monitor", headers=analyst).json()
    page = web.client.get("/monitor")
    assert page.status_code == 200 and "<h1>Overvågning af anbefalinger</h1>" in page.text
    assert "sammenhænge, ikke virkninger" in page.text
    assert html.escape(api["outcomes_by_followed"]["note"]["da"], quote=False) in page.text
    shown = figures_on(page.text)
    expected = {
        k: v
        for k, v in flatten(api).items()
        if not k.endswith(".suppressed")  # shown as <5 / –
        and (
            k.split(".")[0] in ("counts", "follow_rate", "departure_reasons", "low_evidence")
            or (k.startswith("drift.") and k.rsplit(".", 1)[1] in ("psi", "level", "flag"))
            or (k.startswith("outcomes_by_followed.") and ".note." not in k)
        )
    }
    assert {k: shown.get(k, "missing") for k in expected} == expected
    # issue 28: 6 of 7 followed would tell the one who did not, so the rate is hidden too
    # (and with the override table, 7 decisions beside "flexible 6" would pin "uncertain" to 1-3: hidden)
    assert shown["follow_rate.n_decisions"] == ".." and shown["follow_rate.overall"] is None
    assert shown["departure_reasons.citizen_preference"] == ".."
    assert ">..<" in page.text and "under 5 borgere" in page.text
    assert '<th scope="col">PSI</th>' in page.text and "0,10" in page.text and "0,25" in page.text
    assert len(web.audit("monitor.read")) == 2
    english = web.client.get("/lang/en?next=/monitor", follow_redirects=True).text
    assert "associations, not effects" in english and '<html lang="en">' in english
    since = web.client.get("/monitor", params={"since": "2999-01-01"}).text
    assert figures_on(since)["counts.recommendations"] == 0
    bad = web.client.get("/monitor", params={"since": "31-01-2026"})
    # issue 25: a sentence, no "since … expected … got"
    assert bad.status_code == 422
    assert "Write the day as YYYY-MM-DD, e.g. 2026-01-31 (you typed &#39;31-01-2026&#39;)." in bad.text
    assert 'aria-invalid="true"' in bad.text


def test_each_role_gets_a_403_page_on_the_other_roles_pages(web):
    web.user("anna")
    web.user("ole", role="analyst", municipality=None)
    web.login("ole")
    for path in ("/", "/history", "/recommendations/1"):
        refused = web.client.get(path, follow_redirects=False)
        assert refused.status_code == 403 and "Siden hører ikke til din rolle." in refused.text, path
        assert 'href="/monitor"' in refused.text
    web.client.post("/logout", data={"csrf_token": web.csrf("/monitor")})
    web.login("anna")
    refused = web.client.get("/monitor", follow_redirects=False)
    assert refused.status_code == 403 and "Siden hører ikke til din rolle." in refused.text
    assert 'href="/monitor"' not in refused.text
    web.client.post("/logout", data={"csrf_token": web.csrf("/")})
    assert web.client.get("/monitor", follow_redirects=False).headers["location"] == "/login?next=/monitor"


def test_the_form_has_every_intake_field_with_codes_as_names_and_values(web):
    web.user("anna")
    web.login("anna")
    page = web.client.get("/").text
    html = page[page.index('<form method="post" action="/"') :]
    html = html[: html.index("</form>")]
    names = set(re.findall(r'name="([a-z_0-9]+)"', html)) - {"csrf_token"}
    assert names == set(FIELDS)
    for name, spec in FIELDS.items():
        scale = BOOLEAN if spec.kind == "bool" else spec.scale
        if scale is None:
            continue
        if f'type="radio" id="{name}-' in html:
            values = set(re.findall(rf'name="{name}" value="([^"]+)"', html))
        else:
            block = re.search(rf'<select id="{name}".*?</select>', html, re.S).group(0)
            values = set(re.findall(r'<option value="([^"]*)"', block)) - {""}
        assert values == set(scale.codes), name
    for name, spec in FIELDS.items():
        marked = re.search(
            rf'(?:<label for="{name}">|id="{name}"[^>]*>\s*<legend>)[^<]*<abbr class="req"', html
        )
        assert bool(marked) == spec.required, f"{name}: required fields marked, optional ones not"
    for name in ("citizen_id", "years_in_denmark"):
        assert re.search(rf'<label for="{name}">', html), f"{name} has a bound label"


def test_an_intake_creates_the_same_recommendation_as_the_api(web):
    headers = web.user("anna")
    web.login("anna")
    created = web.submit(example())
    assert created.status_code == 303
    rec_id = created.headers["location"].rsplit("/", 1)[1]
    api = web.client.post("/api/v1/recommendations", json=example(), headers=headers).json()
    with web.db.session() as session:
        stored = stored_row(session, rec_id).contract
    assert stored["offers"] == api["recommendation"]["offers"]
    page = web.client.get(f"/recommendations/{rec_id}").text
    ranked = re.findall(r'data-offer="([a-z_]+)" data-rank="(\d)"', page)
    assert [(o["offer"], str(o["rank"])) for o in api["recommendation"]["offers"]] == ranked
    assert "Anbefaling for borger P500-EX-01" in page and "Rådgiveren beslutter." in page


def test_the_intake_stores_its_recommendation_off_the_event_loop(web, monkeypatch):
    """recommend() and the database write run in a worker thread: on the event loop they would hold up
    every other request of the process while they run (and while they wait for a connection)."""
    import asyncio

    from recommender.web import intake

    seen: list[bool] = []
    real = intake.create

    def create(*args, **kwargs):
        try:
            asyncio.get_running_loop()
            seen.append(True)  # called on the event loop
        except RuntimeError:
            seen.append(False)
        return real(*args, **kwargs)

    monkeypatch.setattr(intake, "create", create)
    web.user("anna")
    web.login("anna")
    assert web.submit(example()).status_code == 303
    assert seen == [False]


def test_a_web_decision_is_the_apis_decision(web_db):
    web = web_db
    headers = web.user("anna")
    web.login("anna")
    rec_id = web.submit(example()).headers["location"].rsplit("/", 1)[1]
    top = web.client.get(f"/api/v1/recommendations/{rec_id}", headers=headers).json()["top_offer"]
    other = next(o for o in ("wage_subsidy", "internship", "clarification", "counselling") if o != top)
    token = web.csrf(f"/recommendations/{rec_id}")
    refused = web.client.post(
        f"/recommendations/{rec_id}/decision",
        data={"offer": other, "reason": "", "comment": "", "csrf_token": token},
    )
    assert refused.status_code == 422
    # issue 25: a sentence for people instead of the API's "reason: forventet …; fik null"
    assert errors_on(refused.text)["reason"] == (
        "Vælg en begrundelse, når I vælger et andet tilbud end det foreslåede."
    )
    assert 'aria-invalid="true"' in refused.text and f'value="{other}" checked' in refused.text
    recorded = web.client.post(
        f"/recommendations/{rec_id}/decision",
        follow_redirects=True,
        data={"offer": other, "reason": "not_available", "comment": "", "csrf_token": token},
    )
    assert f'data-decision="{other}"' in recorded.text
    decision = web.client.get(f"/api/v1/recommendations/{rec_id}", headers=headers).json()["decision"]
    assert decision["offer"] == other and decision["reason"] == "not_available" and not decision["followed"]
    again = web.client.post(
        f"/recommendations/{rec_id}/decision",
        data={"offer": top, "reason": "", "comment": "", "csrf_token": token},
    )
    assert again.status_code == 409 and "Der er allerede truffet en beslutning" in again.text
    assert [e.status for e in web.audit("decision.create")] == [201, 409]


def test_field_errors_are_the_clis_and_other_municipalities_are_refused(web):
    from recommender import Citizen
    from recommender.errors import InvalidCitizenError

    web.user("anna")
    web.login("anna")
    record = {**example(), "years_in_denmark": "fire", "danish_course": "du9"}
    refused = web.submit(record)
    assert refused.status_code == 422
    with pytest.raises(InvalidCitizenError) as cli:
        Citizen.from_dict(record)
    # issue 25: the same refusals as the CLI's, worded as sentences next to the field
    assert errors_on(refused.text) == {p.field: field_sentence(p, "da") for p in cli.value.problems}
    assert 'value="fire"' in refused.text, "the typed value is kept"
    elsewhere = web.submit({**example(), "municipality": "Rødovre"})
    assert elsewhere.status_code == 403
    assert errors_on(elsewhere.text)["municipality"] == (
        "Du kan kun oprette anbefalinger for borgere i Aarhus. Ret kommunen."
    )
    with web.db.session() as session:
        assert session.scalar(select(RecommendationRow.id)) is None


def test_history_is_newest_first_and_own_municipality_only(web_db):
    web = web_db
    web.user("anna")
    web.user("bo", municipality="Rødovre")
    web.login("anna")
    first = web.submit(example()).headers["location"]
    second = web.submit({**example(), "children_under_18": 3}).headers["location"]  # other answers: a new one
    page = web.client.get("/history", params={"citizen_id": "P500-EX-01"}).text
    assert re.findall(r'data-recommendation="([^"]+)"', page) == [
        second.rsplit("/", 1)[1],
        first.rsplit("/", 1)[1],
    ]
    cpr = web.client.get("/history", params={"citizen_id": "010203-1234"})
    assert cpr.status_code == 422 and "010203-1234" not in cpr.text
    web.client.post("/logout", data={"csrf_token": web.csrf("/")})
    web.login("bo")
    assert (
        "Ingen anbefalinger for P500-EX-01 i Rødovre"
        in web.client.get("/history", params={"citizen_id": "P500-EX-01"}).text
    )
    other = web.client.get(first)
    assert other.status_code == 404 and "hører til en anden kommune" in other.text


def test_verdict_and_p_best_are_shown_when_the_contract_has_them(web):
    web.user("anna")
    web.login("anna")
    location = web.submit(example()).headers["location"]
    page = web.client.get(location).text
    with web.db.session() as session:
        row = stored_row(session, location.rsplit("/", 1)[1])
        contract = dict(row.contract)
    # the contract's own verdict, in its own words, at the top
    state = "clear" if contract["verdict"]["distinguishable"] else "unclear"
    assert f'data-verdict="{state}"' in page
    # the contract's wording, with a no-break space between a number and its "%" on the page
    assert (
        re.sub(r"(?<=\d) %", "\u00a0%", html.escape(contract["verdict"]["message"]["da"], quote=False))
        in page
    )
    with web.db.session() as session:  # an older contract without a verdict still renders
        row = stored_row(session, location.rsplit("/", 1)[1])
        row.contract = {k: v for k, v in contract.items() if k != "verdict"}
        session.commit()
    page = web.client.get(location).text
    assert 'data-verdict="none"' in page and "Først anbefalet:" in page
    with web.db.session() as session:
        row = stored_row(session, location.rsplit("/", 1)[1])
        first, second = contract["offers"][0]["offer"], contract["offers"][1]["offer"]
        contract["offers"] = [{**o, "p_best": 0.5 if o["rank"] < 3 else 0.0} for o in contract["offers"]]
        contract["verdict"] = {
            "distinguishable": False,
            "first": first,
            "p_best_first": 0.5,
            "indistinct": [first, second],
            "message": None,
        }
        row.contract = contract
        session.commit()
    page = web.client.get(location).text
    assert 'data-verdict="unclear"' in page and "Ingen klar forskel mellem" in page
    assert "bedst i 50\u00a0% af modellens genberegninger" in page
    # a number and its "%" never break across lines: every "%" after a digit follows a no-break space
    assert re.findall(r"\d %", page) == [] and "50\u00a0%" in page


def test_the_language_switch_keeps_the_page(web):
    web.user("anna")
    web.login("anna")
    switched = web.client.get("/lang/en?next=/history", follow_redirects=False)
    assert switched.headers["location"] == "/history"
    page = web.client.get("/history").text
    assert '<html lang="en">' in page and "Citizen history" in page
    assert web.client.get("/lang/en?next=//evil.example", follow_redirects=False).headers["location"] == "/"
    result = web.client.get(web.submit(example()).headers["location"]).text
    assert "Recommendation for citizen P500-EX-01" in result and "Offers, ranked" in result
    assert "The adviser decides." in result and 'data-verdict="' in result
    assert "Rådgiveren beslutter" not in result
    refused = web.submit({**example(), "wants_employment": "kanske"})
    # issue 25: the English page words the refusal in English (it showed the CLI's Danish-first message)
    assert errors_on(refused.text)["wants_employment"] == (
        "Choose one of the listed answers for 'wants employment overall' (you typed kanske)."
    )
