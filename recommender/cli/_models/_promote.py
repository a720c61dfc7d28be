"""``recommender models promote VERSION --by NAME --reason TEXT [--against-verdict TEXT]`` and
``recommender models rollback --by NAME --reason TEXT``: change the model in use. NAME must be an
analyst; the change is recorded in the audit trail, and the running service switches to it without a
restart (:mod:`recommender.cases.champion`).

A promotion follows the comparison: when a model is in use, ``promote`` reads the last ``models compare``
of VERSION against it from the audit trail. When that comparison says *dårligere* or *ingen sikker
forskel* (don't promote), or there is none, the promotion is refused unless ``--against-verdict`` gives a
written reason (at least 10 characters) for going against it; that reason and the verdict are recorded
with the promotion (``model.promote`` in the audit trail) and said on stderr.
"""

from __future__ import annotations

import argparse
import re
import sys

from recommender.cli._db import add_database_flag, open_from_args

__all__ = ["add_change_flags", "last_comparison", "register", "report_change"]

# What ``models compare`` writes in its audit event's detail.
_COMPARED = re.compile(r"champion=(\S+) challenger=(\S+) cases=(\d+) verdict=(\S+) promote=(True|False)")


def add_change_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--by", required=True, metavar="NAME", help="analytikeren / the analyst (a user name)")
    p.add_argument("--reason", required=True, metavar="TEXT", help="skriftlig begrundelse / written reason")
    add_database_flag(p)


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "promote", help="tag en model i brug / make a model the one in use", description=__doc__
    )
    p.add_argument("version", metavar="VERSION", help="en registreret version / a registered version")
    add_change_flags(p)
    p.add_argument(
        "--against-verdict",
        metavar="TEXT",
        help="skriftlig begrundelse for at forfremme mod sammenligningens dom / written reason to "
        "promote although models compare said worse or uncertain",
    )
    p.set_defaults(func=_run)


def report_change(args: argparse.Namespace, change) -> int:  # type: ignore[no-untyped-def]
    db = open_from_args(args)
    try:
        with db.session() as session:
            event = change(session)
            line = (
                f"{event.action}: {event.model.version} er nu i brug / is now in use "
                f"(#{event.id}, af/by {event.by})"
            )
    finally:
        db.dispose()
    print(line)
    return 0


def last_comparison(session, champion: str, challenger: str) -> tuple[str, bool] | None:  # type: ignore[no-untyped-def]
    """``(verdict, promote)`` of the newest ``models compare`` of ``challenger`` against ``champion``."""
    from sqlalchemy import select

    from recommender.cases.tables import AuditEvent

    events = session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.action == "model.compare",
            AuditEvent.resource == f"model:{challenger}",
            AuditEvent.model_version == champion,
        )
        .order_by(AuditEvent.id.desc())
    )
    for event in events:
        found = _COMPARED.search(event.detail or "")
        if found and (found.group(1), found.group(2)) == (champion, challenger):
            return found.group(4), found.group(5) == "True"
    return None


def _run(args: argparse.Namespace) -> int:
    from recommender.cases import registry

    def change(session):  # type: ignore[no-untyped-def]
        registry.check_analyst(session, args.by)  # who may promote is said before anything else
        reason = args.reason
        current = registry.champion(session)
        against = " ".join(str(args.against_verdict or "").split())
        if current is not None and current.model.version != args.version:
            compared = last_comparison(session, current.model.version, args.version)
            verdict = compared[0] if compared else "not_compared"
            if compared is not None and compared[1]:
                if args.against_verdict is not None:
                    raise registry.RegistryError(
                        f"--against-verdict: models compare said {verdict} (promote) for {args.version}; "
                        "there is no verdict to go against / dommen siger forfrem, udelad --against-verdict"
                    )
            elif len(against) < registry.MIN_REASON:
                said = (
                    f"models compare said {verdict} (don't promote / forfrem ikke)"
                    if compared
                    else f"{args.version} has not been compared with {current.model.version}, "
                    f"the model in use (run `recommender models compare {args.version}`)"
                )
                raise registry.RegistryError(
                    f'--against-verdict: {said}; promote only with --against-verdict "a written reason of at '
                    f'least {registry.MIN_REASON} characters" / forfrem kun med en skriftlig begrundelse'
                    + (f"; got {against[:40]!r}" if args.against_verdict is not None else "")
                )
            else:
                if len(" ".join(str(args.reason or "").split())) >= registry.MIN_REASON:
                    reason = f"{args.reason} | against verdict {verdict}: {against}"
                print(
                    f"advarsel/warning: {args.version} forfremmes mod sammenligningens dom / "
                    f"promoted against the comparison's verdict ({verdict}); "
                    "the reason is in the audit trail",
                    file=sys.stderr,
                )
        return registry.promote(session, args.version, args.by, reason)

    return report_change(args, change)
