"""Reading one citizen from a JSON file or text: strict JSON, clear errors, never a traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path

from recommender.citizen import Citizen
from recommender.errors import FieldProblem, InvalidCitizenError, RecommenderError
from recommender.files import read_input
from recommender.text import show_key

__all__ = ["read_citizen_json", "parse_citizen_json"]

MAX_BYTES = 1_000_000  # an intake record is a few hundred bytes; anything near this is not one


def _reject_constant(name: str) -> None:
    raise RecommenderError(
        f"citizen JSON: expected numbers, strings, true/false or null; got {name} "
        f"/ borger-JSON: {name} er ikke en gyldig værdi"
    )


class _HugeNumber:
    """A JSON integer too long for any field (Python refuses to read ints over 4300 digits)."""

    def __init__(self, digits: str):
        self.n_digits = len(digits.lstrip("-"))

    def __repr__(self) -> str:
        return f"<tal/number med/with {self.n_digits} cifre/digits>"


def _parse_int(digits: str) -> object:
    # Validation then names the field that holds it, like any other value of the wrong kind.
    return int(digits) if len(digits) <= 40 else _HugeNumber(digits)


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in pairs:
        if key in out:
            raise InvalidCitizenError(
                [FieldProblem(show_key(key), value, "each field once / hvert felt én gang", show=False)]
            )
        out[key] = value
    return out


def parse_citizen_json(text: str, source: str = "<json>") -> Citizen:
    """Parse the text of one JSON object into a validated Citizen.

    >>> parse_citizen_json('[1, 2]')  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    recommender.errors.RecommenderError: <json>: expected one JSON object {...} with the intake fields; got a list ...
    """  # noqa: E501
    if not text.strip():
        raise RecommenderError(
            f"{source}: expected one JSON object with the intake fields; got an empty file / tom fil"
        )
    try:
        data = json.loads(
            text, parse_constant=_reject_constant, parse_int=_parse_int, object_pairs_hook=_no_duplicates
        )
    except json.JSONDecodeError as exc:
        raise RecommenderError(
            f"{source}: expected JSON; got invalid JSON at line {exc.lineno}, column "
            f"{exc.colno}: {exc.msg} / ugyldig JSON"
        ) from None
    except RecursionError:
        raise RecommenderError(
            f"{source}: expected one flat JSON object; got one nested too deeply"
        ) from None
    if not isinstance(data, dict):
        kind = {
            list: "a list",
            str: "a string",
            int: "a number",
            float: "a number",
            bool: "true/false",
            type(None): "null",
        }.get(type(data), type(data).__name__)
        raise RecommenderError(
            f"{source}: expected one JSON object {{...}} with the intake fields; got "
            f"{kind} / forventede ét JSON-objekt med borgerens felter"
        )
    return Citizen.from_dict(data)


def read_citizen_json(path: str | os.PathLike[str]) -> Citizen:
    """Read and validate one citizen from a JSON file (UTF-8)."""
    p = Path(path)
    data = read_input(
        p,
        limit=MAX_BYTES,
        what="JSON file",
        error=lambda message: RecommenderError(
            f"{p}: expected one intake record (a JSON file of a few hundred bytes); {message}"
        ),
    )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RecommenderError(
            f"{p}: expected UTF-8 JSON text; got bytes that are not UTF-8 / ikke UTF-8-tekst"
        ) from None
    return parse_citizen_json(text, str(p))
