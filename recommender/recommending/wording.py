"""What the adviser reads about a ranking: the rank reason, the input reasons and the verdict, in plain
Danish (and English), with numbers that agree with the rounded numbers on the screen.

Rank reasons name the rule that placed the offer (:data:`~recommender.recommending.ranking.REASON_CODES`).
Input reasons are worded as associations ("hænger sammen med"), never as effects, and leave out inputs
the adviser cannot act on (:data:`NOT_ACTIONABLE`; the model still uses them). A note that asks the
adviser to work on a degree-scale input (network use, family support) flags a weak value; an input reason
saying that weak value goes with a *higher* expected value seems to pull against the note, so it says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from recommender.numbers import decimal, percent
from recommender.recommendation import Message, value_label
from recommender.recommending.certainty import Verdict
from recommender.vocab import DEGREE, FIELDS, OFFER

if TYPE_CHECKING:
    from recommender.modelling.estimates import OfferEstimates, Reason

__all__ = ["NOT_ACTIONABLE", "input_reason", "rank_reason", "verdict_message"]

#: Inputs the adviser cannot act on: used in the estimate, never shown as a reason.
NOT_ACTIONABLE = frozenset({"municipality", "years_in_denmark"})


def _labels(offer: str) -> tuple[str, str]:
    return OFFER.label(offer, "da"), OFFER.label(offer, "en")


def _higher_after(offer: str, order: list[str], est: OfferEstimates, low: bool | None) -> str:
    """The later-ranked advised offer with the highest value above ``offer``'s (of the given support)."""
    j = OFFER.codes.index(offer)
    after = order[order.index(offer) + 1:]
    cands = [o for o in after if est.score[0, OFFER.codes.index(o)] > est.score[0, j]
             and (low is None or (est.support[0, OFFER.codes.index(o)] == "low") == low)]
    return max(cands, key=lambda o: est.score[0, OFFER.codes.index(o)])


def rank_reason(code: str, offer: str, previous: str | None, order: list[str], est: OfferEstimates,
                result, rules) -> Message:
    """The reason for ``offer``'s rank, for the rule ``code`` that placed it."""
    j = OFFER.codes.index(offer)
    value = est.score[0, j]
    typ_da, typ_en = result.typology.label_da.lower(), result.typology.label_en.lower()
    margin = decimal(rules.tie_margin)
    if code == "blocked":
        guard = result.guards[offer]
        return Message(code, f"Frarådes: {guard.reason_da}", f"Advised against: {guard.reason_en}")
    if code == "highest_score":
        return Message(code, "Højeste forventede værdi blandt de anbefalede tilbud.",
                       "Highest expected value among the advised offers.")
    if code == "evidence_rule":
        other_da, other_en = _labels(_higher_after(offer, order, est, low=True))
        return Message(
            code, f"Sat før {other_da} efter evidensreglen: {other_da} har en højere forventet værdi, men "
                  "det estimat hviler på lidt erfaring.",
            f"Placed before {other_en} by the evidence rule: {other_en} has a higher expected value, but "
            "that estimate rests on little experience.")
    if code == "tie_preferred_order":
        other_da, other_en = _labels(_higher_after(offer, order, est, low=None))
        return Message(
            code, f"{other_da.capitalize()} har en lidt højere forventet værdi (mindre end {margin} højere); "
                  f"ved så lille en forskel sætter rækkefølgen for {typ_da} dette tilbud først.",
            f"{other_en.capitalize()} has a slightly higher expected value (less than "
            f"{rules.tie_margin:.2f} higher); at so small a difference the preferred order for {typ_en} "
            "puts this offer first.")
    assert previous is not None, f"{code} needs the offer ranked before"
    prev_da, prev_en = _labels(previous)
    prev_value = est.score[0, OFFER.codes.index(previous)]
    if code == "low_evidence":
        return Message(
            code, "Efter evidensreglen: estimatet hviler på lidt erfaring, så tilbuddet kommer efter de "
                  "anbefalede tilbud med tilstrækkelig erfaring.",
            "By the evidence rule: the estimate rests on little experience, so the offer comes after the "
            "advised offers with adequate experience.")
    if code == "tie_after":
        return Message(
            code, f"Forventet værdi mindre end {margin} over {prev_da}; ved så lille en forskel sætter "
                  f"rækkefølgen for {typ_da} {prev_da} først.",
            f"Expected value less than {rules.tie_margin:.2f} above {prev_en}; at so small a difference the "
            f"preferred order for {typ_en} puts {prev_en} first.")
    a, b = decimal(value), decimal(prev_value)
    if a == b:
        return Message(code, f"Næsten samme forventede værdi som {prev_da} ({a}), men lidt lavere.",
                       f"Almost the same expected value as {prev_en} ({value:.2f}), but slightly lower.")
    return Message(code, f"Lavere forventet værdi end {prev_da} ({a} mod {b}).",
                   f"Lower expected value than {prev_en} ({value:.2f} against {prev_value:.2f}).")


def input_reason(reason: Reason, note_fields: frozenset[str] | set[str] = frozenset()) -> Message:
    """One input behind an estimate, worded as an association."""
    field = FIELDS[reason.field]
    up = reason.direction == "+"
    da_dir, en_dir = ("højere", "higher") if up else ("lavere", "lower")
    sign = "+" if up else "−"
    value_da, value_en = value_label(reason.field, reason.value), value_label(reason.field, reason.value, "en")
    base_da, base_en = value_label(reason.field, reason.baseline), value_label(reason.field, reason.baseline, "en")
    da = (f"{field.da}: {value_da} (det almindelige er {base_da}) hænger sammen med en {da_dir} forventet "
          f"værdi ({sign}{decimal(reason.size)}).")
    en = (f"{field.en}: {value_en} (the common value is {base_en}) goes with a {en_dir} expected value "
          f"({sign}{reason.size:.2f}).")
    if up and reason.field in note_fields and field.scale is DEGREE:  # a note says "work on this"
        da += (" Det strider ikke mod noten nedenfor: det er en sammenhæng blandt tidligere borgere, ikke en "
               "virkning, og noten gælder stadig.")
        en += (" This does not contradict the note below: it is an association among earlier citizens, not "
               "an effect, and the note still applies.")
    return Message(f"input:{reason.field}", da, en)


def verdict_message(verdict: Verdict, often_best_low: tuple[str, float] | None = None) -> Message:
    """The verdict at the top of the screen. ``often_best_low``: the advised offer that is most often
    best in the draws with its ``p_best``, when that is not the first offer and rests on little
    evidence (the evidence rule put it later); the verdict then says so."""
    if verdict.first is None:
        return Message("no_advised_offer", "Alle tilbud frarådes lige nu; se begrundelserne ved tilbuddene.",
                       "Every offer is advised against now; see the reasons at the offers.")
    first_da, first_en = _labels(verdict.first)
    share = percent(verdict.p_best_first)
    if verdict.distinguishable:
        return Message(
            "clear_first_choice",
            f"Klart førstevalg: {first_da}. Det har den højeste forventede værdi i {share} af modellens "
            "genberegninger.",
            f"Clear first choice: {first_en}. It has the highest expected value in {share} of the model's "
            "re-estimates.")
    names_da = [OFFER.label(o, "da") for o in verdict.indistinct]
    names_en = [OFFER.label(o, "en") for o in verdict.indistinct]

    def join(names: list[str], word: str) -> str:
        return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {word} {names[-1]}"

    extra_da = extra_en = ""
    if often_best_low is not None:
        low_da, low_en = _labels(often_best_low[0])
        extra_da = (f" {low_da.capitalize()} er oftest bedst ({percent(often_best_low[1])}), men det "
                    "estimat hviler på lidt erfaring.")
        extra_en = (f" {low_en.capitalize()} is most often best ({percent(often_best_low[1])}), but that "
                    "estimate rests on little experience.")
    return Message(
        "no_clear_difference",
        f"Ingen klar forskel mellem {join(names_da, 'og')}: {first_da} har kun den højeste forventede værdi "
        f"i {share} af modellens genberegninger.{extra_da} Vælg ud fra borgerens situation.",
        f"No clear difference between {join(names_en, 'and')}: {first_en} has the highest expected value "
        f"in only {share} of the model's re-estimates.{extra_en} Choose by the citizen's situation.")
