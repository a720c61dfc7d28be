"""The adviser's page beyond one recommendation (issue 25), through the test client: the same answers
the same day are not stored twice, an earlier case is shown, the closure form is the API's closure, the
case id is asked for again in a new session, and the letter to the citizen says what it must."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select
from test_web import Web, errors_on, running

from recommender.cases.tables import Closure, RecommendationRow
from tests._service_support import database_url, engine, example  # noqa: F401


@pytest.fixture
def web(tmp_path, engine):  # noqa: F811
    yield from running(Web(tmp_path, engine, letter_contact="Jobcenter Aarhus, tlf. 89 40 00 00"))


def stored(web: Web) -> int:
    with web.db.session() as session:
        return int(session.scalar(select(func.count(RecommendationRow.id))) or 0)


def decide(web: Web, location: str, offer: str) -> None:
    rec_id = location.rsplit("/", 1)[1]
    answer = web.client.post(
        f"/recommendations/{rec_id}/decision",
        follow_redirects=False,
        data={
            "offer": offer,
            "reason": "citizen_preference",
            "comment": "",
            "csrf_token": web.csrf(location),
        },
    )
    assert answer.status_code == 303


def test_the_same_answers_the_same_day_show_the_open_recommendation(web):
    web.user("anna")
    web.login("anna")
    first = web.submit(example()).headers["location"]
    assert web.submit(example()).headers["location"] == first and stored(web) == 1
    page = web.client.get(first).text
    assert "data-reused" in page and "data-existing-case" not in page
    assert "data-reused" not in web.client.get(first).text, "said once"
    decide(web, first, "counselling")  # decided: the same answers now make a new recommendation
    second = web.submit(example()).headers["location"]
    assert second != first and stored(web) == 2
    page = web.client.get(second).text
    existing = re.search(r"<p class=\"existing\" data-existing-case>(.*?)</p>", page, re.S).group(1)
    assert "besluttet: rådgivning" in existing and 'href="/history?citizen_id=P500-EX-01"' in existing
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", existing) and "UTC" not in page


TODAY = date.today().isoformat()  # a closure is never dated before its recommendation (issue 28)


def test_the_closure_form_is_the_apis_closure(web):
    headers = web.user("anna")
    web.login("anna")
    location = web.submit(example()).headers["location"]
    rec_id = location.rsplit("/", 1)[1]
    assert 'data-form="closure"' not in web.client.get(location).text, "only after the decision"
    decide(web, location, "internship")
    token = web.csrf(location)
    form = {
        "offer": "internship",
        "outcome": "job",
        "closed": "2026-13-01",
        "duration_days": "90",
        "csrf_token": token,
    }
    refused = web.client.post(f"/recommendations/{rec_id}/closure", data=form)
    assert refused.status_code == 422
    assert errors_on(refused.text) == {
        "closure-closed": "Skriv en dato som ÅÅÅÅ-MM-DD, tidligst anbefalingens dato og ikke i fremtiden."
    }
    refused = web.client.post(
        f"/recommendations/{rec_id}/closure", data={**form, "closed": TODAY, "duration_days": "4000"}
    )
    assert refused.status_code == 422, "the API's own range check"
    assert errors_on(refused.text) == {
        "closure-duration_days": "Skriv varigheden som et helt antal dage fra 0 til 3650."
    }
    done = web.client.post(
        f"/recommendations/{rec_id}/closure", data={**form, "closed": TODAY}, follow_redirects=True
    )
    assert 'data-closure="job"' in done.text
    with web.db.session() as session:
        closure = session.scalars(select(Closure)).one()
        assert (closure.outcome, closure.duration_days, str(closure.closed)) == ("job", 90, TODAY)
    api = web.client.get("/api/v1/citizens/P500-EX-01/recommendations", headers=headers).json()
    assert "job" in str(api), "the API sees the closure the page recorded"
    again = web.client.post(f"/recommendations/{rec_id}/closure", data={**form, "closed": TODAY})
    assert again.status_code == 409 and "allerede afsluttet" in again.text
    assert [e.status for e in web.audit("closure.create")] == [201, 409]
    history = web.client.get("/history", params={"citizen_id": "P500-EX-01"}).text
    assert 'data-closure="job"' in history


def test_a_new_session_asks_for_the_case_id_and_checks_it(web):
    web.user("anna")
    web.login("anna")
    location = web.submit(example()).headers["location"]
    rec_id = location.rsplit("/", 1)[1]
    web.client.post("/logout", data={"csrf_token": web.csrf("/")})
    web.login("anna")
    page = web.client.get(location).text
    assert "Anbefaling for borger (borger-id ikke indtastet)" in page and "P500-EX-01" not in page
    token = web.csrf(location)
    wrong = web.client.post(
        f"/recommendations/{rec_id}/citizen", data={"citizen_id": "P500-EX-02", "csrf_token": token}
    )
    assert wrong.status_code == 422
    assert errors_on(wrong.text) == {"citizen_id": "Det borger-id hører ikke til denne anbefaling."}
    cpr = web.client.post(
        f"/recommendations/{rec_id}/citizen", data={"citizen_id": "010203-1234", "csrf_token": token}
    )
    assert cpr.status_code == 422 and "010203" not in cpr.text
    right = web.client.post(
        f"/recommendations/{rec_id}/citizen",
        follow_redirects=True,
        data={"citizen_id": "P500-EX-01", "csrf_token": token},
    )
    assert "Anbefaling for borger P500-EX-01" in right.text
    for view in ("summary", "letter"):
        assert "P500-EX-01" in web.client.get(f"{location}/{view}").text


def test_the_letter_is_plain_and_says_what_it_must(web):
    web.user("anna")
    web.login("anna")
    location = web.submit(example()).headers["location"]
    decide(web, location, "counselling")
    letter = web.client.get(f"{location}/letter").text
    body = re.search(r"<article.*?</article>", letter, re.S).group(0)
    assert "frivilligt" in body and "computerprogram" in body and "Jobcenter Aarhus, tlf. 89 40 00 00" in body
    assert "Du ønskede det." in body and "rådgivning" in body
    for word in ("%", "counselling", "flexible", "Fleksibelt", "open_to_realistic_jobs", "UTC"):
        assert word not in body
    web.client.get("/lang/en?next=/")
    english = web.client.get(f"{location}/letter").text
    assert "voluntary" in english and "You wanted it." in english and "%" not in english


def test_the_monitoring_pages_date_error_is_a_sentence(web):
    web.user("ole", role="analyst", municipality=None)
    web.login("ole")
    refused = web.client.get("/monitor", params={"since": "31-01-2026"})
    assert refused.status_code == 422
    assert errors_on(refused.text) == {
        "since": "Skriv datoen som ÅÅÅÅ-MM-DD, fx 2026-01-31 (du skrev »31-01-2026«)."
    }


def test_a_page_that_needs_the_model_never_waits_for_a_second_database_connection(tmp_path, engine):  # noqa: F811
    """The result page takes the adviser (one connection held) and then the model in use, whose registry
    check used to open a second session: on SQLite's pool of one connection that waited out the pool's
    timeout (the browser saw a page that never loaded). The check now reads through the request's session."""
    for w in running(Web(tmp_path, engine, registry_check_seconds=0)):  # every request checks the registry
        w.user("anna")
        w.login("anna")
        location = w.submit(example()).headers["location"]
        for _ in range(3):
            assert w.client.get(location).status_code == 200
        assert w.client.get(location, params={"hvad": "1"}).status_code == 200  # the what-if needs the model


def test_the_summary_says_where_the_numbers_come_from_and_the_rankings_own_verdict(web):
    """The Sagsresumé carries what the result page's first screen says above the offers: the provenance
    line, the thin-data warning and, under a target-group verdict, the ranking's own verdict."""
    web.user("anna")
    web.login("anna")
    outside = {**example(), "integration_programme": "ja"}
    location = web.submit(outside).headers["location"]
    result = web.client.get(location).text
    summary = web.client.get(f"{location}/summary").text
    for text in (result, summary):
        assert "Demonstrationsmodel: trænet på syntetiske data" in text
        verdict = re.search(
            r"data-ranking-verdict><strong>Rangordningen nedenfor, til orientering:</strong> ([^<]+)</p>",
            text,
        )
        assert verdict is not None, "the ranking's own verdict is missing"
        assert text.index("Demonstrationsmodel") < text.index('data-verdict="')
    assert verdict.group(1) in result
