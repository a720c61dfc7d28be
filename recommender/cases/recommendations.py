"""Making a recommendation for a case and finding it again (the API's ``POST /api/v1/recommendations``
and the web page's intake form both call :func:`create`).

:func:`create` validates the intake record, calls ``recommend()`` with the served model and rules (the
function ``recommender recommend`` calls) and stores the record (id pseudonymised), the §8 contract,
both versions, the first advised offer and the typology with an audit event, in one transaction.
:func:`find` gives a stored recommendation to an adviser of its municipality only (else 404, audited).
:func:`open_same` finds the open recommendation the same answers already gave (the web page shows it
again instead of storing a second one the same day).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from recommender import Citizen
from recommender.cases import audit
from recommender.cases.audit import deny
from recommender.cases.engine import RecommenderEngine
from recommender.cases.errors import CaseError
from recommender.cases.keys import Pseudonymiser
from recommender.cases.tables import RecommendationRow, User, utcnow
from recommender.vocab import RULE_ONLY

__all__ = ["create", "find", "open_same", "stored_intake"]

# Core, compiled once: no per-call ORM value coercion or cache key of the values
_INSERT = insert(cast(Table, RecommendationRow.__table__))


def create(
    session: Session, engine: RecommenderEngine, pseudonyms: Pseudonymiser, user: User, body: object
) -> tuple[int, dict[str, Any]]:
    """Validate, recommend, store and audit (one transaction, committed); return the new id and the
    §8 contract exactly as ``recommend(...).to_dict()`` gave it."""
    citizen = Citizen.from_dict(body)  # type: ignore[arg-type]  # InvalidCitizenError (422 by field)
    if citizen.municipality.casefold() != (user.municipality or "").casefold():
        raise deny(
            session,
            CaseError(
                403,
                "other_municipality",
                field="municipality",
                da=f"municipality (kommune): du kan kun oprette anbefalinger for {user.municipality}",
                en=f"municipality: you can only create recommendations for {user.municipality}",
            ),
            "recommendation.create",
            user,
            input_hash=pseudonyms.input_hash(body),
        )
    rec = engine.recommend(citizen)
    contract = rec.to_dict()
    ref = pseudonyms.citizen(citizen.citizen_id)
    result = session.execute(
        _INSERT,  # a plain INSERT compiled once, the values as parameters: the hot path (issue 27)
        {
            "citizen_ref": ref,
            "municipality": citizen.municipality,
            "adviser_id": user.id,
            "created_at": utcnow(),
            "intake": stored_intake(citizen, ref),
            "contract": {**contract, "citizen_id": ref},
            "model_version": engine.model_version,
            "rules_version": engine.rules_version,
            "top_offer": rec.top_offer,
            "typology": rec.typology.code,
            "typology_rules": rec.typology.code,
            **{name: getattr(citizen, name) for name in RULE_ONLY},  # issue 26: the rules-only fields
        },
    )
    new_id = int(result.inserted_primary_key[0])  # type: ignore[attr-defined]
    audit.record(
        session,
        "recommendation.create",
        status=201,
        user=user,
        resource=f"recommendation:{new_id}",
        model_version=engine.model_version,
        rules_version=engine.rules_version,
        input_hash=pseudonyms.input_hash(body),
    )
    session.commit()
    return new_id, contract


def find(session: Session, user: User, recommendation_id: int, action: str) -> RecommendationRow:
    """The recommendation if it belongs to the adviser's municipality, else 404 (audited)."""
    row = session.get(RecommendationRow, recommendation_id)
    if row is None or row.municipality.casefold() != (user.municipality or "").casefold():
        raise deny(session, CaseError(404), action, user, f"recommendation:{recommendation_id}")
    return row


def stored_intake(citizen: Citizen, ref: str) -> dict[str, Any]:
    """The intake record as it is stored: the validated record, its citizen id replaced by the pseudonym."""
    return {**citizen.to_dict(), "citizen_id": ref}


def open_same(
    session: Session,
    engine: RecommenderEngine,
    pseudonyms: Pseudonymiser,
    user: User,
    body: object,
    since: datetime,
) -> RecommendationRow | None:
    """The open recommendation (no decision yet) made at or after ``since`` in the adviser's
    municipality from exactly these answers, with the served model and rules; ``None`` when there is
    none. ``body`` is validated as :func:`create` validates it
    (:class:`~recommender.errors.InvalidCitizenError` before anything is read)."""
    citizen = Citizen.from_dict(body)  # type: ignore[arg-type]
    ref = pseudonyms.citizen(citizen.citizen_id)
    intake = json.loads(json.dumps(stored_intake(citizen, ref)))  # as the JSON column gives it back
    query = (
        select(RecommendationRow)
        .where(
            RecommendationRow.citizen_ref == ref,
            RecommendationRow.municipality == user.municipality,
            RecommendationRow.created_at >= since,
        )
        .order_by(RecommendationRow.created_at.desc(), RecommendationRow.id.desc())
    )
    for row in session.scalars(query):
        if (
            row.decision is None
            and row.intake == intake
            and row.model_version == engine.model_version
            and row.rules_version == engine.rules_version
        ):
            return row
    return None
