"""The words the adviser reads in Danish and English that the screen, the web page and the API share:
one table each, in one place.

``PHRASES`` the adviser's screen (``recommender recommend``), whose words the web page's result page
reuses; ``SUPPORT_WORDS`` the support of an estimate; ``DECISION_REASONS`` the reason codes for
departing from the first advised offer (the API's decision body, its documentation, the web page's
decision form, history and monitoring page). The page's own words (buttons, forms, login) are in
:mod:`recommender.web.text`; the codes' labels (offers, outcomes, fields) in :mod:`recommender.vocab`.

>>> phrase("typology", "da"), phrase("typology", "en")
('Jobmålstypologi', 'Job-goal typology')
>>> support_label("low", "da"), reason_label("not_available", "en"), reason_label("unknown", "da")
('lidt', 'the offer is not available', 'unknown')
"""

from __future__ import annotations

from typing import Any

__all__ = ["DECISION_REASONS", "PHRASES", "SUPPORT_WORDS", "phrase", "reason_label", "support_label"]

PHRASES: dict[str, tuple[Any, Any]] = {  # (Danish, English); the table head is a pair of tuples
    "title": ("Anbefaling for borger {id}", "Recommendation for citizen {id}"),
    "typology": ("Jobmålstypologi", "Job-goal typology"),
    "rule": ("regel", "rule"),
    "guidance": ("Vejledning", "Guidance"),
    "lf": ("Arbejdsstyrken (erhvervsaktiv)", "Labour force (active)"),
    "lf_met": ("{met} af {n} kriterier opfyldt", "{met} of {n} criteria met"),
    "yes": ("ja", "yes"),
    "no": ("nej", "no"),
    "offers": ("Tilbud, rangeret", "Offers, ranked"),
    "head": (
        ("#", "Tilbud", "Anbefalet", "Forv. værdi", "Interval"),
        ("#", "Offer", "Advised", "Exp. value", "Interval"),
    ),
    "chances": ("Chancer", "Chances"),
    "legend": (
        "Forventet værdi = chancerne vægtet med {w}; intervallet er et {lvl} %-interval.",
        "Expected value = the chances weighted by {w}; the interval is a {lvl} % interval.",
    ),
    "why": ("Hvorfor", "Why"),
    "warn": ("Advarsel", "Warning"),
    "caution": ("Forsigtighed", "Caution"),
    "support": (
        "erfaring bag estimatet: {support} (ca. {n} tidligere borgere fik tilbuddet)",
        "experience behind the estimate: {support} (about {n} earlier citizens had this offer)",
    ),
    "p_best": ("bedst i {p} af modellens genberegninger", "best in {p} of the model's re-estimates"),
    "verdict": ("Vurdering", "Verdict"),
    "ranking_verdict": ("Rangordningen nedenfor, til orientering", "The ranking below, for reference"),
    "advised_against": ("frarådes", "advised against"),
    "notes": ("Noter", "Notes"),
    "model": (
        "Model {v}: lært fra {kind} ({n} forløb; usikkerheden svarer til {e} borgere med tilbud), "
        "regler {r}.",
        "Model {v}: learnt from {kind} ({n} cases; uncertainty as for {e} citizens with an offer), "
        "rules {r}.",
    ),
    "synthetic": ("en syntetisk Projekt 500-kohorte", "a synthetic Projekt 500 cohort"),
    "cohort": ("en kohorte af afsluttede forløb", "a cohort of closed cases"),
}
SUPPORT_WORDS = {"ok": ("tilstrækkelig", "adequate"), "low": ("lidt", "little")}

DECISION_REASONS: dict[str, tuple[str, str]] = {
    "citizen_preference": ("borgerens ønske", "the citizen's preference"),
    "not_available": ("tilbuddet er ikke ledigt", "the offer is not available"),
    "adviser_judgement": ("rådgiverens faglige vurdering", "the adviser's professional judgement"),
    "other": ("andet (skriv en kommentar)", "other (write a comment)"),
}


def phrase(key: str, lang: str) -> str:
    """The screen's phrase ``key`` in ``lang`` (``da``, else English); ``KeyError`` for an unknown key."""
    da, en = PHRASES[key]
    return da if lang == "da" else en


def support_label(support: str, lang: str) -> str:
    """The word for an estimate's support (``ok``/``low``); an unknown code as it is."""
    da, en = SUPPORT_WORDS.get(support, (support, support))
    return da if lang == "da" else en


def reason_label(code: str, lang: str) -> str:
    """The label of a decision reason code; an unknown code as it is."""
    if code not in DECISION_REASONS:
        return code
    da, en = DECISION_REASONS[code]
    return da if lang == "da" else en
