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

__all__ = [
    "NOT_ACTIONABLE",
    "input_reason",
    "order_rule",
    "provenance_message",
    "rank_reason",
    "verdict_message",
]

#: Inputs the adviser cannot act on: used in the estimate, never shown as a reason.
NOT_ACTIONABLE = frozenset({"municipality", "years_in_denmark"})


def _labels(offer: str) -> tuple[str, str]:
    return OFFER.label(offer, "da"), OFFER.label(offer, "en")


def _higher_after(offer: str, order: list[str], est: OfferEstimates) -> str:
    """The later-ranked advised offer with the highest value above ``offer``'s."""
    j = OFFER.codes.index(offer)
    after = order[order.index(offer) + 1 :]
    cands = [o for o in after if est.score[0, OFFER.codes.index(o)] > est.score[0, j]]
    return max(cands, key=lambda o: est.score[0, OFFER.codes.index(o)])


def rank_reason(
    code: str, offer: str, previous: str | None, order: list[str], est: OfferEstimates, result, rules
) -> Message:
    """The reason for ``offer``'s rank, for the rule ``code`` that placed it."""
    j = OFFER.codes.index(offer)
    value = est.score[0, j]
    typ_da, typ_en = result.typology.label_da.lower(), result.typology.label_en.lower()
    margin = decimal(rules.tie_margin)
    if code == "blocked":
        guard = result.guards[offer]
        return Message(code, f"Frarådes: {guard.reason_da}", f"Advised against: {guard.reason_en}")
    if code == "highest_score":
        return Message(
            code,
            "Højeste forventede værdi blandt de anbefalede tilbud.",
            "Highest expected value among the advised offers.",
        )
    if code == "tie_preferred_order":
        other_da, other_en = _labels(_higher_after(offer, order, est))
        return Message(
            code,
            f"{other_da.capitalize()} har en lidt højere forventet værdi (mindre end {margin} højere); "
            f"ved så lille en forskel sætter rækkefølgen for {typ_da} dette tilbud først.",
            f"{other_en.capitalize()} has a slightly higher expected value (less than "
            f"{rules.tie_margin:.2f} higher); at so small a difference the preferred order for {typ_en} "
            "puts this offer first.",
        )
    assert previous is not None, f"{code} needs the offer ranked before"
    prev_da, prev_en = _labels(previous)
    prev_value = est.score[0, OFFER.codes.index(previous)]
    if code == "tie_after":
        return Message(
            code,
            f"Forventet værdi mindre end {margin} over {prev_da}; ved så lille en forskel sætter "
            f"rækkefølgen for {typ_da} {prev_da} først.",
            f"Expected value less than {rules.tie_margin:.2f} above {prev_en}; at so small a difference the "
            f"preferred order for {typ_en} puts {prev_en} first.",
        )
    a, b = decimal(value), decimal(prev_value)
    if a == b:
        return Message(
            code,
            f"Næsten samme forventede værdi som {prev_da} ({a}), men lidt lavere.",
            f"Almost the same expected value as {prev_en} ({value:.2f}), but slightly lower.",
        )
    return Message(
        code,
        f"Lavere forventet værdi end {prev_da} ({a} mod {b}).",
        f"Lower expected value than {prev_en} ({value:.2f} against {prev_value:.2f}).",
    )


def input_reason(reason: Reason, note_fields: frozenset[str] | set[str] = frozenset()) -> Message:
    """One input behind an estimate, worded as an association."""
    field = FIELDS[reason.field]
    up = reason.direction == "+"
    da_dir, en_dir = ("højere", "higher") if up else ("lavere", "lower")
    sign = "+" if up else "−"
    value_da, value_en = (
        value_label(reason.field, reason.value),
        value_label(reason.field, reason.value, "en"),
    )
    base_da, base_en = (
        value_label(reason.field, reason.baseline),
        value_label(reason.field, reason.baseline, "en"),
    )
    da = (
        f"{field.da}: {value_da} (det almindelige er {base_da}) hænger sammen med en {da_dir} forventet "
        f"værdi ({sign}{decimal(reason.size)})."
    )
    en = (
        f"{field.en}: {value_en} (the common value is {base_en}) goes with a {en_dir} expected value "
        f"({sign}{reason.size:.2f})."
    )
    if up and reason.field in note_fields and field.scale is DEGREE:  # a note says "work on this"
        da += (
            " Det strider ikke mod noten nedenfor: det er en sammenhæng blandt tidligere borgere, ikke en "
            "virkning, og noten gælder stadig."
        )
        en += (
            " This does not contradict the note below: it is an association among earlier citizens, not "
            "an effect, and the note still applies."
        )
    return Message(f"input:{reason.field}", da, en)


def verdict_message(verdict: Verdict, sparse: bool = False) -> Message:
    """The verdict at the top of the screen: rank 1 when it is a clear first choice, else the group of
    offers that cannot be told apart (rank 1 first). ``sparse``: the citizen's data are thin (the
    ``sparse_data`` warning), so the verdict says why it is not clear."""
    if verdict.first is None:
        return Message(
            "no_advised_offer",
            "Alle tilbud frarådes lige nu; se begrundelserne ved tilbuddene.",
            "Every offer is advised against now; see the reasons at the offers.",
        )
    first_da, first_en = _labels(verdict.first)
    share = percent(verdict.p_best_first)
    if verdict.distinguishable:
        return Message(
            "clear_first_choice",
            f"Klart førstevalg: {first_da}. Det er bedst i {share} af modellens genberegninger.",
            f"Clear first choice: {first_en}. It is best in {share} of the model's re-estimates.",
        )
    names_da = [OFFER.label(o, "da") for o in verdict.indistinct]
    names_en = [OFFER.label(o, "en") for o in verdict.indistinct]

    def join(names: list[str], word: str) -> str:
        return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {word} {names[-1]}"

    if sparse:
        why_da = (
            "tallene hviler på få tidligere borgere som denne (se advarslen om tynde data), så de kan ikke "
            f"skille dem ad ({first_da} er bedst i {share} af modellens genberegninger)."
        )
        why_en = (
            "the numbers rest on few earlier citizens like this one (see the thin-data warning), so they "
            f"cannot tell them apart ({first_en} is best in {share} of the model's re-estimates)."
        )
    else:
        why_da = f"{first_da} er kun bedst i {share} af modellens genberegninger."
        why_en = f"{first_en} is best in only {share} of the model's re-estimates."
    return Message(
        "no_clear_difference",
        f"Ingen klar forskel mellem {join(names_da, 'og')}: {why_da} Vælg ud fra borgerens situation.",
        f"No clear difference between {join(names_en, 'and')}: {why_en} Choose by the citizen's situation.",
    )


def order_rule(tie_margin: float) -> Message:
    """The ordering rule in one sentence, shown above the list of offers.

    >>> order_rule(0.02).da[:60]
    'Rækkefølge: de anbefalede tilbud efter forventet værdi (ved '
    """
    return Message(
        "order_rule",
        f"Rækkefølge: de anbefalede tilbud efter forventet værdi (ved en forskel under "
        f"{decimal(tie_margin, lang='da')} "
        "afgør typologiens foretrukne rækkefølge), derefter de frarådede. Lidt erfaring med et tilbud "
        "trækker estimatet mod gennemsnittet og gør intervallet bredere; det flytter ikke tilbuddet.",
        f"Order: the advised offers by expected value (below a difference of {tie_margin:.2f} the "
        "typology's preferred order decides), then the offers advised against. Little experience with an "
        "offer pulls the estimate towards the average and widens the interval; it does not move the offer.",
    )


def provenance_message(
    synthetic: bool, cohort_size: int, period: str | None = None, municipalities: tuple[str, ...] = ()
) -> Message:
    """Where the numbers come from, first on the screen and the page: a demonstration model trained on
    synthetic data, or the real cohort (period, size, municipalities) a model was trained on.

    >>> provenance_message(True, 20000).da[:40]
    'Demonstrationsmodel: trænet på syntetisk'
    >>> provenance_message(False, 312, "2021-01-04..2023-12-20", ("Aarhus", "Vejle")).da
    'Model trænet på 312 afsluttede forløb fra Aarhus og Vejle, afsluttet 2021-01-04 til 2023-12-20. Tallene er sammenhænge i de forløb, ikke virkninger af tilbuddene.'
    """  # noqa: E501
    if synthetic:
        return Message(
            "synthetic_model",
            "Demonstrationsmodel: trænet på syntetiske data, ikke på rigtige forløb; tallene viser, hvordan "
            "værktøjet virker, ikke hvad der virker for borgeren.",
            "Demonstration model: trained on synthetic data, not on real cases; the numbers show how the "
            "tool works, not what works for the citizen.",
        )
    where_da = where_en = ""
    if municipalities:
        names = list(municipalities)
        joined_da = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} og {names[-1]}"
        joined_en = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        where_da, where_en = f" fra {joined_da}", f" from {joined_en}"
    when_da = when_en = ""
    if period:
        start, _, end = period.partition("..")
        when_da, when_en = f", afsluttet {start} til {end}", f", closed {start} to {end}"
    return Message(
        "cohort_model",
        f"Model trænet på {f'{cohort_size:,}'.replace(',', '.')} afsluttede forløb{where_da}{when_da}. "
        "Tallene er sammenhænge i de forløb, ikke virkninger af tilbuddene.",
        f"Model trained on {cohort_size:,} closed cases{where_en}{when_en}. The numbers are associations "
        "in those cases, not effects of the offers.",
    )
