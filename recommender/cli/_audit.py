"""``recommender audit export --since DATE [--out FILE]``: the audit trail as JSON lines, for the data
protection officer (oldest first). The export itself is recorded in the trail."""

from __future__ import annotations

import argparse
import sys

from recommender.cli._db import add_database_flag, open_from_args
from recommender.cli._options import iso_date


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "audit",
        help="revisionsspor / audit trail",
        description="Revisionssporet / the audit trail (append-only).",
    )
    actions = p.add_subparsers(dest="audit_action", metavar="ACTION")
    actions.required = True
    exp = actions.add_parser("export", help="eksportér som JSON-linjer / export as JSON lines")
    exp.add_argument(
        "--since", required=True, type=iso_date, metavar="DATE", help="fra og med / from (YYYY-MM-DD)"
    )
    exp.add_argument("--out", metavar="FILE", help="fil (default: standard output) / output file")
    add_database_flag(exp)
    exp.set_defaults(func=run_export)


def run_export(args: argparse.Namespace) -> int:
    from recommender.cases import audit
    from recommender.files.output import atomic_output

    db = open_from_args(args)
    count = 0
    try:
        with db.session() as session:
            if args.out:  # a temporary file moved into place (owner-only, 0600): never half a file
                with atomic_output(args.out, "w", encoding="utf-8") as fh:
                    for line in audit.export(session, args.since):
                        fh.write(line + "\n")
                        count += 1
            else:
                for line in audit.export(session, args.since):
                    sys.stdout.write(line + "\n")
                    count += 1
            audit.record(
                session,
                "audit.export",
                status=200,
                actor="cli",
                detail=f"since={args.since.isoformat()} events={count}",
            )
    finally:
        db.dispose()
    print(f"{count} hændelser/events siden/since {args.since.isoformat()}", file=sys.stderr)
    return 0
