"""The adviser's typology (issue 26): the adviser may set another typology than the rules gave, with a
reason. The report calls the typologies "et internt arbejdsredskab" that needs "en fleksibel og dynamisk
tilgang"; the rules in ``rules.yaml`` are this project's own reading, so the adviser's judgement wins.

:func:`adviser_typology` validates the override at the boundary (an unknown typology or a missing reason
is refused, naming the field, the value and what is allowed, Danish first) into a frozen
:class:`TypologyOverride`. ``recommend(citizen, typology=..., reason=...)`` then ranks with that
typology's preferred order and guidance.

>>> adviser_typology("Fleksibelt jobmål", "Vil gerne arbejde, svarede 'intet jobmål'", "uncertain").code
'flexible'
>>> adviser_typology("flex", "x", "uncertain")  # doctest: +ELLIPSIS
Traceback (most recent call last):
recommender.errors.InvalidOverrideError: ...: typology (typologi): ...; mente du/did you mean 'flexible'?
>>> adviser_typology("flexible", "  ", "uncertain")  # doctest: +ELLIPSIS
Traceback (most recent call last):
recommender.errors.InvalidOverrideError: ...typology_reason (...): forventede/expected en begrundelse ...
"""

from __future__ import annotations

from dataclasses import dataclass

from recommender.citizen import parse_value
from recommender.errors import FieldProblem, InvalidOverrideError, did_you_mean
from recommender.vocab import TYPOLOGY, FieldSpec

__all__ = ["REASON", "TypologyOverride", "adviser_typology"]

#: The reason is free text like any other: checked for length, control characters and CPR numbers.
REASON = FieldSpec(
    "typology_reason",
    "str",
    "begrundelse for rådgiverens typologi",
    "reason for the adviser's typology",
    max_length=500,
)
_TYPOLOGY = FieldSpec("typology", "code", "typologi", "typology", scale=TYPOLOGY)


@dataclass(frozen=True)
class TypologyOverride:
    """The typology the adviser set (``code``), her reason, and the typology the rules gave."""

    code: str
    reason: str
    rules_code: str

    @property
    def changed(self) -> bool:
        return self.code != self.rules_code

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "label_da": TYPOLOGY.label(self.code, "da"),
            "label_en": TYPOLOGY.label(self.code, "en"),
            "reason": self.reason,
            "rules_code": self.rules_code,
            "rules_label_da": TYPOLOGY.label(self.rules_code, "da"),
        }


def adviser_typology(typology: object, reason: object, rules_code: str) -> TypologyOverride:
    """Validate an override: ``typology`` a code or label of a typology, ``reason`` non-empty text."""
    code, problem = parse_value(_TYPOLOGY, typology)
    if problem is not None:
        if isinstance(typology, str) and problem.suggestion is None:
            words = [w for item in TYPOLOGY.items for w in (item.code, item.da, item.en)]
            match = did_you_mean(typology, words)
            problem = FieldProblem(
                problem.field,
                problem.value,
                problem.expected,
                problem.label_da,
                problem.allowed,
                TYPOLOGY.parse(match) if match else None,
            )
        raise InvalidOverrideError(problem)
    if reason is None or (isinstance(reason, str) and not reason.strip()):
        raise InvalidOverrideError(
            FieldProblem(REASON.name, reason, "en begrundelse (påkrævet) / a reason (required)", REASON.da)
        )
    text, problem = parse_value(REASON, reason)
    if problem is not None:
        raise InvalidOverrideError(problem)
    return TypologyOverride(str(code), str(text), rules_code)
