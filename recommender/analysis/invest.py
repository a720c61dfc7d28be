"""The investment model of the Projekt 500 report (Bilag B and the box in section 2; spec §11).

One adviser works ``adviser_hours_per_month`` hours a month at ``hourly_rate_dkk``; the yearly cost
is hours × 12 × rate (80 × 12 × 240 = 230.400 kr., printed "ca. 231.000 kr.", i.e. rounded *up* to
whole thousands). The adviser closes ``completions_per_year`` cases; ``job_share`` of them go into an
ordinary job (45 × 0,35 = 15,75 → 16 citizens). Each of them pays ``municipal_tax_per_citizen_dkk``
in municipal tax (31.000 kr. on an annual wage of 203.000 kr. for 30 hours a week), so the tax income
is 16 × 31.000 = 496.000 kr. and the net gain after one year 496.000 − 231.000 = 265.000 kr. Break-even
is cost / tax per citizen = 7,45 citizens in work, or cost / result subsidy = 4,53 citizens in a job or
education. A break-even is the number of citizens needed to cover the cost, so it is rounded *up*
(``*_needed``: 8 and 5); the report prints "ca. 7" and "ca. 5", rounded to nearest (``*_approx``).

The result subsidy (resultattilskud, 51.000 kr.) is paid only for citizens who are still within the
integration programme (up to five years of residence). The report's break-even of "ca. 5" ignores
that; the expected subsidy income here counts only ``share_in_integration_programme`` of the
citizens into a job or education. Its default, 0,66, is the report's own data: 181 of the 274
citizens had lived 1–5 years in Denmark (Bilag A tabel 4).

All figures are averages and assumptions, as in the report: a planning aid, not a forecast.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from recommender.errors import FieldProblem, RecommenderError, did_you_mean

__all__ = ["Assumptions", "InvestmentError", "InvestmentResult", "investment_model"]

MONTHS_PER_YEAR = 12
# Bilag A tabel 4: citizens with 1–5 years of residence, i.e. still within the integration programme.
_IN_PROGRAMME = round(181 / 274, 2)


@dataclass(frozen=True)
class _Spec:
    da: str
    en: str
    default: float
    low: float = 0.0
    high: float = math.inf
    share: bool = False


_SPECS: dict[str, _Spec] = {
    "adviser_hours_per_month": _Spec("rådgivertimer pr. måned", "adviser hours per month", 80, high=744),
    "hourly_rate_dkk": _Spec("timepris (kr.)", "hourly rate (DKK)", 240),
    "completions_per_year": _Spec("afsluttede forløb pr. år", "completions per year", 45),
    "job_share": _Spec(
        "andel i ordinær beskæftigelse", "share into an ordinary job", 0.35, high=1, share=True
    ),
    "education_share": _Spec("andel i uddannelse", "share into education", 0.20, high=1, share=True),
    "active_share": _Spec("andel erhvervsaktive", "share labour-force active", 0.15, high=1, share=True),
    "annual_wage_dkk": _Spec("årsløn (kr.)", "annual wage (DKK)", 203_000),
    "weekly_hours": _Spec("ugentlige arbejdstimer", "weekly working hours", 30, high=168),
    "municipal_tax_per_citizen_dkk": _Spec(
        "kommunal skat pr. borger (kr.)", "municipal tax per citizen (DKK)", 31_000
    ),
    "result_subsidy_dkk": _Spec(
        "resultattilskud pr. borger (kr.)", "result subsidy per citizen (DKK)", 51_000
    ),
    "share_in_integration_programme": _Spec(
        "andel omfattet af integrationsprogrammet",
        "share within the integration programme",
        _IN_PROGRAMME,
        high=1,
        share=True,
    ),
}
_OUTCOME_SHARES = ("job_share", "education_share", "active_share")


class InvestmentError(RecommenderError):
    """Assumptions that cannot be used; ``problems`` names every bad one."""

    def __init__(self, problems: list[FieldProblem]):
        self.problems = tuple(problems)
        self.field = self.problems[0].field
        self.value = self.problems[0].value
        text = "; ".join(p.message() for p in self.problems)
        super().__init__(f"Ugyldige forudsætninger / invalid assumptions: {text}")


@dataclass(frozen=True)
class Assumptions:
    """The investment model's inputs, with the report's defaults (Bilag B)."""

    adviser_hours_per_month: float = float(_SPECS["adviser_hours_per_month"].default)
    hourly_rate_dkk: float = float(_SPECS["hourly_rate_dkk"].default)
    completions_per_year: float = float(_SPECS["completions_per_year"].default)
    job_share: float = float(_SPECS["job_share"].default)
    education_share: float = float(_SPECS["education_share"].default)
    active_share: float = float(_SPECS["active_share"].default)
    annual_wage_dkk: float = float(_SPECS["annual_wage_dkk"].default)
    weekly_hours: float = float(_SPECS["weekly_hours"].default)
    municipal_tax_per_citizen_dkk: float = float(_SPECS["municipal_tax_per_citizen_dkk"].default)
    result_subsidy_dkk: float = float(_SPECS["result_subsidy_dkk"].default)
    share_in_integration_programme: float = float(_SPECS["share_in_integration_programme"].default)

    def to_dict(self) -> dict[str, float]:
        return asdict(self)

    @staticmethod
    def labels(name: str) -> tuple[str, str]:
        """``(Danish, English)`` label of an assumption.

        >>> Assumptions.labels("job_share")
        ('andel i ordinær beskæftigelse', 'share into an ordinary job')
        """
        return _SPECS[name].da, _SPECS[name].en


@dataclass(frozen=True)
class InvestmentResult:
    """The yearly municipal economics of one adviser's effort (Bilag B), in DKK and citizens."""

    assumptions: Assumptions
    annual_cost_unrounded_dkk: float
    annual_cost_dkk: int
    citizens_into_job_exact: float
    citizens_into_job: int
    citizens_into_education: int
    citizens_active: int
    municipal_tax_total_dkk: float
    net_gain_year_1_dkk: float
    break_even_citizens_tax: float | None  # None when the tax per citizen is 0
    break_even_citizens_tax_approx: int | None  # rounded to nearest, as the report prints it
    break_even_citizens_tax_needed: int | None  # rounded up: citizens needed to cover the cost
    citizens_with_result_subsidy: int
    result_subsidy_total_dkk: float
    break_even_citizens_result_subsidy: float | None
    break_even_citizens_result_subsidy_approx: int | None
    break_even_citizens_result_subsidy_needed: int | None
    net_gain_with_result_subsidy_dkk: float
    implied_municipal_tax_rate: float | None

    def to_dict(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "assumptions"}
        return {"assumptions": self.assumptions.to_dict(), **data}

    def __repr__(self) -> str:
        return (
            f"InvestmentResult(cost={self.annual_cost_dkk}, into_job={self.citizens_into_job}, "
            f"tax={self.municipal_tax_total_dkk:.0f}, net={self.net_gain_year_1_dkk:.0f}, "
            f"break_even_tax={self.break_even_citizens_tax_needed}, "
            f"break_even_result_subsidy={self.break_even_citizens_result_subsidy_needed})"
        )


def _number(name: str, value: object) -> tuple[float | None, FieldProblem | None]:
    spec = _SPECS[name]
    upper = "1" if spec.share else ("" if math.isinf(spec.high) else f"{spec.high:g}")
    expected = (
        f"et tal / a number {spec.low:g}–{upper}"
        if upper
        else f"et tal ≥ {spec.low:g} / a number ≥ {spec.low:g}"
    )
    number: float | None = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        try:  # Danish decimal comma is accepted: "0,35"
            number = float(value.strip().replace(",", "."))
        except ValueError:
            number = None
    if number is None or not math.isfinite(number) or not spec.low <= number <= spec.high:
        return None, FieldProblem(name, value, expected, spec.da)
    return number, None


def _divide(a: float, b: float, digits: int | None = None) -> float | None:
    """``a / b``, or ``None`` when ``b`` is zero (no break-even exists)."""
    if not b:
        return None
    return a / b if digits is None else round(a / b, digits)


def _round_half_up(x: float) -> int:
    return math.floor(round(x, 9) + 0.5)


def _round_up(x: float) -> int:
    return math.ceil(round(x, 9))


def _parse(assumptions: Mapping[str, object]) -> Assumptions:
    problems: list[FieldProblem] = []
    values: dict[str, float] = {}
    for name, value in assumptions.items():
        if name not in _SPECS:
            problems.append(
                FieldProblem(
                    name,
                    value,
                    "a known assumption / en kendt forudsætning: " + ", ".join(_SPECS),
                    suggestion=did_you_mean(name, _SPECS),
                )
            )
            continue
        number, problem = _number(name, value)
        if problem is not None:
            problems.append(problem)
        else:
            values[name] = number  # type: ignore[assignment]
    parsed = {name: values.get(name, float(spec.default)) for name, spec in _SPECS.items()}
    if not any(p.field in _OUTCOME_SHARES for p in problems):
        total = sum(parsed[name] for name in _OUTCOME_SHARES)
        if round(total, 9) > 1:
            problems.append(
                FieldProblem(
                    "job_share+education_share+active_share",
                    round(total, 6),
                    "shares summing to at most 1 / andele der tilsammen højst er 1",
                    "andele i alt",
                )
            )
    if (
        not any(p.field in ("municipal_tax_per_citizen_dkk", "annual_wage_dkk") for p in problems)
        and parsed["municipal_tax_per_citizen_dkk"] > parsed["annual_wage_dkk"]
    ):
        problems.append(
            FieldProblem(
                "municipal_tax_per_citizen_dkk",
                parsed["municipal_tax_per_citizen_dkk"],
                f"at most the annual wage / højst årslønnen ({parsed['annual_wage_dkk']:g})",
                _SPECS["municipal_tax_per_citizen_dkk"].da,
            )
        )
    if problems:
        raise InvestmentError(problems)
    return Assumptions(**parsed)


def investment_model(**assumptions: object) -> InvestmentResult:
    """Run Bilag B's investment model; every assumption can be overridden by keyword.

    Values may be numbers or numeric strings (a Danish decimal comma is accepted). Bad values
    (negative hours, a share outside 0–1, outcome shares summing to more than 1, an unknown
    name) raise :class:`InvestmentError` naming every one of them.

    >>> r = investment_model()
    >>> r.annual_cost_unrounded_dkk, r.annual_cost_dkk, r.citizens_into_job
    (230400.0, 231000, 16)
    >>> r.municipal_tax_total_dkk, r.net_gain_year_1_dkk
    (496000.0, 265000.0)
    >>> r.break_even_citizens_tax_needed, r.break_even_citizens_result_subsidy_needed
    (8, 5)
    >>> r.break_even_citizens_tax_approx, r.break_even_citizens_result_subsidy_approx  # as printed
    (7, 5)
    >>> investment_model(job_share="0,5").citizens_into_job
    23
    >>> investment_model(adviser_hours_per_month=-1)
    Traceback (most recent call last):
    ...
    recommender.analysis.invest.InvestmentError: Ugyldige forudsætninger / invalid assumptions: adviser_hours_per_month (rådgivertimer pr. måned): forventede/expected et tal / a number 0–744; fik/got -1
    """  # noqa: E501
    a = _parse(assumptions)
    cost_exact = a.adviser_hours_per_month * MONTHS_PER_YEAR * a.hourly_rate_dkk
    cost = math.ceil(round(cost_exact, 6) / 1000) * 1000  # the report rounds up: 230.400 → 231.000
    into_job_exact = a.completions_per_year * a.job_share
    into_job = _round_half_up(into_job_exact)
    into_education = _round_half_up(a.completions_per_year * a.education_share)
    active = _round_half_up(a.completions_per_year * a.active_share)
    tax_total = into_job * a.municipal_tax_per_citizen_dkk
    with_subsidy = _round_half_up(
        (a.completions_per_year * (a.job_share + a.education_share)) * a.share_in_integration_programme
    )
    subsidy_total = with_subsidy * a.result_subsidy_dkk
    be_tax = _divide(cost, a.municipal_tax_per_citizen_dkk)
    be_subsidy = _divide(cost, a.result_subsidy_dkk)
    return InvestmentResult(
        assumptions=a,
        annual_cost_unrounded_dkk=float(cost_exact),
        annual_cost_dkk=int(cost),
        citizens_into_job_exact=round(into_job_exact, 9),
        citizens_into_job=into_job,
        citizens_into_education=into_education,
        citizens_active=active,
        municipal_tax_total_dkk=float(tax_total),
        net_gain_year_1_dkk=float(tax_total - cost),
        break_even_citizens_tax=None if be_tax is None else round(be_tax, 4),
        break_even_citizens_tax_approx=None if be_tax is None else _round_half_up(be_tax),
        break_even_citizens_tax_needed=None if be_tax is None else _round_up(be_tax),
        citizens_with_result_subsidy=with_subsidy,
        result_subsidy_total_dkk=float(subsidy_total),
        break_even_citizens_result_subsidy=None if be_subsidy is None else round(be_subsidy, 4),
        break_even_citizens_result_subsidy_approx=(
            None if be_subsidy is None else _round_half_up(be_subsidy)
        ),
        break_even_citizens_result_subsidy_needed=None if be_subsidy is None else _round_up(be_subsidy),
        net_gain_with_result_subsidy_dkk=float(tax_total + subsidy_total - cost),
        implied_municipal_tax_rate=_divide(a.municipal_tax_per_citizen_dkk, a.annual_wage_dkk, 4),
    )
