"""``recommender models register PATH [--by NAME] [--database URL]``: register a model file; prints
the model's version alone on standard output (for scripts:
``V=$(recommender models register m.p500model)``)."""

from __future__ import annotations

import argparse
import getpass
import sys

from recommender.cli._db import add_database_flag, open_from_args

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "register", help="registrér en modelfil / register a model file", description=__doc__
    )
    p.add_argument("path", metavar="PATH", help="modelfil / model file")
    p.add_argument("--by", metavar="NAME", help="hvem registrerer / who registers (default: your login)")
    add_database_flag(p)
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from recommender.cases import registry

    by = args.by or getpass.getuser()
    db = open_from_args(args)
    try:
        with db.session() as session:
            record = registry.register(session, args.path, by)
            version = record.version
    finally:
        db.dispose()
    print(version)
    print(f"registreret / registered: {version} ({args.path}, af/by {by})", file=sys.stderr)
    return 0
