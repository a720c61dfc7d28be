"""The letter to the citizen (``Brev til borgeren``): the explanation she is owed under the AI Act
(Art. 86) and the Danish duty to give reasons, in plain, easy-to-read Danish (English by the language
switch). Short sentences; no percentages, no typology labels, no codes. It says what was talked about,
which offer was chosen and why (in words), that taking part is voluntary, that a computer tool gave
advice but the adviser and the citizen decided, and how to ask or complain (contact details from the
service's settings: ``RECOMMENDER_LETTER_CONTACT`` and ``RECOMMENDER_LETTER_COMPLAINTS``).

>>> [p for p in paragraphs(offer="internship", reason=None, followed=True, missing=("active_job_seeker",),
...                        contact="Jobcenter Aarhus, tlf. 11 22 33 44", complaints=None,
...                        adviser="anna", lang="da")][2]
'Vi valgte virksomhedspraktik. Du prøver et arbejde på en rigtig arbejdsplads i en periode.'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from recommender.vocab import OFFER

__all__ = ["paragraphs"]

_WORDS: dict[str, tuple[str, str]] = {
    "talked": (
        "Vi talte om dit ønske om arbejde, dit danske sprog og din uddannelse. Vi talte også om, hvad "
        "du gerne vil arbejde med.",
        "We talked about your wish to work, your Danish and your education. We also talked about what "
        "work you would like to do.",
    ),
    "work_on": ("Vi aftalte at arbejde med dette: {items}.", "We agreed to work on this: {items}."),
    "chosen": ("Vi valgte {offer}. {about}", "We chose {offer}. {about}"),
    "none_chosen": (
        "Vi har ikke valgt et tilbud endnu. Vi gør det sammen, når vi ses igen.",
        "We have not chosen an offer yet. We will do it together when we meet again.",
    ),
    "why": ("Hvorfor: {why}", "Why: {why}"),
    "voluntary": (
        "Det er frivilligt at deltage. Du kan altid sige nej eller stoppe.",
        "Taking part is voluntary. You can always say no or stop.",
    ),
    "tool": (
        "Et computerprogram gav din rådgiver et råd om tilbuddene. Programmet kender ikke dig. "
        "Det var din rådgiver og dig, der besluttede.",
        "A computer tool gave your adviser advice about the offers. The tool does not know you. Your "
        "adviser and you made the decision.",
    ),
    "questions": ("Har du spørgsmål? Kontakt {contact}.", "Do you have questions? Contact {contact}."),
    "complain": (
        "Er du ikke enig? Så kan du klage. Kontakt {complaints}. Vi hjælper dig med at klage.",
        "Do you disagree? Then you can complain. Contact {complaints}. We will help you complain.",
    ),
    "adviser_contact": ("din rådgiver, {adviser}", "your adviser, {adviser}"),
}

_OFFERS: dict[str, tuple[str, str]] = {
    "wage_subsidy": (
        "Du får et job på en arbejdsplads med løn. Arbejdsgiveren får en del af lønnen betalt i en periode.",
        "You get a job at a workplace with pay. The employer gets part of the pay covered for a while.",
    ),
    "internship": (
        "Du prøver et arbejde på en rigtig arbejdsplads i en periode.",
        "You try out work at a real workplace for a while.",
    ),
    "clarification": (
        "Du får hjælp til at finde ud af, hvilket arbejde eller hvilken uddannelse der passer til dig.",
        "You get help to find out which work or education suits you.",
    ),
    "counselling": (
        "Du taler med en rådgiver om job og uddannelse. I lægger en plan sammen.",
        "You talk with an adviser about work and education. You make a plan together.",
    ),
}

_REASONS: dict[str | None, tuple[str, str]] = {
    None: (
        "Det passede bedst til din situation, da vi talte sammen.",
        "It suited your situation best when we talked.",
    ),
    "citizen_preference": ("Du ønskede det.", "You wanted it."),
    "not_available": (
        "Det tilbud, vi først tænkte på, var ikke ledigt nu.",
        "The offer we thought of first was not available now.",
    ),
    "adviser_judgement": (
        "Din rådgiver vurderede, at det passer bedst til dig.",
        "Your adviser judged that it suits you best.",
    ),
    "other": (
        "Din rådgiver har skrevet grunden i din sag.",
        "Your adviser has written the reason in your case.",
    ),
}

_WORK_ON: dict[str, tuple[str, str]] = {
    "active_job_seeker": ("at søge job", "looking for work"),
    "geographically_mobile": ("at kunne tage arbejde længere væk", "being able to take work further away"),
    "searches_broadly": ("at søge mange slags job", "looking for many kinds of work"),
    "can_start_within_14_days": (
        "at kunne starte hurtigt, fx med pasning af børn",
        "being able to start soon, for example with childcare",
    ),
    "wants_employment": ("dit ønske om arbejde", "your wish to work"),
}


def _w(table: Mapping[Any, tuple[str, str]], key: object, lang: str) -> str:
    da, en = table[key]
    return da if lang == "da" else en


def paragraphs(
    *,
    offer: str | None,
    reason: str | None,
    followed: bool,
    missing: tuple[str, ...],
    contact: str | None,
    complaints: str | None,
    adviser: str,
    lang: str,
) -> list[str]:
    """The letter's paragraphs, in order. ``offer`` is the decided offer (``None``: no decision yet),
    ``missing`` the labour-force criteria not met, ``contact``/``complaints`` the settings' text (the
    adviser is named when they are not set)."""
    out = [_w(_WORDS, "talked", lang)]
    items = [_w(_WORK_ON, name, lang) for name in missing if name in _WORK_ON]
    out.append(_w(_WORDS, "work_on", lang).format(items=", ".join(items)) if items else "")
    if offer is None:
        out.append(_w(_WORDS, "none_chosen", lang))
    else:
        label = OFFER.label(offer, lang)
        out.append(_w(_WORDS, "chosen", lang).format(offer=label, about=_w(_OFFERS, offer, lang)))
        out.append(_w(_WORDS, "why", lang).format(why=_w(_REASONS, None if followed else reason, lang)))
    out.append(_w(_WORDS, "voluntary", lang))
    out.append(_w(_WORDS, "tool", lang))
    who = contact or _w(_WORDS, "adviser_contact", lang).format(adviser=adviser)
    out.append(_w(_WORDS, "questions", lang).format(contact=who))
    out.append(_w(_WORDS, "complain", lang).format(complaints=complaints or who))
    return [p for p in out if p]
