"""``recommender cohort export --database URL --out COHORT.csv [--since DATE] [--until DATE]``: the
closed cases of the decision log as a cohort file (spec §10), for retraining and comparison.

Writes the intake record stored with each recommendation, the offer the citizen actually had, the
outcome, the duration and the dates; ids are pseudonyms; municipalities with fewer than ``--min-cell``
closed cases are written as ``other``. A summary per municipality and outcome goes to stderr (cells
under ``--min-cell`` shown as ``<N``). See :mod:`recommender.cases.export`.
"""

from __future__ import annotations

import argparse
import sys

from recommender.cli._db import add_database_flag, open_from_args
from recommender.cli._options import iso_date

__all__ = ["register"]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "cohort",
        help="kohortefiler fra databasen / cohort files from the database",
        description="Afsluttede forløb som kohortefil / closed cases as a cohort file.",
    )
    actions = p.add_subparsers(dest="cohort_action", metavar="ACTION")
    actions.required = True
    exp = actions.add_parser(
        "export",
        help="eksportér afsluttede forløb / export closed cases",
        description=__doc__.split("\n\n")[1] if __doc__ else None,
    )
    exp.add_argument("--out", required=True, metavar="COHORT.csv", help="kohortefil / cohort file to write")
    exp.add_argument(
        "--since", type=iso_date, metavar="DATE", help="afsluttet fra og med / closed on or after"
    )
    exp.add_argument(
        "--until", type=iso_date, metavar="DATE", help="afsluttet til og med / closed on or before"
    )
    exp.add_argument(
        "--min-cell",
        type=int,
        default=5,
        metavar="N",
        help="mindste celle / smallest cell written (default 5)",
    )
    add_database_flag(exp)
    exp.set_defaults(func=run_export)


def run_export(args: argparse.Namespace) -> int:
    from recommender.cases import audit
    from recommender.cases.export import export_cohort, summary_lines, summary_total

    db = open_from_args(args)
    try:
        with db.session() as session:
            cases = export_cohort(
                session, args.out, since=args.since, until=args.until, min_cell=args.min_cell
            )
            audit.record(
                session,
                "cohort.export",
                status=200,
                actor="cli",
                detail=f"cases={len(cases.frame)} since={args.since} until={args.until} "
                f"pooled={len(cases.pooled)}",
            )
    finally:
        db.dispose()
    for line in summary_lines(cases, args.min_cell):
        print(line, file=sys.stderr)
    pooled = (
        f"; {len(cases.pooled)} kommuner under {args.min_cell} forløb skrevet som 'other'"
        if cases.pooled
        else ""
    )
    total = summary_total(cases, args.min_cell)
    print(f"{total} afsluttede forløb / closed cases → {args.out}{pooled}", file=sys.stderr)
    return 0
