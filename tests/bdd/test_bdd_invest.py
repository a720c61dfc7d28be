"""Step definitions for features/investering.feature (Danish; written for the domain expert)."""

from __future__ import annotations

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from recommender.analysis.invest import Assumptions, InvestmentError, InvestmentResult, investment_model

scenarios("investering.feature")

_BY_DANISH_LABEL = {Assumptions.labels(name)[0]: name for name in Assumptions().to_dict()}


@pytest.fixture
def state() -> dict:
    return {"assumptions": {}}


@given("rapportens forudsætninger")
def _defaults(state: dict) -> None:
    state["assumptions"] = {}


@given(parsers.parse("{label} er {value}"))
def _assumption(state: dict, label: str, value: str) -> None:
    name = _BY_DANISH_LABEL.get(label.strip())
    assert name is not None, f"ukendt forudsætning {label!r}; kendte: {sorted(_BY_DANISH_LABEL)}"
    state["assumptions"][name] = value


@when("investeringsmodellen regnes igennem")
def _run(state: dict) -> None:
    try:
        state["result"] = investment_model(**state["assumptions"])
    except InvestmentError as exc:
        state["error"] = exc


def _result(state: dict) -> InvestmentResult:
    assert "error" not in state, str(state.get("error"))
    return state["result"]


@then(parsers.parse("er den årlige lønudgift ca. {kr:d} kr."))
def _cost(state: dict, kr: int) -> None:
    assert _result(state).annual_cost_dkk == kr


@then(parsers.parse("er lønudgiften uden afrunding {kr:d} kr."))
def _cost_exact(state: dict, kr: int) -> None:
    assert _result(state).annual_cost_unrounded_dkk == kr


@then(parsers.parse("kommer {n:d} borgere i ordinær beskæftigelse om året"))
def _into_job(state: dict, n: int) -> None:
    assert _result(state).citizens_into_job == n


@then(parsers.parse("er den kommunale skatteindtægt {kr:d} kr."))
def _tax(state: dict, kr: int) -> None:
    assert _result(state).municipal_tax_total_dkk == kr


@then(parsers.parse("er gevinsten efter 1 år {kr:d} kr."))
def _net(state: dict, kr: int) -> None:
    assert _result(state).net_gain_year_1_dkk == kr


@then(
    parsers.parse(
        "skal {n:d} borgere i arbejde før skatteindtægten dækker lønudgiften "
        "(rapporten skriver ca. {printed:d})"
    )
)
def _break_even_tax(state: dict, n: int, printed: int) -> None:
    r = _result(state)
    assert (r.break_even_citizens_tax_needed, r.break_even_citizens_tax_approx) == (n, printed)


@then(
    parsers.parse(
        "skal {n:d} borgere i job eller uddannelse før resultattilskuddet dækker lønudgiften "
        "(rapporten skriver ca. {printed:d})"
    )
)
def _break_even_subsidy(state: dict, n: int, printed: int) -> None:
    r = _result(state)
    assert (r.break_even_citizens_result_subsidy_needed, r.break_even_citizens_result_subsidy_approx) == (
        n,
        printed,
    )


@then(parsers.parse('afvises forudsætningerne med en besked der nævner "{text}"'))
def _refused(state: dict, text: str) -> None:
    assert "error" in state, "forudsætningerne blev ikke afvist"
    assert text in str(state["error"])
