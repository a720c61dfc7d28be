"""``recommender progression COHORT.csv [--json]``: the report's progression tables (spec §11)."""

from __future__ import annotations

import argparse
import json

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "progression",
        help="progressionstabeller / progression tables",
        description="Andele ja/delvist/nej ved start og afslutning og relativ progression (pp) for de "
        "fem kriterier og netværk, for afsluttet i arbejdsstyrken, anden årsag og alle. / "
        "Shares at intake and closing and relative progression per criterion and group.",
    )
    parser.add_argument("cohort", metavar="COHORT.csv", help="kohortefil / cohort CSV file")
    parser.add_argument(
        "--json",
        action="store_true",
        help="JSON {criterion: {group: {answer: {intake, closing, progression}}}}",
    )
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from recommender.analysis.progression import progression_tables, render_progression
    from recommender.cohort import read_cohort

    report = progression_tables(read_cohort(args.cohort))
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(render_progression(report))
    return 0
