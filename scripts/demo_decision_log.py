"""Fill a practice database with synthetic closed cases, as advisers would record them in the service.

    python scripts/demo_decision_log.py --n 300 --seed 1 [--database URL]

For trying the analyst's learning loop (docs/analyst-guide.md § 8) without real data. It creates one
adviser per project municipality (``demo-<municipality>``, a random password nobody knows) and sends
each synthetic citizen (recommender.synth.decision_log) through the same functions the API routes call:
recommendation with the served model, decision, closure, each with its audit event. Two thirds of the
cases close from 2025-03-01, the rest from 2025-09-01. Never run it against a production database:
it refuses a database that already holds recommendations made by anyone but the demo advisers.
"""

from __future__ import annotations

import argparse
import secrets
import sys

from recommender.errors import RecommenderError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", metavar="URL", help="default: $RECOMMENDER_DATABASE_URL")
    args = parser.parse_args(argv)
    from sqlalchemy import func, select, update

    from recommender.cases import accounts, closures, decisions, recommendations
    from recommender.cases.db import open_database
    from recommender.cases.engine import load_engine
    from recommender.cases.inputs import ClosureIn, DecisionIn
    from recommender.cases.keys import Pseudonymiser, load_or_create_secret
    from recommender.cases.settings import load_settings
    from recommender.cases.tables import RecommendationRow, User
    from recommender.synth.decision_log import synthetic_cases
    from recommender.vocab import MUNICIPALITIES

    try:
        settings = load_settings(database_url=args.database)
        db = open_database(settings.resolved_database_url())
        key = (
            settings.pseudonym_key.get_secret_value().encode()
            if settings.pseudonym_key
            else load_or_create_secret(settings.data_dir, "pseudonym.key")
        )
        pseudonyms, engine = Pseudonymiser(key), load_engine(settings.model, settings.rules)
        users = {}
        with db.session() as session:
            others = session.scalar(
                select(func.count())
                .select_from(RecommendationRow)
                .join(User, User.id == RecommendationRow.adviser_id)
                .where(~User.name.startswith("demo-"))
            )
            if others:
                raise RecommenderError(
                    f"--database: holds {others} recommendations by real advisers; "
                    "the demo fills practice databases only"
                )
            for m in MUNICIPALITIES:
                name = "demo-" + m.lower().replace("ø", "oe").replace("å", "aa").replace("æ", "ae")
                user = session.scalar(select(User).where(User.name == name))
                users[m] = user or accounts.add_user(
                    session, name, "adviser", secrets.token_hex(16), m, by="demo"
                )
        for case in synthetic_cases(args.n, args.seed):
            session = db.sessions()
            try:
                user = session.merge(users[case.intake["municipality"]])
                rec_id, contract = recommendations.create(session, engine, pseudonyms, user, case.intake)
                top = contract["top_offer"]
                decisions.decide(session, pseudonyms, user, rec_id, DecisionIn(**case.decision(top)))
                # practice data: the case was recommended when it started (a closure never predates it)
                session.execute(
                    update(RecommendationRow)
                    .where(RecommendationRow.public_id == rec_id)
                    .values(created_at=case.recommended_at)
                )
                session.commit()
                closures.close(
                    session, pseudonyms, user, case.intake["citizen_id"], ClosureIn(**case.closure(top))
                )
            finally:
                session.close()
        db.dispose()
    except RecommenderError as exc:
        print(f"fejl/error: {exc}", file=sys.stderr)
        return 2
    print(
        f"{args.n} syntetiske afsluttede forløb / synthetic closed cases → "
        f"{settings.resolved_database_url()}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
