"""``recommender db upgrade [--database URL]``: create or migrate the service's database schema."""

from __future__ import annotations

import argparse
import sys

DATABASE_HELP = (
    "database-URL (default: $RECOMMENDER_DATABASE_URL, else the embedded SQLite file in the "
    "data directory), e.g. postgresql+psycopg://user@host/db"
)


def add_database_flag(parser: argparse.ArgumentParser) -> None:
    """The ``--database URL`` flag every database command takes."""
    parser.add_argument("--database", metavar="URL", help=DATABASE_HELP)


def database_url(args: argparse.Namespace) -> str:
    """The flag, else ``RECOMMENDER_DATABASE_URL``, else the embedded SQLite file."""
    from recommender.cases.settings import load_settings

    return load_settings(database_url=args.database).resolved_database_url()


def open_from_args(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The database named by ``--database`` (schema checked; an empty one is created)."""
    from recommender.cases.db import open_database

    return open_database(database_url(args))


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "db",
        help="databasens skema / the service database's schema",
        description="Opret eller opgradér tjenestens database / create or migrate the service database.",
    )
    actions = p.add_subparsers(dest="db_action", metavar="ACTION")
    actions.required = True
    up = actions.add_parser("upgrade", help="opgradér til nyeste skema / migrate to the newest schema")
    add_database_flag(up)
    up.set_defaults(func=run_upgrade)
    cur = actions.add_parser("current", help="vis skemaets version / show the schema version")
    add_database_flag(cur)
    cur.set_defaults(func=run_current)


def run_upgrade(args: argparse.Namespace) -> int:
    from recommender.cases.db import make_engine, shown_url, upgrade

    url = database_url(args)
    engine = make_engine(url)
    try:
        before, after = upgrade(engine)
    finally:
        engine.dispose()
    what = "allerede nyeste / already current" if before == after else f"{before or 'tom/empty'} → {after}"
    print(f"database {shown_url(url)}: skema/schema {after} ({what})", file=sys.stderr)
    return 0


def run_current(args: argparse.Namespace) -> int:
    from recommender.cases.db import current_revision, head_revision, make_engine

    engine = make_engine(database_url(args))
    try:
        current = current_revision(engine)
    finally:
        engine.dispose()
    print(f"{current or 'tom/empty'} (nyeste/head {head_revision()})")
    return 0
