"""``recommender tokens issue NAME [--days N]`` prints a bearer token once, alone on standard output
(messages go to standard error); ``tokens revoke NAME [--id N]`` revokes the user's tokens."""

from __future__ import annotations

import argparse
import sys

from recommender.cli._db import add_database_flag, open_from_args


def _days(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 3650:
        raise argparse.ArgumentTypeError(f"expected a whole number 1–3650; got {text[:20]!r}")
    return int(text)


def _id(text: str) -> int:
    if not text.isdigit() or len(text) > 18:
        raise argparse.ArgumentTypeError(f"expected a token id (a whole number); got {text[:20]!r}")
    return int(text)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "tokens",
        help="API-tokens / bearer tokens",
        description="Bearer-tokens til API'et / bearer tokens for the API.",
    )
    actions = p.add_subparsers(dest="tokens_action", metavar="ACTION")
    actions.required = True
    issue = actions.add_parser("issue", help="udsted et token (vises én gang) / issue a token (shown once)")
    issue.add_argument("name", metavar="NAME")
    issue.add_argument(
        "--days",
        type=_days,
        default=None,
        metavar="N",
        help="gyldighed i dage / valid for N days (default $RECOMMENDER_TOKEN_DAYS or 90)",
    )
    add_database_flag(issue)
    issue.set_defaults(func=run_issue)
    revoke = actions.add_parser("revoke", help="tilbagekald tokens / revoke tokens")
    revoke.add_argument("name", metavar="NAME")
    revoke.add_argument("--id", type=_id, default=None, metavar="N", help="kun dette token / only this one")
    add_database_flag(revoke)
    revoke.set_defaults(func=run_revoke)


def run_issue(args: argparse.Namespace) -> int:
    from recommender.cases import accounts
    from recommender.cases.settings import load_settings

    days = args.days or load_settings().token_days
    db = open_from_args(args)
    try:
        with db.session() as session:
            text, token = accounts.issue_token(session, args.name, days)
            expires = token.expires_at.date().isoformat()
    finally:
        db.dispose()
    print(
        f"token {token.id} til/for {args.name}, gyldigt til/valid until {expires}; vises kun nu / "
        "shown only now",
        file=sys.stderr,
    )
    print(text)
    return 0


def run_revoke(args: argparse.Namespace) -> int:
    from recommender.cases import accounts

    db = open_from_args(args)
    try:
        with db.session() as session:
            count = accounts.revoke_tokens(session, args.name, args.id)
    finally:
        db.dispose()
    print(f"{count} token(s) tilbagekaldt/revoked for {args.name}", file=sys.stderr)
    return 0
