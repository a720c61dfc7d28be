"""The directions the evaluation report documents (package data ``data/directions.yaml``).

A :class:`FieldDirection` says that, by the report, a higher ``level`` of an intake answer goes with a
higher share of a closure measure (e.g. tabel 4: danskuddannelse 3 more often in the labour force than
no Danish course). An :class:`OfferDirection` says which closure is more common within one offer, or
(``recipients``) in which order the offers' recipients close in the labour force (tabel 38).

:func:`against_report` tells whether an input reason ("value X, against the common value Y, goes with a
higher/lower expected value") states an association against a documented direction; ``recommend()``
leaves such reasons out (docs/model.md, "Reasons and the report's directions").

>>> d = field_directions()[0]
>>> d.field, d.compare("du3", "none"), d.compare("du1", "none"), d.compare("du3", "unknown")
('danish_course', 1, 0, 0)
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

import yaml

from recommender import process_cache

if TYPE_CHECKING:
    from recommender.modelling.estimates import Reason

__all__ = ["FieldDirection", "OfferDirection", "against_report", "field_directions", "offer_directions"]


@dataclass(frozen=True)
class FieldDirection:
    """A documented direction between one intake answer and the closure."""

    name: str
    field: str
    source: str
    measure: str  # "labour_force" or "job_or_education"
    levels: tuple[tuple[str, int], ...]
    figures: str
    quote: str

    def compare(self, value: object, other: object) -> int:
        """+1 when the report puts ``value`` above ``other``, -1 below, 0 when it does not compare them."""
        lv = dict(self.levels)
        a, b = lv.get(str(value)), lv.get(str(other))
        if a is None or b is None or a == b:
            return 0
        return 1 if a > b else -1


@dataclass(frozen=True)
class OfferDirection:
    """A documented direction within one offer (``more`` closure above ``less``) or, with
    ``recipients``, the order of the offers' recipients by their share in the labour force."""

    name: str
    source: str
    figures: str
    quote: str
    offer: str | None = None
    more: str | None = None
    less: str | None = None
    recipients: tuple[str, ...] = ()


def _data() -> dict:
    text = process_cache.remember(
        "directions",
        lambda: resources.files("recommender").joinpath("data/directions.yaml").read_text(encoding="utf-8"),
    )
    return yaml.safe_load(text)


def field_directions() -> tuple[FieldDirection, ...]:
    """The documented directions between an intake answer and the closure, in the file's order (read
    once per process: ``recommend()`` asks for every reason it shows)."""
    return process_cache.remember("field_directions", _field_directions)


def _field_directions() -> tuple[FieldDirection, ...]:
    return tuple(
        FieldDirection(
            d["name"],
            d["field"],
            d["source"],
            d["measure"],
            tuple((str(k), int(v)) for k, v in d["levels"].items()),
            d["figures"],
            " ".join(d["quote"].split()),
        )
        for d in _data()["fields"]
    )


def offer_directions() -> tuple[OfferDirection, ...]:
    """The documented directions by offer (tabel 38), in the file's order (read once per process)."""
    return process_cache.remember("offer_directions", _offer_directions)


def _offer_directions() -> tuple[OfferDirection, ...]:
    return tuple(
        OfferDirection(
            d["name"],
            d["source"],
            d["figures"],
            " ".join(d["quote"].split()),
            d.get("offer"),
            d.get("more"),
            d.get("less"),
            tuple(d.get("recipients", ())),
        )
        for d in _data()["offers"]
    )


def against_report(reason: Reason) -> FieldDirection | None:
    """The documented direction ``reason`` goes against, or ``None``.

    A reason compares the citizen's value with the common (baseline) value and says it goes with a
    higher (``+``) or lower (``-``) expected value; it goes against a direction that ranks the two
    values the other way.
    """
    for d in field_directions():
        if d.field != reason.field:
            continue
        expected = d.compare(reason.value, reason.baseline)
        if expected and (1 if reason.direction == "+" else -1) != expected:
            return d
    return None
