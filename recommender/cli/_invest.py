"""``recommender invest [options] [--json]``: the report's investment model (Bilag B, spec §11)."""

from __future__ import annotations

import argparse
import json

from recommender.analysis.invest import Assumptions, InvestmentResult, investment_model
from recommender.numbers import decimal, percent

__all__ = ["register", "render"]

# Each assumption is an option named after it (``--job-share``), plus a short alias where one helps.
_OPTIONS = {
    "adviser_hours_per_month": ("--adviser-hours",),
    "hourly_rate_dkk": ("--hourly-rate",),
    "completions_per_year": ("--completions",),
    "job_share": (),
    "education_share": (),
    "active_share": (),
    "annual_wage_dkk": ("--annual-wage",),
    "weekly_hours": (),
    "municipal_tax_per_citizen_dkk": ("--municipal-tax",),
    "result_subsidy_dkk": ("--result-subsidy",),
    "share_in_integration_programme": ("--share-in-programme",),
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "invest",
        help="investeringsmodel (Bilag B) / investment model",
        description="Kommunaløkonomisk investeringsmodel fra rapportens Bilag B. Alle forudsætninger "
        "kan ændres; standardværdierne er rapportens. / The report's investment model; "
        "every assumption is an option, the defaults are the report's.",
    )
    defaults = Assumptions()
    for name, aliases in _OPTIONS.items():
        da, en = Assumptions.labels(name)
        parser.add_argument(
            "--" + name.replace("_", "-"),
            *aliases,
            dest=name,
            metavar="TAL",
            default=None,
            help=f"{da} / {en} (standard/default {getattr(defaults, name):g})",
        )
    parser.add_argument("--json", action="store_true", help="JSON med koder / JSON with codes")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    given = {name: getattr(args, name) for name in _OPTIONS if getattr(args, name) is not None}
    result = investment_model(**given)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(render(result))
    return 0


def _num(x: float, decimals: int = 0) -> str:
    """Danish number format: ``230.400``, ``7,45``."""
    return decimal(x, decimals, grouped=True)


def _pct(share: float) -> str:
    return percent(share, 0 if (share * 100).is_integer() else 1, grouped=True)


def render(r: InvestmentResult) -> str:
    """The result as a short Danish text for the screen.

    >>> print(render(investment_model()).splitlines()[3])
    Årlig lønudgift:            ca. 231.000 kr.  (80 t/md. × 12 md. × 240 kr. = 230.400 kr.)
    """
    a = r.assumptions

    def be(exact: float | None, needed: int | None, approx: int | None) -> str:
        if exact is None:
            return "ingen (beløbet er 0)"
        return f"{needed} borgere ({_num(exact, 2)} rundet op; rapporten: ca. {approx})"

    lines = [
        "Investeringsmodel (Bilag B) – kommunaløkonomisk gevinst pr. år for én medarbejder",
        "Gennemsnitsbetragtninger og antagelser som i rapporten; et planlægningsværktøj, ikke en prognose.",
        "",
        f"Årlig lønudgift:            ca. {_num(r.annual_cost_dkk)} kr.  "
        f"({_num(a.adviser_hours_per_month, 1 if a.adviser_hours_per_month % 1 else 0)} t/md. × 12 md. × "
        f"{_num(a.hourly_rate_dkk)} kr. = {_num(r.annual_cost_unrounded_dkk)} kr.)",
        f"Afsluttede forløb pr. år:   {_num(a.completions_per_year)}",
        f"  ordinær beskæftigelse:    {r.citizens_into_job} borgere ({_pct(a.job_share)}; "
        f"{_num(r.citizens_into_job_exact, 2)})",
        f"  uddannelse:               {r.citizens_into_education} borgere ({_pct(a.education_share)})",
        f"  erhvervsaktive:           {r.citizens_active} borgere ({_pct(a.active_share)})",
        f"Kommunal skatteindtægt:     {r.citizens_into_job} × {_num(a.municipal_tax_per_citizen_dkk)} kr. = "
        f"{_num(r.municipal_tax_total_dkk)} kr.  (årsløn {_num(a.annual_wage_dkk)} kr. for "
        f"{_num(a.weekly_hours)} timer/uge)",
        f"Gevinst efter 1 år:         {_num(r.net_gain_year_1_dkk)} kr.  "
        f"({_num(r.municipal_tax_total_dkk)} − {_num(r.annual_cost_dkk)})",
        f"Break-even på skat:         "
        f"{be(r.break_even_citizens_tax, r.break_even_citizens_tax_needed, r.break_even_citizens_tax_approx)}"
        " i ordinær beskæftigelse",
        "",
        f"Resultattilskud:            {_num(a.result_subsidy_dkk)} kr. pr. borger i job eller uddannelse, "
        "kun inden for integrationsprogrammet",
        f"  andel i programmet:       {_pct(a.share_in_integration_programme)} → "
        f"{r.citizens_with_result_subsidy} borgere = {_num(r.result_subsidy_total_dkk)} kr.",
        "Break-even på resultattilskud: "
        + be(
            r.break_even_citizens_result_subsidy,
            r.break_even_citizens_result_subsidy_needed,
            r.break_even_citizens_result_subsidy_approx,
        )
        + " i job eller uddannelse",
        f"Gevinst inkl. resultattilskud: {_num(r.net_gain_with_result_subsidy_dkk)} kr.",
    ]
    return "\n".join(lines)
