"""Form errors as sentences for people: what to do, next to the field, in the page language.

The API and the CLI keep their structured messages (``field (dansk): forventede/expected …; fik/got
…``); the page turns the same refusal into one short sentence without field codes, ``<missing>``,
``null`` or "expected/got". The checks themselves stay where they are (:class:`recommender.Citizen`,
the API's decision and closure functions): this module only words their outcome.

>>> from recommender.errors import FieldProblem
>>> field_sentence(FieldProblem("citizen_id", None, "en værdi / a value"), "da")
'Udfyld borger-id.'
>>> field_sentence(FieldProblem("wants_employment", None, "en værdi / a value"), "en")
"Choose an answer for 'wants employment overall'."
>>> field_sentence(FieldProblem("years_in_denmark", 120, "et heltal / a whole number 0–80"), "da")
'Skriv et helt tal fra 0 til 80 ved »opholdsanciennitet (år)« (du skrev 120).'
"""

from __future__ import annotations

from recommender.errors import FieldProblem
from recommender.text import CONTROL, FORMULA_START, has_cpr
from recommender.vocab import FIELDS

__all__ = ["closure_sentence", "decision_sentence", "field_sentence"]

_SHOWN = 40  # characters of a typed value repeated in a sentence


def _pick(lang: str, da: str, en: str) -> str:
    return da if lang == "da" else en


def _typed(value: object) -> str:
    text = str(value)
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"


def _blank(value: object) -> bool:
    return value is None or repr(value) == "<missing>" or (isinstance(value, str) and not value.strip())


def field_sentence(problem: FieldProblem, lang: str) -> str:
    """One intake field's problem as a sentence (the field's label, never its code)."""
    spec = FIELDS.get(problem.field)
    if spec is None:  # a field the page does not have (a forged form): nothing useful to name
        return _pick(
            lang,
            "Formularen havde et felt, siden ikke kender. Udfyld formularen igen.",
            "The form had a field the page does not know. Fill in the form again.",
        )
    label = spec.da if lang == "da" else spec.en
    value = problem.value
    choice = spec.kind in ("code", "bool")
    if _blank(value):
        if choice:
            return _pick(lang, f"Vælg et svar ved »{label}«.", f"Choose an answer for '{label}'.")
        return _pick(lang, f"Udfyld {label}.", f"Fill in {label}.")
    shown = _typed(value)
    typed = _pick(lang, f" (du skrev {shown})", f" (you typed {shown})") if problem.show else ""
    if spec.kind == "int":
        return _pick(
            lang,
            f"Skriv et helt tal fra {spec.low} til {spec.high} ved »{label}«{typed}.",
            f"Type a whole number from {spec.low} to {spec.high} for '{label}'{typed}.",
        )
    if choice:
        return _pick(
            lang,
            f"Vælg et af svarene på listen ved »{label}«{typed}.",
            f"Choose one of the listed answers for '{label}'{typed}.",
        )
    text = value if isinstance(value, str) else str(value)
    if not problem.show or has_cpr(text):
        if spec.name == "citizen_id":
            return _pick(
                lang,
                "Borger-id må aldrig være et CPR-nummer. Brug sagssystemets id.",
                "The citizen id must never be a CPR number. Use the case system's id.",
            )
        return _pick(lang, f"Skriv ikke CPR-numre ved »{label}«.", f"Do not write CPR numbers in '{label}'.")
    if spec.max_length is not None and len(text.strip()) > spec.max_length:
        return _pick(
            lang,
            f"Skriv højst {spec.max_length} tegn ved »{label}«.",
            f"Write at most {spec.max_length} characters in '{label}'.",
        )
    if text.strip().startswith(FORMULA_START):
        return _pick(
            lang,
            f"»{label}« må ikke begynde med =, +, - eller @.",
            f"'{label}' must not start with =, +, - or @.",
        )
    if CONTROL.search(text):
        return _pick(
            lang,
            f"Fjern usynlige kontroltegn fra »{label}«.",
            f"Remove invisible control characters from '{label}'.",
        )
    return _pick(lang, f"Ret »{label}«{typed}.", f"Correct '{label}'{typed}.")


def decision_sentence(field: str | None, form: dict[str, str], lang: str) -> str:
    """The API's refusal of a decision (:func:`~recommender.cases.decisions.decide`), worded for the
    field it names; ``form`` is what was posted (which of the field's checks failed follows from it).

    >>> decision_sentence("reason", {"offer": "counselling", "reason": ""}, "da")
    'Vælg en begrundelse, når I vælger et andet tilbud end det foreslåede.'
    """
    if field == "offer":
        return _pick(lang, "Vælg et tilbud.", "Choose an offer.")
    if field == "reason":
        if not form.get("reason", "").strip():
            return _pick(
                lang,
                "Vælg en begrundelse, når I vælger et andet tilbud end det foreslåede.",
                "Choose a reason when you choose another offer than the suggested one.",
            )
        return _pick(lang, "Vælg en af begrundelserne på listen.", "Choose one of the listed reasons.")
    if field == "comment":
        comment = form.get("comment", "")
        if not comment.strip():
            return _pick(
                lang,
                "Skriv en kommentar, når begrundelsen er »andet«.",
                "Write a comment when the reason is 'other'.",
            )
        if has_cpr(comment):
            return _pick(
                lang, "Skriv ikke CPR-numre i kommentaren.", "Do not write CPR numbers in the comment."
            )
        if CONTROL.search(comment):
            return _pick(
                lang,
                "Fjern usynlige kontroltegn fra kommentaren.",
                "Remove invisible control characters from the comment.",
            )
        return _pick(
            lang,
            "Gør kommentaren kortere (højst 2000 tegn).",
            "Make the comment shorter (at most 2000 characters).",
        )
    return _pick(
        lang, "Beslutningen kunne ikke gemmes. Prøv igen.", "The decision could not be saved. Try again."
    )


def closure_sentence(field: str | None, lang: str, *, high: int = 3650) -> str:
    """The API's refusal of a closure (:func:`~recommender.cases.closures.close`) for ``field``.

    >>> closure_sentence("closed", "da")
    'Skriv en dato som ÅÅÅÅ-MM-DD, tidligst anbefalingens dato og ikke i fremtiden.'
    """
    if field == "outcome":
        return _pick(lang, "Vælg forløbets udfald.", "Choose the case's outcome.")
    if field == "closed":
        return _pick(
            lang,
            "Skriv en dato som ÅÅÅÅ-MM-DD, tidligst anbefalingens dato og ikke i fremtiden.",
            "Write a day as YYYY-MM-DD, not before the recommendation and not in the future.",
        )
    if field == "duration_days":
        return _pick(
            lang,
            f"Skriv varigheden som et helt antal dage fra 0 til {high}.",
            f"Write the length as a whole number of days from 0 to {high}.",
        )
    if field == "offer":
        return _pick(lang, "Vælg det tilbud, borgeren fik.", "Choose the offer the citizen had.")
    return _pick(
        lang, "Afslutningen kunne ikke gemmes. Prøv igen.", "The closure could not be saved. Try again."
    )
