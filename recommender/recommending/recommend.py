"""``recommend(citizen)``: rules and outcome model combined into a ranked, explained suggestion (spec §7–8).

The default rules and the built-in model are loaded once per process (``recommender.process_cache``,
thread-safe) and shared; every
call is a pure function of the citizen, the model and the rules, so concurrent calls are safe.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from recommender.recommending.ranking import rank_offers
from recommender.vocab import FIELDS, OFFER, OUTCOME
from recommender.citizen import Citizen
from recommender.recommendation import Message, ModelInfo, RankedOffer, Recommendation, value_label
from recommender.model import load_model
from recommender.typology import RuleSet, load_rules

if TYPE_CHECKING:
    from recommender.model import OutcomeModel
    from recommender.modelling.estimates import OfferEstimates, Reason

__all__ = ["recommend", "model_info"]

WIDE_INTERVAL = 0.4  # a score interval wider than this is flagged as very uncertain
MIN_REASON = 0.005  # an input that moves the score by less than this is not worth the adviser's time
def recommend(
    citizen: Citizen | Mapping[str, object],
    *,
    model: OutcomeModel | None = None,
    rules: RuleSet | None = None,
) -> Recommendation:
    """Rank the four offers for one citizen, with reasons, warnings and uncertainty.

    ``citizen`` is a :class:`Citizen` or a mapping of codes / Danish or English labels (validated here;
    a bad record raises one :class:`~recommender.RecommenderError` naming every bad field). ``model``
    and ``rules`` default to the built-in model and the packaged ``rules.yaml``.

    >>> import json
    >>> rec = recommend(json.load(open("examples/no_goal.json", encoding="utf-8")))
    >>> rec.typology.code, rec.labour_force.active, len(rec.offers)
    ('no_goal', False, 4)
    >>> # the guards block internship and wage subsidy for a citizen who does not want work:
    >>> sorted(o.offer for o in rec.offers if not o.advised), [o.advised for o in rec.offers]
    (['internship', 'wage_subsidy'], [True, True, False, False])
    >>> round(sum(rec.offers[0].probabilities.values()), 9)
    1.0
    """
    citizen = Citizen.from_dict(citizen)
    rules = rules if rules is not None else load_rules()
    model = model if model is not None else load_model()
    result = rules.evaluate(citizen)
    est = model.predict_citizen(citizen, rules.outcome_weights)
    explanations = model.explain_offers(citizen, top=3, weights=rules.outcome_weights)
    codes = OFFER.codes
    scores = {o: float(est.score[0, j]) for j, o in enumerate(codes)}
    blocked = {o: bool(g is not None and g.level == "block") for o, g in result.guards.items()}
    preferred = rules.preferred_order[result.typology.code]
    order = rank_offers(scores, blocked, preferred, rules.tie_margin)
    offers = []
    for rank, offer in enumerate(order, start=1):
        j = codes.index(offer)
        previous = order[rank - 2] if rank > 1 else None
        offers.append(RankedOffer(
            rank=rank, offer=offer, advised=not blocked[offer], score=scores[offer],
            score_interval=(float(est.score_low[0, j]), float(est.score_high[0, j])),
            probabilities={k: float(est.proba[0, j, m]) for m, k in enumerate(OUTCOME.codes)},
            intervals={k: (float(est.proba_low[0, j, m]), float(est.proba_high[0, j, m]))
                       for m, k in enumerate(OUTCOME.codes)},
            support=str(est.support[0, j]), propensity=float(est.propensity[0, j]),
            evidence=int(est.evidence[j]), guard=result.guards[offer],
            reasons=(_rank_reason(offer, previous, scores, blocked, result, rules),
                     *(_input_reason(r) for r in explanations[offer] if r.size >= MIN_REASON)),
            warnings=_warnings(offer, j, est, result.guards[offer]),
        ))
    info = model_info(model)
    warnings = ()
    if info.allow_protected:
        warnings = (Message(
            "protected_attributes_used",
            "Modellen bruger køn, oprindelse eller nationalitet som input (valgt af en analytiker).",
            "The model uses gender, origin or nationality as inputs (chosen by an analyst)."),)
    return Recommendation(
        citizen_id=citizen.citizen_id, typology=result.typology, labour_force=result.labour_force,
        offers=tuple(offers), notes=result.notes, model=info, rules_version=rules.version,
        weights=dict(rules.outcome_weights), warnings=warnings,
    )


def model_info(model: OutcomeModel) -> ModelInfo:
    """The provenance block of a recommendation, from the model's manifest."""
    m = model.manifest
    return ModelInfo(
        version=m.version, cohort_fingerprint=m.training_cohort["fingerprint"], cohort_size=m.n_rows,
        evidence_size=m.evidence_size, created=m.created, trained_with_rules=str(m.rules_version),
        allow_protected=m.allow_protected, interval_level=m.interval_level, synthetic=m.synthetic,
    )


def _pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def _da(x: float) -> str:
    """A number as Danish text (decimal comma)."""
    return f"{x:.2f}".replace(".", ",")


def _rank_reason(offer, previous, scores, blocked, result, rules) -> Message:
    if blocked[offer]:
        guard = result.guards[offer]
        return Message("blocked", f"Ikke anbefalet: {guard.reason_da}", f"Not advised: {guard.reason_en}")
    if previous is None or blocked[previous]:
        return Message("highest_score", "Højeste forventede værdi blandt de anbefalede tilbud.",
                       "Highest expected value among the advised offers.")
    gap = scores[offer] - scores[previous]
    other_da, other_en = OFFER.label(previous, "da"), OFFER.label(previous, "en")
    if gap > 0:
        typ = result.typology
        return Message(
            "tie_preferred_order",
            f"Forventet værdi inden for {_da(rules.tie_margin)} af {other_da}; rækkefølgen for "
            f"{typ.label_da.lower()} sætter {other_da} før.",
            f"Expected value within {rules.tie_margin:.2f} of {other_en}; the preferred order for "
            f"{typ.label_en.lower()} puts {other_en} first.")
    return Message("lower_score", f"Lavere forventet værdi end {other_da} ({_da(-gap)} lavere).",
                   f"Lower expected value than {other_en} ({-gap:.2f} lower).")


def _input_reason(reason: Reason) -> Message:
    field = FIELDS[reason.field]
    da_verb, en_verb = ("øger", "raises") if reason.direction == "+" else ("sænker", "lowers")
    value_da, value_en = value_label(reason.field, reason.value), value_label(reason.field, reason.value, "en")
    base_da = value_label(reason.field, reason.baseline)
    base_en = value_label(reason.field, reason.baseline, "en")
    return Message(
        f"input:{reason.field}",
        f"{field.da} = {value_da} (typisk: {base_da}) {da_verb} den forventede værdi med {_da(reason.size)}.",
        f"{field.en} = {value_en} (typical: {base_en}) {en_verb} the expected value by {reason.size:.2f}.",
    )


def _warnings(offer: str, j: int, est: OfferEstimates, guard) -> tuple[Message, ...]:
    out = []
    if guard is not None and guard.level == "caution":
        out.append(Message("caution", f"Forsigtighed: {guard.reason_da}", f"Caution: {guard.reason_en}"))
    if est.support[0, j] == "low":
        out.append(Message(
            "low_support",
            f"Få borgere som denne fik {OFFER.label(offer, 'da')} (sandsynlighed for tilbuddet "
            f"{_pct(est.propensity[0, j])}); estimatet hviler på lidt evidens.",
            f"Few citizens like this one had {OFFER.label(offer, 'en')} (propensity "
            f"{_pct(est.propensity[0, j])}); the estimate rests on little evidence."))
    width = float(est.score_high[0, j] - est.score_low[0, j])
    if width > WIDE_INTERVAL:
        out.append(Message(
            "wide_interval", f"Meget usikkert estimat (interval {_da(width)} bredt).",
            f"Very uncertain estimate (interval {width:.2f} wide)."))
    return tuple(out)
