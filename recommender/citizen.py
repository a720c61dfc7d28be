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
from recommender.text import CONTROL, FORMULA_START, has_cpr, municipality_key, normalise, show_key
from recommender.vocab import BOOLEAN, FIELDS, MUNICIPALITIES, FieldSpec

__all__ = ["Citizen", "known_municipality", "parse_value"]

_MISSING: Any = type("_Missing", (), {"__repr__": lambda self: "<missing>"})()
_INT = re.compile(r"^[+-]?\d{1,9}$")
_KNOWN_MUNICIPALITIES = {municipality_key(m): m for m in MUNICIPALITIES} | {
    municipality_key("Århus"): "Aarhus"
}


def known_municipality(name: str) -> str | None:
    """The known spelling of a municipality name however it is spelt, or None for an unknown one.

    >>> known_municipality("Hjorring"), known_municipality("lyngby–taarbaek"), known_municipality("Odense")
    ('Hjørring', 'Lyngby-Taarbæk', None)
    """
    return _KNOWN_MUNICIPALITIES.get(municipality_key(name))


def _scalar(value: object) -> object:
    """numpy scalars as their Python value, pandas NA/NaT and float NaN as missing (like an empty cell)."""
    if value is None or isinstance(value, (str, bool, int)) or value is _MISSING:
        return value
    if isinstance(value, float):
        return None if value != value else value
    kind = type(value).__module__.split(".")[0]
    if kind == "numpy" and hasattr(value, "item"):
        return _scalar(value.item())
    if kind == "pandas" and type(value).__name__ in ("NAType", "NaTType"):
        return None
    return value


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
    'et heltal / a whole number 0–20'
    """
    value = _scalar(value)
    if isinstance(value, str):
        value = normalise(value)
    if value is None or value is _MISSING:
        if spec.required:
            return None, _problem(spec, value, expected="en værdi / a value (påkrævet/required)")
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
            return None, _problem(spec, value, expected="ikke-tom tekst / non-empty text")
        return None, None
    if has_cpr(text):  # in every free-text field, first (never echoed)
        expected = (
            "et pseudonymt id, aldrig et CPR-nummer / a pseudonymous id, never a CPR number"
            if spec.name == "citizen_id"
            else "tekst uden CPR-nummer / text without a CPR number"
        )
        return None, _problem(spec, value, show=False, expected=expected)
    if CONTROL.search(text):
        return None, _problem(
            spec,
            value,
            expected="tekst uden kontroltegn / text without control characters or direction marks",
        )
    if text.startswith(FORMULA_START):  # a spreadsheet would run it as a formula (CSV injection)
        return None, _problem(
            spec,
            value,
            expected="tekst der ikke begynder med = + - eller @ / text that does not start with = + - or @",
        )
    if spec.name == "municipality":
        text = known_municipality(text) or text
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
    recommender.errors.InvalidCitizenError: Ugyldigt borgerdata / invalid citizen record (17 fejl/problems): municipality (kommune): forventede/expected en værdi / a value (påkrævet/required); fik/got <missing>; ...
    """  # noqa: E501

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
    integration_programme: str = "unknown"
    health_barrier: str = "unknown"
    work_experience: str = "unknown"
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
        # what was checked, by identity: from_dict trusts this exact object while its fields are these
        object.__setattr__(
            self, "_checked", tuple(object.__getattribute__(self, f.name) for f in fields(self))
        )

    def _unaltered(self) -> bool:
        """Validated as a :class:`Citizen` and not altered since (``object.__setattr__``)."""
        checked = self.__dict__.get("_checked")
        return checked is not None and all(
            a is object.__getattribute__(self, f.name) for a, f in zip(checked, fields(Citizen), strict=True)
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, object] | Citizen) -> Citizen:
        """Validate a mapping (e.g. parsed JSON) into a Citizen, or raise one error naming every bad field.

        Unknown fields are refused (with a did-you-mean suggestion), never ignored.
        """
        if type(data) is Citizen and Citizen._unaltered(data):
            return data  # validated at the boundary and unaltered since: trusted, not parsed again
        if isinstance(data, Citizen):
            # Checked again: a subclass, or an object altered after validation (object.__setattr__),
            # must not reach the model unchecked. Read the stored fields, not overridable methods.
            data = {f.name: object.__getattribute__(data, f.name) for f in fields(Citizen)}
        if not isinstance(data, Mapping):
            raise InvalidCitizenError(
                [FieldProblem("<record>", data, "et objekt med felt: værdi / a mapping of field: value")]
            )
        problems: list[FieldProblem] = []
        kwargs: dict[str, object] = {}
        for raw_key, value in data.items():
            key = normalise(raw_key).strip() if isinstance(raw_key, str) else raw_key
            if not isinstance(key, str) or key not in FIELDS:
                problems.append(
                    FieldProblem(
                        show_key(raw_key),
                        value,
                        "et kendt felt / a known field",
                        suggestion=did_you_mean(key, FIELDS),
                        show=False,
                    )
                )
            elif key in kwargs:  # " wants_employment" and "wants_employment": which one?
                problems.append(
                    FieldProblem(
                        key, value, "hvert felt én gang / each field once", FIELDS[key].da, show=False
                    )
                )
            else:
                kwargs[key] = value
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
