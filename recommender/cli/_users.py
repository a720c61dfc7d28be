"""``recommender users add NAME --role adviser|analyst|admin [--municipality M]``; ``users list``.

The password is read from standard input (one line; from the terminal without echo), hashed with
Argon2id and never stored or shown in clear.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from recommender.cli._db import add_database_flag, open_from_args


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "users",
        help="brugere / user accounts",
        description="Brugerkonti til tjenesten / accounts of the adviser service.",
    )
    actions = p.add_subparsers(dest="users_action", metavar="ACTION")
    actions.required = True
    add = actions.add_parser(
        "add",
        help="opret bruger (adgangskode fra standard input) / add a user (password from standard input)",
    )
    add.add_argument("name", metavar="NAME")
    add.add_argument(
        "--role",
        required=True,
        metavar="adviser|analyst|admin",
        help="rådgiver, analytiker eller administrator / role",
    )
    add.add_argument("--municipality", metavar="M", help="kommune (påkrævet for rådgivere) / municipality")
    add_database_flag(add)
    add.set_defaults(func=run_add)
    ls = actions.add_parser("list", help="vis brugere / list users")
    add_database_flag(ls)
    ls.set_defaults(func=run_list)


def read_password() -> str:
    """One line from standard input (the terminal without echo); the newline is not part of it."""
    from recommender import RecommenderError

    if sys.stdin is None:
        raise RecommenderError("password: expected it on standard input / adgangskoden på standard input")
    if sys.stdin.isatty():
        return getpass.getpass("Adgangskode / password: ")
    line = sys.stdin.readline()
    if not line:
        raise RecommenderError("password: expected one line on standard input; got nothing / fik intet")
    return line.rstrip("\r\n")


def run_add(args: argparse.Namespace) -> int:
    from recommender.cases import accounts

    accounts.check_user(args.name, args.role, args.municipality)
    db = open_from_args(args)
    password = read_password()
    try:
        with db.session() as session:
            user = accounts.add_user(session, args.name, args.role, password, args.municipality)
            print(
                f"bruger/user {user.name} oprettet/added ({user.role}"
                f"{', ' + user.municipality if user.municipality else ''})",
                file=sys.stderr,
            )
    finally:
        db.dispose()
    return 0


def run_list(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from recommender.cases.tables import User

    db = open_from_args(args)
    try:
        with db.session() as session:
            for user in session.scalars(select(User).order_by(User.name)):
                state = "" if user.active else "\tdisabled"
                print(f"{user.name}\t{user.role}\t{user.municipality or '-'}{state}")
    finally:
        db.dispose()
    return 0
