"""Making a recommendation for a case and finding it again (the API's ``POST /api/v1/recommendations``
and the web page's intake form both call :func:`create`).

:func:`create` validates the intake record, calls ``recommend()`` with the served model and rules (the
function ``recommender recommend`` calls) and stores the record (id pseudonymised), the §8 contract,
both versions, the first advised offer and the typology with an audit event, in one transaction.
:func:`find` gives a stored recommendation to an adviser of its municipality only (else 404, audited).
A recommendation is named outside the database by its opaque public id only (issue 28,
:mod:`recommender.cases.public_ids`); :func:`find` looks it up by that id and the adviser's
municipality in one query, so a missing id and another municipality's id do the same work, write the
same audit row and get the same answer.
:func:`open_same` finds the open recommendation the same answers already gave (the web page shows it
again instead of storing a second one the same day).
"""

from __future__ import annotations

import functools
import json
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Insert, Table, bindparam, func, insert, select
from sqlalchemy.orm import Session

from recommender import Citizen
from recommender.cases import audit
from recommender.cases.audit import deny
from recommender.cases.engine import RecommenderEngine
from recommender.cases.errors import CaseError
from recommender.cases.keys import Pseudonymiser
from recommender.cases.public_ids import PUBLIC_ID_LENGTH, is_public_id, new_public_id
from recommender.cases.tables import AuditEvent, RecommendationRow, User, utcnow
from recommender.vocab import RULE_ONLY

__all__ = ["create", "find", "lookup", "open_same", "stored_intake"]

# Core, compiled once: no per-call ORM value coercion or cache key of the values
_TABLE = cast(Table, RecommendationRow.__table__)
_INSERT = insert(_TABLE)
_EVENTS = cast(Table, AuditEvent.__table__)


@functools.cache
def _insert_with_event(columns: tuple[str, ...]) -> Insert:
    """PostgreSQL: the recommendation (these ``columns``) and its audit event in one statement (a
    data-modifying WITH runs to completion with the statement it belongs to, and a statement is atomic),
    so the write needs no BEGIN and COMMIT round trips (issue 27); built once per column set, from the
    row :func:`create` writes, so the two never disagree. SQLite has no INSERT inside WITH: two INSERTs
    there."""
    events = {c.name: bindparam(f"event_{c.name}", type_=c.type) for c in _EVENTS.columns if c.name != "id"}
    rows = {name: bindparam(f"row_{name}", type_=_TABLE.c[name].type) for name in columns}
    return insert(_EVENTS).values(events).add_cte(insert(_TABLE).values(rows).cte("recommendation"))


def create(
    session: Session, engine: RecommenderEngine, pseudonyms: Pseudonymiser, user: User, body: object
) -> tuple[str, dict[str, Any]]:
    """Validate, recommend, store and audit (one transaction, committed); return the new public id and
    the §8 contract exactly as ``recommend(...).to_dict()`` gave it."""
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
    public_id = new_public_id()
    row = {
        "public_id": public_id,
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
    }
    event = audit.event_values(
        "recommendation.create",
        status=201,
        user=user,
        resource=f"recommendation:{public_id}",
        model_version=engine.model_version,
        rules_version=engine.rules_version,
        input_hash=pseudonyms.input_hash(body),
    )
    if session.get_bind().dialect.name == "postgresql":
        if not session.in_transaction():
            session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        session.execute(
            _insert_with_event(tuple(row)),
            {**{f"row_{k}": v for k, v in row.items()}, **{f"event_{k}": v for k, v in event.items()}},
        )
    else:
        session.execute(_INSERT, row)  # a plain INSERT compiled once, the values as parameters (issue 27)
        audit.write_event(session, event)
    session.commit()
    return public_id, contract


def find(session: Session, user: User, recommendation_id: str, action: str) -> RecommendationRow:
    """The recommendation with this public id if it belongs to the adviser's municipality, else 404
    (audited): a missing id and another municipality's id are one and the same refusal."""
    try:
        return lookup(session, user, recommendation_id)
    except CaseError as exc:
        # the audit row names the id asked for when it is shaped like one (never an arbitrary string)
        shown = f"recommendation:{recommendation_id}" if is_public_id(recommendation_id) else None
        raise deny(session, exc, action, user, shown) from None


def lookup(session: Session, user: User, recommendation_id: str) -> RecommendationRow:
    """:func:`find` without the audit (what-if logs nothing): one query by (public id, municipality),
    whether the id is unknown or another municipality's, so both do the same work and nothing else of
    another municipality's row is read; 404 either way. A string not shaped like a public id is a 404
    that says what an id looks like (the value is not shown)."""
    if not is_public_id(recommendation_id):
        raise CaseError(
            404,
            "not_found",
            field="recommendation_id",
            da=f"recommendation_id: ikke et anbefalings-id (et id er {PUBLIC_ID_LENGTH} tegn A–Z a–z 0–9 "
            "- _, som POST /api/v1/recommendations gav det)",
            en=f"recommendation_id: not a recommendation id (an id is {PUBLIC_ID_LENGTH} characters "
            "A–Z a–z 0–9 - _, as POST /api/v1/recommendations returned it)",
        )
    query = select(RecommendationRow).where(
        RecommendationRow.public_id == recommendation_id,
        func.lower(RecommendationRow.municipality) == func.lower(user.municipality or ""),
    )
    row = session.scalars(query).one_or_none()
    if row is None:
        raise CaseError(404)
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
