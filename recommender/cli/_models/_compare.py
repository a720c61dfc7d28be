"""``recommender models compare [CHALLENGER] [--champion VERSION] [--cohort FILE | --since DATE
[--until DATE]] [--json]``: the model in use (champion) against a registered candidate (challenger)
on the same held-out closed cases, with paired bootstrap intervals and a one-line verdict
(:func:`recommender.analysis.compare.compare_models`).

Defaults: the champion is the registry's model in use, the challenger the newest registered model
that is not. The held-out cases are ``--cohort FILE``, else the database's closed cases closed in
``--since``–``--until`` (give a period the challenger was not trained on: the comparison warns when
the cases are a model's own training cohort). The comparison is recorded in the audit trail.
"""

from __future__ import annotations

import argparse
import json
import sys

from recommender.cli._db import add_database_flag, open_from_args
from recommender.cli._options import iso_date

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "compare", help="model i brug mod kandidat / champion vs challenger", description=__doc__
    )
    p.add_argument(
        "challenger", nargs="?", metavar="CHALLENGER", help="registreret version / registered version"
    )
    p.add_argument("--champion", metavar="VERSION", help="default: modellen i brug / the model in use")
    p.add_argument("--cohort", metavar="FILE", help="afsluttede forløb, holdt ude / held-out closed cases")
    p.add_argument("--since", type=iso_date, metavar="DATE", help="afsluttet fra og med / closed on or after")
    p.add_argument(
        "--until", type=iso_date, metavar="DATE", help="afsluttet til og med / closed on or before"
    )
    p.add_argument(
        "--n-bootstrap", type=int, default=500, metavar="N", help="bootstrap resamples (default 500)"
    )
    p.add_argument("--json", action="store_true", help="JSON på standard output")
    add_database_flag(p)
    p.set_defaults(func=_run)


def _pick(session, args):  # type: ignore[no-untyped-def]
    from recommender.cases import registry

    if args.champion:
        champion = registry.find(session, args.champion)
    else:
        event = registry.champion(session)
        if event is None:
            raise registry.RegistryError(
                "--champion: no model is in use in the registry yet / ingen model i "
                "brug; promote one first or give --champion VERSION"
            )
        champion = event.model
    if args.challenger:
        challenger = registry.find(session, args.challenger)
    else:
        others = [m for m in registry.list_models(session) if m.id != champion.id]
        if not others:
            raise registry.RegistryError(
                "CHALLENGER: no registered model besides the champion / ingen "
                "kandidat; run `recommender models register PATH` first"
            )
        challenger = others[-1]
    if challenger.id == champion.id:
        raise registry.RegistryError(
            f"CHALLENGER: {challenger.version} is the champion itself / er modellen i brug"
        )
    return champion, challenger


def _run(args: argparse.Namespace) -> int:
    import tempfile
    from pathlib import Path

    from recommender import load_model
    from recommender.analysis.compare import compare_models
    from recommender.cases import audit, registry
    from recommender.cases.export import closed_cases
    from recommender.errors import RecommenderError

    if args.cohort and (args.since or args.until):
        raise RecommenderError("--cohort: give either --cohort FILE or --since/--until, not both")
    db = open_from_args(args)
    try:
        with db.session() as session, tempfile.TemporaryDirectory(prefix="p500-compare-") as tmp:
            champion, challenger = _pick(session, args)
            models = [load_model(registry.local_copy(m, Path(tmp))) for m in (champion, challenger)]
            cohort = args.cohort or closed_cases(session, since=args.since, until=args.until).frame
            result = compare_models(cohort, models[0], models[1], n_bootstrap=args.n_bootstrap)
            audit.record(
                session,
                "model.compare",
                status=200,
                actor="cli",
                resource=f"model:{challenger.version}",
                model_version=champion.version,
                detail=f"champion={champion.version} challenger={challenger.version} "
                f"cases={result.n_evaluated} verdict={result.verdict} promote={result.promote}",
            )
    finally:
        db.dispose()
    print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) if args.json else result.text())
    if any(result.in_sample.values()):
        print(
            "advarsel/warning: de sammenlignede forløb er en models træningsdata (in-sample)", file=sys.stderr
        )
    return 0
