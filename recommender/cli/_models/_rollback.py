"""``recommender models rollback --by NAME --reason TEXT``: return to the model in use before the
current one (see ``models promote``)."""

from __future__ import annotations

import argparse

from recommender.cli._models._promote import add_change_flags, report_change

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "rollback", help="tilbage til den forrige model / back to the previous model", description=__doc__
    )
    add_change_flags(p)
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from recommender.cases import registry

    return report_change(args, lambda s: registry.rollback(s, args.by, args.reason))
