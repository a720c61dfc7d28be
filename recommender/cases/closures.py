"""The result of the citizen's case when it closes (``POST /api/v1/citizens/{citizen_id}/closure``).

The closure is attached to the citizen's newest recommendation in the adviser's municipality; it
records the offer the citizen had, the outcome, the closing date and the duration, which later feed
retraining. 404 when the citizen has no recommendation there; 409 when that case is already closed.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from recommender.cases import audit
from recommender.cases.audit import deny
from recommender.cases.citizens import citizen_ref, history
from recommender.cases.decisions import parse_offer
from recommender.cases.errors import CaseError, invalid
from recommender.cases.inputs import ClosureIn
from recommender.cases.keys import Pseudonymiser
from recommender.cases.tables import Closure, User, utcnow
from recommender.errors import did_you_mean
from recommender.vocab import OUTCOME

__all__ = ["MAX_DURATION", "close"]

MAX_DURATION = 3650


def _conflict() -> CaseError:
    return CaseError(
        409,
        "case_closed",
        field="citizen_id",
        da="Borgerens seneste sag er allerede afsluttet.",
        en="The citizen's latest case is already closed.",
    )


def close(
    session: Session, pseudonyms: Pseudonymiser, user: User, citizen_id: str, body: ClosureIn
) -> Closure:
    """Validate and store the closure with its audit event (committed)."""
    ref = citizen_ref(pseudonyms, citizen_id)
    offer = parse_offer(body.offer)
    outcome = OUTCOME.parse(body.outcome)
    if outcome is None:
        raise invalid(
            "outcome",
            f"one of {', '.join(OUTCOME.codes)}",
            f"et af {', '.join(OUTCOME.codes)}",
            body.outcome,
            suggestion=did_you_mean(body.outcome, OUTCOME.codes),
        )
    if body.closed > date.today():
        raise invalid(
            "closed",
            "a date not in the future",
            "en dato, der ikke ligger i fremtiden",
            body.closed.isoformat(),
        )
    if not 0 <= body.duration_days <= MAX_DURATION:
        raise invalid(
            "duration_days",
            f"a whole number 0–{MAX_DURATION}",
            f"et heltal 0–{MAX_DURATION}",
            body.duration_days,
        )
    rows = history(session, user, ref)
    resource = f"citizen:{ref[:16]}"
    if not rows:
        raise deny(session, CaseError(404), "closure.create", user, resource)
    row = rows[0]
    if body.closed < row.created_at.date():  # impossible: closed before it was recommended
        raise invalid(
            "closed",
            f"a date on or after the recommendation ({row.created_at.date().isoformat()})",
            f"en dato på eller efter anbefalingen ({row.created_at.date().isoformat()})",
            body.closed.isoformat(),
        )
    if row.closure is not None:
        raise deny(session, _conflict(), "closure.create", user, resource)
    closure = Closure(
        recommendation_id=row.id,
        citizen_ref=ref,
        municipality=row.municipality,
        offer=offer,
        outcome=outcome,
        closed=body.closed,
        duration_days=body.duration_days,
        recorded_by=user.id,
        recorded_at=utcnow(),
    )
    try:
        session.add(closure)
        session.flush()  # the unique constraint speaks here if another request closed it in between
        audit.record(
            session,
            "closure.create",
            status=201,
            user=user,
            resource=f"recommendation:{row.public_id}",
            model_version=row.model_version,
            rules_version=row.rules_version,
            input_hash=pseudonyms.input_hash(body.model_dump(mode="json")),
            detail=f"offer={offer} outcome={outcome}",
        )
        session.commit()
    except IntegrityError:
        raise deny(session, _conflict(), "closure.create", user, resource) from None
    return closure
