"""The adviser's decision on a recommendation (``POST /api/v1/recommendations/{id}/decision``, the
web page's decision form), final once made.

A decision names the offer the adviser chose. When it is not the first advised offer (or every offer
was blocked), a reason code (:data:`recommender.phrases.DECISION_REASONS`) is required (422 without it);
``other`` also needs a comment. A second decision on the same recommendation is 409: the database's
unique constraint decides, so two advisers racing get one 201 and one 409.
"""

from __future__ import annotations

import re

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from recommender.cases import audit
from recommender.cases.audit import deny
from recommender.cases.errors import CaseError, invalid
from recommender.cases.inputs import DecisionIn
from recommender.cases.keys import Pseudonymiser
from recommender.cases.recommendations import find
from recommender.cases.tables import Decision, User, utcnow
from recommender.errors import did_you_mean
from recommender.phrases import DECISION_REASONS as REASONS
from recommender.text import has_cpr
from recommender.vocab import OFFER

__all__ = ["check_comment", "decide", "parse_offer"]

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def parse_offer(value: str, field: str = "offer") -> str:
    """An offer code from a code or a Danish/English label, else 422 naming ``field``."""
    code = OFFER.parse(value) if isinstance(value, str) else None
    if code is None:
        words = [w for item in OFFER.items for w in (item.code, item.da, item.en)]
        hint = did_you_mean(value, words)
        raise invalid(
            field,
            f"one of {', '.join(OFFER.codes)}",
            f"et af {', '.join(OFFER.codes)}",
            value,
            suggestion=OFFER.parse(hint) if hint else None,
        )
    return code


def check_comment(value: str | None) -> str | None:
    """Free text: stripped, no control characters, never a CPR number (not echoed)."""
    if value is None or not value.strip():
        return None
    if _CONTROL.search(value):
        raise invalid("comment", "text without control characters", "tekst uden kontroltegn", value)
    if has_cpr(value):
        raise invalid("comment", "text without CPR numbers", "tekst uden CPR-numre", value, show=False)
    return value.strip()


def decide(
    session: Session, pseudonyms: Pseudonymiser, user: User, recommendation_id: str, body: DecisionIn
) -> Decision:
    """Validate and store the decision with its audit event (committed); 409 when one exists."""
    row = find(session, user, recommendation_id, "decision.create")
    if row.decision is not None:  # final: any second decision is refused, whatever it says
        raise deny(session, _conflict(), "decision.create", user, f"recommendation:{row.public_id}")
    offer = parse_offer(body.offer)
    comment = check_comment(body.comment)
    reason = body.reason.strip() if body.reason and body.reason.strip() else None
    if reason is not None and reason not in REASONS:
        raise invalid(
            "reason",
            f"one of {', '.join(REASONS)} or null",
            f"en af {', '.join(REASONS)} eller null",
            body.reason,
            suggestion=did_you_mean(reason, REASONS),
        )
    followed = row.top_offer is not None and offer == row.top_offer
    if not followed and reason is None:
        raise invalid(
            "reason",
            f"a reason code ({', '.join(REASONS)}) when the offer is not the first "
            f"advised one ({row.top_offer})",
            f"en begrundelse ({', '.join(REASONS)}), når "
            f"tilbuddet ikke er det først anbefalede ({row.top_offer})",
            None,
        )
    if reason == "other" and comment is None:
        raise invalid(
            "comment",
            "a comment when the reason is 'other'",
            "en kommentar, når begrundelsen er 'other'",
            body.comment,
        )
    decision = Decision(
        recommendation_id=row.id,
        offer=offer,
        followed=followed,
        reason=reason,
        comment=comment,
        adviser_id=user.id,
        decided_at=utcnow(),
    )
    resource = f"recommendation:{row.public_id}"  # read now: a failed flush expires the row
    try:
        session.add(decision)
        session.flush()  # the unique constraint speaks here if another request decided in between
        audit.record(
            session,
            "decision.create",
            status=201,
            user=user,
            resource=resource,
            model_version=row.model_version,
            rules_version=row.rules_version,
            input_hash=pseudonyms.input_hash(body.model_dump()),
            detail=f"offer={offer} followed={followed} reason={reason}",
        )
        session.commit()
    except IntegrityError:
        raise deny(session, _conflict(), "decision.create", user, resource) from None
    return decision


def _conflict() -> CaseError:
    return CaseError(
        409,
        "decision_exists",
        field="recommendation_id",
        da="Der er allerede truffet en beslutning; beslutninger er endelige.",
        en="A decision has already been made; decisions are final.",
    )
