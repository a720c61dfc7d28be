"""``POST /api/v1/citizens/{citizen_id}/closure``: the result of the citizen's case when it closes.

The closure is attached to the citizen's newest recommendation in the adviser's municipality; it
records the offer the citizen had, the outcome, the closing date and the duration, which later feed
retraining. 404 when the citizen has no recommendation there; 409 when that case is already closed.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from recommender.errors import did_you_mean
from recommender.vocab import OUTCOME
from recommender.service import audit
from recommender.service.citizens import CitizenId, citizen_ref, history
from recommender.service.decisions import parse_offer
from recommender.service.deps import DbSession, Pseudonyms, deny
from recommender.service.errors import ApiError, invalid
from recommender.service.keys import Pseudonymiser
from recommender.service.recommendations import ERRORS, Adviser
from recommender.service.schemas import ClosureIn, ClosureOut
from recommender.service.tables import Closure, User, utcnow

__all__ = ["close", "router"]

router = APIRouter(tags=["closures"])
MAX_DURATION = 3650


def _conflict() -> ApiError:
    return ApiError(409, "case_closed", field="citizen_id",
                    da="Borgerens seneste sag er allerede afsluttet.",
                    en="The citizen's latest case is already closed.")


def close(session: Session, pseudonyms: Pseudonymiser, user: User, citizen_id: str,
          body: ClosureIn) -> Closure:
    """Validate and store the closure with its audit event (committed)."""
    ref = citizen_ref(pseudonyms, citizen_id)
    offer = parse_offer(body.offer)
    outcome = OUTCOME.parse(body.outcome)
    if outcome is None:
        raise invalid("outcome", f"one of {', '.join(OUTCOME.codes)}", f"et af {', '.join(OUTCOME.codes)}",
                      body.outcome, suggestion=did_you_mean(body.outcome, OUTCOME.codes))
    if body.closed > date.today():
        raise invalid("closed", "a date not in the future", "en dato, der ikke ligger i fremtiden",
                      body.closed.isoformat())
    if not 0 <= body.duration_days <= MAX_DURATION:
        raise invalid("duration_days", f"a whole number 0–{MAX_DURATION}", f"et heltal 0–{MAX_DURATION}",
                      body.duration_days)
    rows = history(session, user, ref)
    resource = f"citizen:{ref[:16]}"
    if not rows:
        raise deny(session, ApiError(404), "closure.create", user, resource)
    row = rows[0]
    if row.closure is not None:
        raise deny(session, _conflict(), "closure.create", user, resource)
    closure = Closure(recommendation_id=row.id, citizen_ref=ref, municipality=row.municipality,
                      offer=offer, outcome=outcome, closed=body.closed, duration_days=body.duration_days,
                      recorded_by=user.id, recorded_at=utcnow())
    try:
        session.add(closure)
        session.flush()  # the unique constraint speaks here if another request closed it in between
        audit.record(session, "closure.create", status=201, user=user,
                     resource=f"recommendation:{row.id}", model_version=row.model_version,
                     rules_version=row.rules_version,
                     input_hash=pseudonyms.input_hash(body.model_dump(mode="json")),
                     detail=f"offer={offer} outcome={outcome}")
        session.commit()
    except IntegrityError:
        raise deny(session, _conflict(), "closure.create", user, resource) from None
    return closure


@router.post("/citizens/{citizen_id}/closure", status_code=201, response_model=ClosureOut,
             responses=ERRORS, summary="Sagens afslutning / the case's closure")
def post_closure(session: DbSession, pseudonyms: Pseudonyms, user: Adviser, citizen_id: CitizenId,
                 body: ClosureIn) -> ClosureOut:
    c = close(session, pseudonyms, user, citizen_id, body)
    return ClosureOut(recommendation_id=c.recommendation_id, offer=c.offer, outcome=c.outcome,
                      closed=c.closed, duration_days=c.duration_days, recorded_by=user.name,
                      recorded_at=c.recorded_at)
