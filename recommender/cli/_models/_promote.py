"""``recommender models promote VERSION --by NAME --reason TEXT`` and ``recommender models rollback
--by NAME --reason TEXT``: change the model in use. NAME must be an analyst; the change is recorded in
the audit trail, and the running service switches to it without a restart
(:mod:`recommender.cases.champion`)."""

from __future__ import annotations

import argparse

from recommender.cli._db import add_database_flag, open_from_args

__all__ = ["add_change_flags", "register", "report_change"]


def add_change_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--by", required=True, metavar="NAME", help="analytikeren / the analyst (a user name)")
    p.add_argument("--reason", required=True, metavar="TEXT", help="skriftlig begrundelse / written reason")
    add_database_flag(p)


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("promote", help="tag en model i brug / make a model the one in use",
                              description=__doc__)
    p.add_argument("version", metavar="VERSION", help="en registreret version / a registered version")
    add_change_flags(p)
    p.set_defaults(func=_run)


def report_change(args: argparse.Namespace, change) -> int:  # type: ignore[no-untyped-def]
    db = open_from_args(args)
    try:
        with db.session() as session:
            event = change(session)
            line = (f"{event.action}: {event.model.version} er nu i brug / is now in use "
                    f"(#{event.id}, af/by {event.by})")
    finally:
        db.dispose()
    print(line)
    return 0


def _run(args: argparse.Namespace) -> int:
    from recommender.cases import registry

    return report_change(args, lambda s: registry.promote(s, args.version, args.by, args.reason))
