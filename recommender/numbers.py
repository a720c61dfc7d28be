"""How numbers are written for people: one home for decimals and percentages, in Danish or English.

Danish writes a decimal comma (``0,25``) and groups thousands with a point (``230.400``); English the
other way round. A missing value (``None`` or NaN) is written as a dash. The adviser's screen, the web
page, the wording of reasons and the analysts' reports all write their numbers with these two functions,
so the same estimate reads the same everywhere.

>>> decimal(0.5), decimal(0.5, lang="en"), decimal(230400, 0, grouped=True), decimal(-0.01, 3, sign=True)
('0,50', '0.50', '230.400', '-0,010')
>>> decimal(0.25, None), decimal(1.0, None), decimal(None)
('0,25', '1', '–')
>>> percent(0.456), percent(0.4567, 1), percent(0.4567, 1, "en"), percent(None)
('46 %', '45,7 %', '45.7 %', '–')
"""

from __future__ import annotations

__all__ = ["MISSING", "decimal", "percent"]

MISSING = "–"
_DANISH = str.maketrans({",": ".", ".": ","})


def _missing(x: object) -> bool:
    return x is None or x != x  # NaN is the one value not equal to itself


def decimal(
    x: float | None, digits: int | None = 2, lang: str = "da", *, sign: bool = False, grouped: bool = False
) -> str:
    """``x`` with ``digits`` decimals (a decimal comma in Danish; ``None``: as few as it needs, ``0,25``,
    ``1``); ``sign``: always a sign; ``grouped``: thousands grouped (``230.400`` in Danish)."""
    if _missing(x):
        return MISSING
    form = "g" if digits is None else f".{digits}f"
    text = f"{float(x):{'+' if sign else ''}{',' if grouped else ''}{form}}"  # type: ignore[arg-type]
    return text.translate(_DANISH) if lang == "da" else text


def percent(share: float | None, digits: int = 0, lang: str = "da", *, grouped: bool = False) -> str:
    """A share (0–1) as a percentage with ``digits`` decimals and a space before ``%``."""
    if _missing(share):
        return MISSING
    return f"{decimal(100 * float(share), digits, lang, grouped=grouped)} %"  # type: ignore[arg-type]
