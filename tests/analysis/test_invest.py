"""The investment model (Bilag B, spec §11): the report's figures, every assumption, bad options."""

from __future__ import annotations

import json

import pytest

from recommender import RecommenderError
from recommender.analysis.invest import InvestmentError, investment_model
from recommender.cli import main
from recommender.synth import load_figures


def _published() -> dict:
    """Bilag B's published figures, from the package's copy of tables.yaml."""
    return load_figures()["investment_model"]


def test_defaults_reproduce_bilag_b() -> None:
    pub = _published()
    r = investment_model()
    assert r.annual_cost_unrounded_dkk == 230_400
    assert r.annual_cost_dkk == pub["annual_adviser_cost_dkk"] == 231_000
    assert r.citizens_into_job == pub["citizens_into_job_per_year"] == 16
    assert r.municipal_tax_total_dkk == pub["municipal_tax_total_dkk"]
    assert r.net_gain_year_1_dkk == pub["net_gain_year_1_dkk"]
    assert r.break_even_citizens_tax_approx == pub["break_even_citizens_tax"]
    assert r.break_even_citizens_result_subsidy_approx == pub["break_even_citizens_result_subsidy"]
    assert r.break_even_citizens_tax == pytest.approx(231_000 / 31_000, abs=1e-3)


def test_break_even_is_rounded_up_to_the_citizens_needed_to_cover_the_cost() -> None:
    r = investment_model()
    assert (r.break_even_citizens_tax_needed, r.break_even_citizens_result_subsidy_needed) == (8, 5)
    for kwargs in (
        {},
        {"hourly_rate_dkk": 300},
        {"municipal_tax_per_citizen_dkk": 20_000},
        {"adviser_hours_per_month": 40},
    ):
        x = investment_model(**kwargs)
        n = x.break_even_citizens_tax_needed
        assert n * x.assumptions.municipal_tax_per_citizen_dkk >= x.annual_cost_dkk
        assert (n - 1) * x.assumptions.municipal_tax_per_citizen_dkk < x.annual_cost_dkk
    exact = investment_model(hourly_rate_dkk=31_000 / 960, municipal_tax_per_citizen_dkk=31_000)
    assert exact.break_even_citizens_tax == 1 and exact.break_even_citizens_tax_needed == 1


def test_every_assumption_changes_the_arithmetic() -> None:
    base = investment_model()
    assert investment_model(adviser_hours_per_month=40).annual_cost_unrounded_dkk == 115_200
    assert investment_model(hourly_rate_dkk=300).annual_cost_unrounded_dkk == 288_000
    assert investment_model(completions_per_year=20).citizens_into_job == 7  # 20 × 0,35
    assert investment_model(job_share=0.5).municipal_tax_total_dkk == 23 * 31_000
    assert investment_model(education_share=0.40).citizens_into_education == 18
    assert investment_model(active_share=0.0).citizens_active == 0
    assert investment_model(municipal_tax_per_citizen_dkk=20_000).net_gain_year_1_dkk == 16 * 20_000 - 231_000
    assert investment_model(result_subsidy_dkk=0).result_subsidy_total_dkk == 0
    assert investment_model(result_subsidy_dkk=0).break_even_citizens_result_subsidy is None
    assert investment_model(annual_wage_dkk=310_000).implied_municipal_tax_rate == 0.1
    assert investment_model(share_in_integration_programme=1).citizens_with_result_subsidy == 25
    assert (
        investment_model(share_in_integration_programme=0).net_gain_with_result_subsidy_dkk
        == base.net_gain_year_1_dkk
    )


def test_result_subsidy_counts_only_citizens_within_the_programme() -> None:
    r = investment_model()
    assert r.assumptions.share_in_integration_programme == pytest.approx(181 / 274, abs=0.005)
    assert r.citizens_with_result_subsidy == round(45 * 0.55 * 0.66)
    assert r.net_gain_with_result_subsidy_dkk == r.net_gain_year_1_dkk + r.result_subsidy_total_dkk


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"adviser_hours_per_month": -5}, "adviser_hours_per_month"),
        ({"job_share": 1.2}, "job_share"),
        ({"education_share": "-0.1"}, "education_share"),
        ({"job_share": 0.6, "education_share": 0.3, "active_share": 0.2}, "job_share+education_share"),
        ({"hourly_rate_dkk": "mange"}, "hourly_rate_dkk"),
        ({"hourly_rate_dkk": float("nan")}, "hourly_rate_dkk"),
        ({"completions_per_year": True}, "completions_per_year"),
        ({"municipal_tax_per_citizen_dkk": 300_000}, "municipal_tax_per_citizen_dkk"),
        ({"job_shares": 0.3}, "job_shares"),
    ],
)
def test_bad_assumptions_are_named(kwargs: dict, field: str) -> None:
    with pytest.raises(InvestmentError) as info:
        investment_model(**kwargs)
    assert isinstance(info.value, RecommenderError)
    assert field in str(info.value)
    assert "expected" in str(info.value) and "got" in str(info.value)
    assert str(info.value).startswith("Ugyldige forudsætninger / invalid assumptions")


def test_several_bad_assumptions_reported_together() -> None:
    with pytest.raises(InvestmentError) as info:
        investment_model(adviser_hours_per_month=-1, job_share=2)
    assert {p.field for p in info.value.problems} == {"adviser_hours_per_month", "job_share"}


def test_danish_decimal_comma_accepted() -> None:
    assert investment_model(job_share="0,35") == investment_model(job_share=0.35)


def test_cli_danish_screen(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["invest"]) == 0
    out = capsys.readouterr().out
    for text in (
        "231.000 kr.",
        "230.400 kr.",
        "16 borgere",
        "496.000 kr.",
        "265.000 kr.",
        "Break-even på skat:         8 borgere (7,45 rundet op; rapporten: ca. 7)",
        "Break-even på resultattilskud: 5 borgere (4,53 rundet op; rapporten: ca. 5)",
    ):
        assert text in out


def test_cli_json_with_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["invest", "--json", "--hourly-rate-dkk", "250", "--job-share", "0.4"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["assumptions"]["hourly_rate_dkk"] == 250
    assert data["annual_cost_unrounded_dkk"] == 80 * 12 * 250
    assert data["citizens_into_job"] == 18


@pytest.mark.parametrize(
    "argv",
    [
        ["invest", "--adviser-hours", "-80"],
        ["invest", "--job-share", "1.5"],
        ["invest", "--job-share", "0.7", "--education-share", "0.4"],
        ["invest", "--hourly-rate", "abc"],
        ["invest", "--no-such-option", "1"],
    ],
)
def test_cli_bad_options_exit_2_one_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("fejl/error:") and err.count("\n") == 1 and "Traceback" not in err
