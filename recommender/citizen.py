"""The validated intake record of one citizen (spec §3).

A :class:`Citizen` is built once at the boundary, from a mapping of codes, Danish labels or English
labels, and is frozen afterwards: everything inside the package trusts it. A bad record raises one
:class:`~recommender.errors.InvalidCitizenError` that lists every bad field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from recommender.errors import FieldProblem, InvalidCitizenError, did_you_mean
from recommender.vocab import BOOLEAN, FIELDS, MUNICIPALITIES, FieldSpec

__all__ = ["Citizen", "parse_value"]

_MISSING: Any = type("_Missing", (), {"__repr__": lambda self: "<missing>"})()
_INT = re.compile(r"^[+-]?\d{1,9}$")
# A Danish CPR number: DDMMYY followed by four digits, with or without a dash or space.
_CPR = re.compile(r"(?<!\d)(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2])\d{2}[-\s]?\d{4}(?!\d)")
# Control characters, lone surrogates and private-use characters: never typed text, break output.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff]")
_KNOWN_MUNICIPALITIES = {m.casefold(): m for m in MUNICIPALITIES} | {"århus": "Aarhus"}


def _problem(spec: FieldSpec, value: object, **kw: Any) -> FieldProblem:
    expected = kw.pop("expected", None) or spec.expected()
    allowed = spec.scale.codes if spec.scale is not None else ()
    return FieldProblem(spec.name, value, expected, spec.da, allowed, **kw)


def parse_value(spec: FieldSpec, value: object) -> tuple[object, FieldProblem | None]:
    """Normalise one field's value; return ``(value, None)`` or ``(None, problem)``.

    >>> from recommender.vocab import FIELDS
    >>> parse_value(FIELDS["danish_course"], " DanskUddannelse 2 ")
    ('du2', None)
    >>> parse_value(FIELDS["children_under_18"], True)[1].expected
    'a whole number / et heltal 0–20'
    """
    if value is None or value is _MISSING:
        if spec.required:
            return None, _problem(spec, value, expected="a value (required) / en værdi (påkrævet)")
        return spec.default, None
    if spec.kind == "code":
        assert spec.scale is not None
        if isinstance(value, str):
            if not value.strip() and not spec.required:
                return None, None
            code = spec.scale.parse(value)
            if code is not None:
                return code, None
            return None, _problem(spec, value, suggestion=_suggest(spec, value))
        # YAML 1.1 and JSON give booleans for bare yes/no: never read them as a code.
        hint = ("yes" if value else "no") if isinstance(value, bool) and "yes" in spec.scale else None
        return None, _problem(spec, value, suggestion=hint)
    if spec.kind == "int":
        number: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str) and _INT.match(value.strip()):
            number = int(value.strip())
        if number is None or not (spec.low <= number <= spec.high):  # type: ignore[operator]
            return None, _problem(spec, value)
        return number, None
    if spec.kind == "bool":
        if isinstance(value, bool):
            return value, None
        if isinstance(value, str):
            code = BOOLEAN.parse(value)
            if code is not None:
                return code == "true", None
        return None, _problem(spec, value)
    # free text
    if not isinstance(value, str):
        return None, _problem(spec, value)
    text = value.strip()
    if spec.max_length is not None and len(text) > spec.max_length:
        return None, _problem(spec, value)
    if not text:
        if spec.required:
            return None, _problem(spec, value, expected="non-empty text / ikke-tom tekst")
        return None, None
    if _CONTROL.search(text):
        return None, _problem(spec, value, expected="text without control characters / tekst uden "
                                                    "kontroltegn")
    if spec.name == "citizen_id" and _CPR.search(text):
        return None, _problem(spec, value, show=False,
                              expected="a pseudonymous id, never a CPR number / et pseudonymt id, "
                                       "aldrig et CPR-nummer")
    if spec.name == "municipality":
        text = _KNOWN_MUNICIPALITIES.get(text.casefold(), text)
    return text, None


def _suggest(spec: FieldSpec, value: str) -> str | None:
    assert spec.scale is not None
    words = [w for item in spec.scale.items for w in (item.code, item.da, item.en)]
    match = did_you_mean(value, words)
    return spec.scale.parse(match) if match else None


@dataclass(frozen=True, kw_only=True, repr=False)
class Citizen:
    """A validated intake record (spec §3). Build it with :meth:`from_dict` or keyword arguments.

    Values may be codes, Danish labels or English labels; they are stored as codes.

    >>> c = Citizen.from_dict({
    ...     "citizen_id": "P500-0001", "municipality": "aarhus", "years_in_denmark": 4,
    ...     "children_under_18": 2, "danish_course": "Danskuddannelse 2", "education_home": "grundskole",
    ...     "education_dk": "ingen", "contact_route": "opsøgende kontakt", "active_job_seeker": "delvist",
    ...     "geographically_mobile": "ja", "searches_broadly": "Ja", "can_start_within_14_days": "yes",
    ...     "wants_employment": "ja", "language_sufficient": "i nogen grad", "spouse_support": "i høj grad",
    ...     "network_use": "i lav grad", "job_goal_level": "ufaglært", "education_plan": "nej"})
    >>> c.danish_course, c.municipality, c.education_plan
    ('du2', 'Aarhus', False)
    >>> Citizen.from_dict({"citizen_id": "x"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    recommender.errors.InvalidCitizenError: Ugyldigt borgerdata / invalid citizen record (17 fejl/problems): municipality (kommune): expected a value (required) / en værdi (påkrævet); got <missing>; ...
    """

    citizen_id: str = _MISSING
    municipality: str = _MISSING
    years_in_denmark: int = _MISSING
    children_under_18: int = _MISSING
    danish_course: str = _MISSING
    education_home: str = _MISSING
    education_dk: str = _MISSING
    contact_route: str = _MISSING
    active_job_seeker: str = _MISSING
    geographically_mobile: str = _MISSING
    searches_broadly: str = _MISSING
    can_start_within_14_days: str = _MISSING
    wants_employment: str = _MISSING
    language_sufficient: str = _MISSING
    spouse_support: str = _MISSING
    network_use: str = _MISSING
    job_goal_level: str = _MISSING
    job_goal: str | None = None
    education_plan: bool = _MISSING
    entrepreneurship_interest: bool = False
    gender: str | None = None
    origin: str | None = None
    nationality: str | None = None

    def __post_init__(self) -> None:
        problems = []
        for f in fields(self):
            value, problem = parse_value(FIELDS[f.name], getattr(self, f.name))
            if problem is not None:
                problems.append(problem)
            else:
                object.__setattr__(self, f.name, value)
        if problems:
            raise InvalidCitizenError(problems)

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Citizen:
        """Validate a mapping (e.g. parsed JSON) into a Citizen, or raise one error naming every bad field.

        Unknown fields are refused (with a did-you-mean suggestion), never ignored.
        """
        if isinstance(data, Citizen):
            return data
        if not isinstance(data, Mapping):
            raise InvalidCitizenError([FieldProblem(
                "<record>", data, "a mapping of field: value / et objekt med felt: værdi")])
        problems: list[FieldProblem] = []
        kwargs: dict[str, object] = {}
        for key, value in data.items():
            if not isinstance(key, str) or key.strip() not in FIELDS:
                shown = "<CPR-nummer/CPR number>" if _CPR.search(str(key)) else str(key)[:40]
                problems.append(FieldProblem(
                    shown, value, "a known field / et kendt felt",
                    suggestion=did_you_mean(key, FIELDS), show=False))
            elif key.strip() in kwargs:  # " wants_employment" and "wants_employment": which one?
                problems.append(FieldProblem(key.strip(), value, "each field once / hvert felt én gang",
                                             FIELDS[key.strip()].da, show=False))
            else:
                kwargs[key.strip()] = value
        for name, spec in FIELDS.items():
            value, problem = parse_value(spec, kwargs.get(name, _MISSING))
            if problem is not None:
                problems.append(problem)
            else:
                kwargs[name] = value
        if problems:
            raise InvalidCitizenError(problems)
        return cls(**kwargs)  # type: ignore[arg-type]

    def to_dict(self) -> dict[str, object]:
        """The record as codes, JSON-ready."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def __repr__(self) -> str:
        shown = ("citizen_id", "municipality", "job_goal_level", "wants_employment", "searches_broadly")
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
        return f"Citizen({inner}, …)"
