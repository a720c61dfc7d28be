"""``recommend(citizen)``: rules and outcome model combined into a ranked, explained suggestion (spec §7–8).

The default rules and the built-in model are loaded once per process (``recommender.process_cache``,
thread-safe) and shared; every
call is a pure function of the citizen, the model and the rules, so concurrent calls are safe.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from recommender.citizen import Citizen
from recommender.errors import RecommenderError, did_you_mean, show_value
from recommender.model import load_model
from recommender.numbers import decimal, percent
from recommender.recommendation import Message, ModelInfo, RankedOffer, Recommendation
from recommender.recommending.certainty import verdict_offers, verdicts
from recommender.recommending.directions import against_report
from recommender.recommending.ordering import citizens_like, order_offers
from recommender.recommending.override import adviser_typology
from recommender.recommending.scope import scope_verdict
from recommender.recommending.sparse import relied_on, sparse_fields, sparse_warning, thin_combinations
from recommender.recommending.wording import (
    NOT_ACTIONABLE,
    input_reason,
    order_rule,
    provenance_message,
    rank_reason,
    verdict_message,
)
from recommender.typology import GuardResult, RuleSet, load_rules
from recommender.vocab import FIELDS, MUNICIPALITIES, OFFER, OUTCOME

if TYPE_CHECKING:
    from recommender.model import OutcomeModel
    from recommender.modelling.estimates import OfferEstimates

__all__ = ["model_info", "provenance", "recommend"]

WIDE_INTERVAL = 0.4  # a score interval wider than this is flagged as very uncertain
MIN_REASON = 0.005  # an input that moves the score by less than this is not worth the adviser's time
N_REASONS = 3  # input reasons shown per offer


def recommend(
    citizen: Citizen | Mapping[str, object],
    *,
    model: OutcomeModel | None = None,
    rules: RuleSet | None = None,
    typology: str | None = None,
    reason: str | None = None,
) -> Recommendation:
    """Rank the four offers for one citizen, with reasons, warnings and uncertainty.

    ``citizen`` is a :class:`Citizen` or a mapping of codes / Danish or English labels (validated here;
    a bad record raises one :class:`~recommender.RecommenderError` naming every bad field). ``model``
    and ``rules`` default to the built-in model and the packaged ``rules.yaml``. ``typology`` and
    ``reason``: the adviser's typology and her reason (both or neither); the ranking then follows that
    typology's preferred order and guidance (:mod:`~recommender.recommending.override`).

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
    _check_kind(model, rules)
    result = rules.evaluate(citizen)
    override = None
    if typology is not None or reason is not None:
        override = adviser_typology(typology, reason, result.typology.code)
        result = rules.with_typology(result, override.code, override.reason)
    assessed = model.assess(citizen, rules.outcome_weights, top=len(FIELDS))
    raw, explanations = assessed.estimates, assessed.reasons
    codes = OFFER.codes
    guards = [result.guards[o] for o in codes]
    blocked = np.array([[g is not None and g.level == "block" for g in guards]])
    preferred = rules.preferred_order[result.typology.code]
    record = citizen.to_dict()
    ordered = order_offers(
        raw,
        assessed.score_draws,
        blocked,
        np.array([[preferred.index(o) for o in codes]]),
        rules,
        citizens_like(record, model, rules.sparse_data_min),
    )
    est, ranks, why, pb = ordered.estimates, ordered.ranks, ordered.reasons[0], ordered.p_best
    order = [codes[j] for j in np.argsort(ranks[0])]
    thin = sparse_fields(record, model, rules.sparse_data_min)
    about = verdict_offers(pb, ranks, ~blocked)[0]
    # the combinations the model relies on for this ranking: the answer moves the offer against the others
    relied = {f: relied_on(d, ~blocked[0], rules.tie_margin) for f, d in assessed.deltas.items()}
    combos = thin_combinations(
        record, model, rules.sparse_data_min, [o for o in order if about[codes.index(o)]], relied
    )
    verdict = verdicts(pb, ranks, ~blocked, codes, sparse=np.array([bool(thin or combos)]))[0]
    note_fields = {f for note in result.notes if note.condition is not None for f in note.condition.fields}
    offers = []
    for rank, offer in enumerate(order, start=1):
        j = codes.index(offer)
        previous = order[rank - 2] if rank > 1 else None
        inputs = [
            r
            for r in explanations[offer]
            if r.field not in NOT_ACTIONABLE and r.size >= MIN_REASON and against_report(r) is None
        ]
        offers.append(
            RankedOffer(
                rank=rank,
                offer=offer,
                advised=not blocked[0, j],
                score=float(est.score[0, j]),
                score_interval=(float(est.score_low[0, j]), float(est.score_high[0, j])),
                probabilities={k: float(est.proba[0, j, m]) for m, k in enumerate(OUTCOME.codes)},
                intervals={
                    k: (float(est.proba_low[0, j, m]), float(est.proba_high[0, j, m]))
                    for m, k in enumerate(OUTCOME.codes)
                },
                support=str(est.support[0, j]),
                propensity=float(est.propensity[0, j]),
                evidence=int(est.evidence[j]),
                guard=result.guards[offer],
                reasons=(
                    rank_reason(str(why[j]), offer, previous, order, est, result, rules),
                    *(input_reason(r, note_fields) for r in inputs[:N_REASONS]),
                ),
                warnings=_warnings(offer, j, est, result.guards[offer]),
                p_best=float(pb[0, j]),
            )
        )
    info = model_info(model)
    warnings: tuple[Message, ...] = ()
    thin_warning = sparse_warning(thin, record, rules.sparse_data_min, combos)
    if thin_warning is not None:
        warnings += (thin_warning,)
    if info.allow_protected:
        warnings = (
            *warnings,
            Message(
                "protected_attributes_used",
                "Modellen bruger køn, oprindelse eller nationalitet som input (valgt af en analytiker).",
                "The model uses gender, origin or nationality as inputs (chosen by an analyst).",
            ),
        )
    unseen = _municipality_warning(citizen.municipality, model)
    if unseen is not None:
        warnings += (unseen,)
    ranking = verdict_message(verdict, sparse=bool(thin or combos))
    first, notes = scope_verdict(rules, result, offers, ranking)  # target group, no offer fits (issue 26)
    return Recommendation(
        citizen_id=citizen.citizen_id,
        typology=result.typology,
        labour_force=result.labour_force,
        offers=tuple(offers),
        notes=notes,
        model=info,
        rules_version=rules.version,
        weights=dict(rules.outcome_weights),
        warnings=warnings,
        verdict=verdict,
        verdict_message=first,
        ranking_message=None if first is ranking else ranking,
        typology_override=override,
        provenance=provenance(model),
        order_rule=order_rule(rules.tie_margin),
    )


def provenance(model: OutcomeModel) -> Message:
    """Where the numbers come from: synthetic data, or the real cohort (period, size, municipalities)."""
    m = model.manifest
    named = m.training_cohort.get("municipalities")
    if named:
        municipalities = tuple(named.split("; "))
    else:  # a model file from before the cohort's municipalities were recorded: its intake profile's
        shares = (m.intake_profile or {}).get("municipality", {})
        municipalities = tuple(k for k, v in shares.items() if v > 0 and k not in ("other", "unknown"))
    return provenance_message(m.synthetic, m.n_rows, m.training_cohort.get("period"), municipalities)


def _check_kind(model: object, rules: object) -> None:
    """``model=`` and ``rules=`` take loaded objects; a path (or anything else) is a clear error."""
    from recommender.model import OutcomeModel

    if not isinstance(model, OutcomeModel):
        raise RecommenderError(
            f"model: expected an OutcomeModel, e.g. load_model(path); got "
            f"{type(model).__name__} {show_value(model)} / brug load_model(sti)"
        )
    if not isinstance(rules, RuleSet):
        raise RecommenderError(
            f"rules: expected a RuleSet, e.g. load_rules(path); got "
            f"{type(rules).__name__} {show_value(rules)} / brug load_rules(sti)"
        )


def _municipality_warning(name: str, model: OutcomeModel) -> Message | None:
    """A warning when the model has not seen the citizen's municipality (with the likely known name)."""
    categories = dict(model.schema.categorical).get("municipality")
    seen = [c for c in categories if c not in ("other", "unknown")] if categories else list(MUNICIPALITIES)
    if name in seen:
        return None
    guess = did_you_mean(name, seen)
    return Message(
        "unknown_municipality",
        f"Kommunen {name!r} kendes ikke af modellen; estimaterne bygger på borgere fra andre kommuner."
        + (f" Mente du {guess}?" if guess else f" Kendte kommuner: {', '.join(seen)}."),
        f"The model has not seen the municipality {name!r}; the estimates rest on citizens from other "
        "municipalities." + (f" Did you mean {guess}?" if guess else f" Known: {', '.join(seen)}."),
    )


def model_info(model: OutcomeModel) -> ModelInfo:
    """The provenance block of a recommendation, from the model's manifest."""
    m = model.manifest
    return ModelInfo(
        version=m.version,
        cohort_fingerprint=m.training_cohort["fingerprint"],
        cohort_size=m.n_rows,
        evidence_size=m.evidence_size,
        created=m.created,
        trained_with_rules=str(m.rules_version),
        allow_protected=m.allow_protected,
        interval_level=m.interval_level,
        synthetic=m.synthetic,
    )


def _warnings(offer: str, j: int, est: OfferEstimates, guard: GuardResult | None) -> tuple[Message, ...]:
    out = []
    if guard is not None and guard.level == "caution":
        out.append(Message("caution", guard.reason_da, guard.reason_en))
    if est.support[0, j] == "low":
        out.append(
            Message(
                "low_support",
                f"Borgere som denne fik sjældent {OFFER.label(offer, 'da')} "
                f"(ca. {percent(est.propensity[0, j])} af dem), så estimatet hviler på lidt erfaring: "
                "det er trukket mod gennemsnittet for borgere som denne, og intervallet er bredere.",
                f"Citizens like this one seldom had {OFFER.label(offer, 'en')} (about "
                f"{percent(est.propensity[0, j])} of them), so the estimate rests on little experience: "
                "it is pulled towards the average for citizens like this one, and the interval is wider.",
            )
        )
    width = float(est.score_high[0, j] - est.score_low[0, j])
    if width > WIDE_INTERVAL:
        out.append(
            Message(
                "wide_interval",
                f"Meget usikkert estimat (intervallet er {decimal(width)} bredt).",
                f"Very uncertain estimate (the interval is {width:.2f} wide).",
            )
        )
    return tuple(out)
