"""The adviser's typology and what-if for a stored recommendation (issue 26), for the API and the page.

:func:`set_typology` sets the typology the adviser judges right: the recommendation is made again from
the stored intake record with that typology's preferred order and guidance (``recommend(...,
typology=, reason=)``, the served model and rules), stored in place of the old contract with the rules'
typology, the adviser's, her reason, who and when, and audited (``recommendation.typology``). It is
allowed until the decision is made (then 409: the decision followed the ranking shown). An unknown
typology or a missing reason is a 422 naming the field (``typology`` or ``reason``).

:func:`stored_what_if` gives :func:`~recommender.recommending.whatif.what_if` for the stored intake record
(with the adviser's typology, if set). It stores nothing and logs nothing: no recommendation row and no
audit event.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from recommender import Citizen
from recommender.cases import audit
from recommender.cases.audit import deny
from recommender.cases.engine import RecommenderEngine
from recommender.cases.errors import CaseError, invalid
from recommender.cases.inputs import TypologyIn
from recommender.cases.recommendations import find, lookup
from recommender.cases.tables import RecommendationRow, User, utcnow
from recommender.errors import InvalidOverrideError
from recommender.recommending.whatif import what_if
from recommender.vocab import TYPOLOGY

__all__ = ["find_for_what_if", "set_typology", "stored_what_if"]

#: The API names the reason ``reason``; the domain names it ``typology_reason``.
_API_FIELD = {"typology": "typology", "typology_reason": "reason"}


def _citizen(row: RecommendationRow) -> Citizen:
    """The stored intake record (its id is the pseudonym, shown nowhere; a placeholder id is used)."""
    return Citizen.from_dict({**row.intake, "citizen_id": "rec-stored"})


def _refusal(exc: InvalidOverrideError) -> CaseError:
    problem = exc.problems[0]
    field = _API_FIELD.get(problem.field, problem.field)
    allowed = ", ".join(f"{i.code} ({i.da})" for i in TYPOLOGY.items)
    if field == "typology":
        return invalid(
            field, f"one of {allowed}", f"en af {allowed}", problem.value, suggestion=problem.suggestion
        )
    return invalid(
        field,
        "a reason for the adviser's typology (required; text without CPR numbers)",
        "en begrundelse for rådgiverens typologi (påkrævet; tekst uden CPR-numre)",
        problem.value,
        show=problem.show,
    )


def set_typology(
    session: Session, engine: RecommenderEngine, user: User, recommendation_id: str, body: TypologyIn
) -> RecommendationRow:
    """Recommend again with the adviser's typology, store it in place, audit it (committed)."""
    action = "recommendation.typology"
    row = find(session, user, recommendation_id, action)
    resource = f"recommendation:{row.public_id}"
    if row.decision is not None:
        raise deny(
            session,
            CaseError(
                409,
                "decision_exists",
                field="recommendation_id",
                da="Beslutningen er truffet; typologien kan kun sættes før beslutningen.",
                en="The decision has been made; the typology can only be set before the decision.",
            ),
            action,
            user,
            resource,
        )
    if body.typology is None:  # the endpoint sets a typology: one must be given (422, not a silent re-run)
        allowed = ", ".join(f"{i.code} ({i.da})" for i in TYPOLOGY.items)
        raise deny(
            session,
            invalid("typology", f"one of {allowed}", f"en af {allowed}", None),
            action,
            user,
            resource,
        )
    try:
        rec = engine.recommend(_citizen(row), typology=body.typology, reason=body.reason)
    except InvalidOverrideError as exc:
        raise deny(session, _refusal(exc), action, user, resource) from None
    override = rec.typology_override
    assert override is not None
    row.contract = {**rec.to_dict(), "citizen_id": row.citizen_ref}
    row.top_offer, row.typology = rec.top_offer, rec.typology.code
    row.model_version, row.rules_version = engine.model_version, engine.rules_version
    row.typology_rules, row.typology_adviser = override.rules_code, override.code
    row.typology_reason, row.typology_by, row.typology_at = override.reason, user.id, utcnow()
    row.typology_user = session.get(User, user.id)  # this session's instance of the adviser
    audit.record(
        session,
        action,
        status=200,
        user=user,
        resource=resource,
        model_version=engine.model_version,
        rules_version=engine.rules_version,
        detail=f"typology={override.code} rules={override.rules_code}",
    )
    session.commit()
    return row


def find_for_what_if(session: Session, user: User, recommendation_id: str) -> RecommendationRow:
    """The recommendation if it belongs to the adviser's municipality, else 404 (nothing is logged: a
    what-if reads and stores nothing); the same look-up as :func:`~recommender.cases.recommendations.find`."""
    return lookup(session, user, recommendation_id)


def stored_what_if(engine: RecommenderEngine, row: RecommendationRow) -> dict[str, Any]:
    """What-if for a stored recommendation (with the adviser's typology, if set); stores nothing."""
    result = what_if(
        _citizen(row),
        model=engine.model,
        rules=engine.rules,
        typology=row.typology_adviser,
        reason=row.typology_reason if row.typology_adviser else None,
    )
    return {**result.to_dict(), "citizen_id": row.citizen_ref}
