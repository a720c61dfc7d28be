"""The adviser's web page in a real browser (Debian's Chromium through Playwright) against a real
``recommender serve`` on 127.0.0.1 with a temporary database: login, intake, result, decision,
history, a field error, the language switch, keyboard use, and axe-core on every page.

Screenshots of every page are kept in ``test-artefacts/web/``.
"""

from __future__ import annotations

import json

import pytest

from recommender import Citizen, recommend
from recommender.errors import InvalidCitizenError
from tests._web_browser_support import (PASSWORD, ROOT, axe_violations, browser, fill_intake, log_in,  # noqa: F401
                                        page, screenshot, server)

pytestmark = pytest.mark.slow  # a real server and Chromium: minutes


def example(name: str) -> dict:
    return json.loads((ROOT / "examples" / f"{name}.json").read_text(encoding="utf-8"))


def assert_accessible(page, name: str) -> None:
    screenshot(page, name)
    problems = axe_violations(page)
    assert not problems, f"axe-core on the {name} page:\n" + "\n".join(problems)


def ranking_on_page(page) -> list[tuple[str, int]]:
    items = page.locator("[data-offer][data-rank]")
    pairs = [(items.nth(i).get_attribute("data-offer"), int(items.nth(i).get_attribute("data-rank")))
             for i in range(items.count())]
    return sorted(pairs, key=lambda pair: pair[1])


def test_intake_to_decision_and_history(page, default_model):
    record = example("flexible")
    page.goto("/")
    assert page.url.endswith("/login?next=/"), "an anonymous visitor is sent to the login page"
    assert_accessible(page, "01-login")

    log_in(page, password="not the password")
    assert page.locator("[role=alert]").inner_text() == "Forkert brugernavn eller adgangskode."
    log_in(page)
    page.wait_for_url("**/")
    assert page.locator("h1").inner_text() == "Indledende samtale: borgerens svar"
    assert page.input_value("input[name=municipality]") == "Aarhus", "her municipality is filled in"
    assert_accessible(page, "02-intake")

    fill_intake(page, record)
    screenshot(page, "03-intake-filled")
    page.click("form.intake button[type=submit]")
    page.wait_for_url("**/recommendations/*")
    assert_accessible(page, "04-result")

    expected = recommend(record, model=default_model)
    assert ranking_on_page(page) == [(o.offer, o.rank) for o in expected.offers]
    assert page.locator("h1").inner_text() == f"Anbefaling for borger {record['citizen_id']}"
    assert expected.statement.da in page.locator(".statement").inner_text()
    assert page.locator(".verdict-text").inner_text().strip(), "a verdict line at the top"
    assert page.locator(".checks li").count() == len(expected.typology.conditions) + 5

    top = expected.top_offer
    other = next(o.offer for o in expected.offers if o.offer != top)
    page.check(f"#offer-{other}-choice")
    page.click("#decision button[type=submit]")
    error = page.locator("[data-error-for=reason]")
    assert "en begrundelse" in error.inner_text() and top in error.inner_text()
    assert page.get_attribute("select[name=reason]", "aria-invalid") == "true", "the field is marked"
    assert page.is_checked(f"#offer-{other}-choice"), "the chosen offer is kept"
    screenshot(page, "05-decision-refused")

    page.select_option("select[name=reason]", "citizen_preference")
    page.fill("textarea[name=comment]", "Borgeren ønsker rådgivning først.")
    page.click("#decision button[type=submit]")
    recorded = page.locator(".recorded")
    assert recorded.get_attribute("data-decision") == other
    assert "Afviger fra anbefalingen" in recorded.inner_text()
    assert_accessible(page, "06-decision-recorded")

    page.emulate_media(media="print")
    assert page.locator("#decision form").count() == 0 and not page.locator("nav").is_visible()
    screenshot(page, "07-print-summary")
    page.emulate_media(media="screen")

    page.click("nav >> text=Borgerens historik")
    page.fill("input[name=citizen_id]", record["citizen_id"])
    page.click("form.search button[type=submit]")
    rows = page.locator("tr[data-recommendation]")
    assert rows.count() == 1
    assert rows.first.locator("[data-decision]").get_attribute("data-decision") == other
    assert_accessible(page, "08-history")


def test_field_errors_in_the_cli_words_and_values_kept(page):
    record = {**example("flexible"), "citizen_id": "P500-ERR-01", "years_in_denmark": 120}
    log_in(page)
    page.wait_for_url("**/")
    fill_intake(page, {k: v for k, v in record.items() if k != "wants_employment"})
    page.click("form.intake button[type=submit]")
    assert "/recommendations/" not in page.url
    with pytest.raises(InvalidCitizenError) as refused:
        Citizen.from_dict({k: v for k, v in record.items() if k != "wants_employment"})
    words = {p.field: p.message() for p in refused.value.problems}
    assert set(words) == {"years_in_denmark", "wants_employment"}
    for field, message in words.items():
        assert page.locator(f"[data-error-for={field}]").inner_text() == message
    assert page.get_attribute("input[name=years_in_denmark]", "aria-invalid") == "true"
    assert page.input_value("input[name=years_in_denmark]") == "120", "the typed value is kept"
    assert page.input_value("input[name=citizen_id]") == "P500-ERR-01"
    assert page.is_checked("#active_job_seeker-partly")
    assert_accessible(page, "09-intake-errors")


def test_language_switch(page):
    log_in(page)
    page.wait_for_url("**/")
    page.click("[data-lang-switch]")
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("h1").inner_text() == "Intake: the citizen's answers"
    assert page.locator("label[for=years_in_denmark]").inner_text().startswith("years in Denmark")
    assert_accessible(page, "10-intake-english")
    page.click("[data-lang-switch]")
    assert page.get_attribute("html", "lang") == "da"
    assert page.locator("h1").inner_text() == "Indledende samtale: borgerens svar"


def test_keyboard_only_login_and_visible_focus(page):
    page.goto("/login")
    assert page.evaluate("document.activeElement.id") == "username", "the cursor starts in the name field"
    page.keyboard.type("anna.adviser")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/")
    assert page.locator("h1").inner_text() == "Indledende samtale: borgerens svar"
    page.keyboard.press("Tab")  # the first stop is the skip link, visible when focused
    assert page.evaluate("document.activeElement.className") == "skip"
    style = page.evaluate("(() => { const s = getComputedStyle(document.activeElement);"
                          " return [s.outlineStyle, s.outlineWidth]; })()")
    assert style[0] != "none" and style[1] != "0px", "focus is visible"
    assert page.locator("a.skip").bounding_box()["x"] >= 0, "the focused skip link is on screen"
    page.keyboard.press("Enter")
    for _ in range(40):  # every control of the form is reachable with Tab alone
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "citizen_id":
            break
    assert page.evaluate("document.activeElement.name") == "citizen_id"


def test_an_analyst_lands_on_the_monitoring_page(page, server):
    added = server.cli("users", "add", "ole.analyst", "--role", "analyst", stdin=PASSWORD + "\n")
    assert added.returncode == 0 or "exists" in added.stderr, added.stderr
    page.goto("/login")
    page.fill("input[name=username]", "ole.analyst")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_url("**/monitor")
    assert page.locator("h1").inner_text() == "Overvågning af anbefalinger"
    assert page.locator("[data-figure='counts.recommendations']").count() == 1
    assert_accessible(page, "11-monitor")
