"""Option types shared by the commands: whole numbers in a range, refused with one clear line."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date

__all__ = ["MAX_SEED", "iso_date", "whole_number"]

MAX_SEED = 2**32 - 1  # scikit-learn and numpy seeds


def whole_number(low: int, high: int) -> Callable[[str], int]:
    """An argparse ``type`` for a whole number ``low``–``high``; anything else is a usage error (exit 2).

    >>> whole_number(0, 10)("7")
    7
    >>> whole_number(0, 10)("-1")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    argparse.ArgumentTypeError: expected a whole number 0–10 / et heltal 0–10; got '-1'
    """

    def parse(text: str) -> int:
        value = None
        stripped = text.strip()
        if len(stripped) <= 20 and stripped.lstrip("+-").isdigit():
            value = int(stripped)
        if value is None or not low <= value <= high:
            shown = text if len(text) <= 24 else text[:24] + "…"
            raise argparse.ArgumentTypeError(
                f"expected a whole number {low}–{high:,} / et heltal {low}–{high:,}; got {shown!r}"
            )
        return value

    return parse


def iso_date(text: str) -> date:
    """An argparse ``type``: a date YYYY-MM-DD; anything else is a usage error (exit 2).

    >>> iso_date("2026-11-25")
    datetime.date(2026, 11, 25)
    """
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD / en dato; got {text[:30]!r}") from None
