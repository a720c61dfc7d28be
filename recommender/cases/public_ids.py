"""The public id of a recommendation (issue 28): what URLs, the API, pages and the audit trail show.

The table's integer primary key stays internal (the decisions' and closures' foreign key); it is global
and sequential, so the gap between two of an adviser's own ids would tell how many recommendations other
municipalities made. Outside the database a recommendation is named only by its public id: 22 URL-safe
characters (``secrets.token_urlsafe(16)``: 128 random bits), drawn when the recommendation is stored,
unique, and never shaped like a CPR number.

>>> pid = new_public_id()
>>> len(pid), is_public_id(pid), is_public_id("1"), is_public_id(pid[:-1] + "!")
(22, True, False, False)
"""

from __future__ import annotations

import re
import secrets

from recommender.text import has_cpr

__all__ = ["PUBLIC_ID_LENGTH", "PUBLIC_ID_PATTERN", "is_public_id", "new_public_id"]

PUBLIC_ID_LENGTH = 22
#: The shape of a public id (what the OpenAPI schema documents for the path parameter).
PUBLIC_ID_PATTERN = rf"^[A-Za-z0-9_-]{{{PUBLIC_ID_LENGTH}}}$"
_SHAPE = re.compile(PUBLIC_ID_PATTERN)


def new_public_id() -> str:
    """A fresh public id: 128 random bits, URL-safe base64 (never one holding a CPR-shaped run)."""
    while True:
        candidate = secrets.token_urlsafe(16)
        if not has_cpr(candidate):  # about one draw in ten million would hold ten digits in a row
            return candidate


def is_public_id(value: object) -> bool:
    """Whether ``value`` has the shape of a public id (a string of 22 characters A–Z a–z 0–9 - _)."""
    return isinstance(value, str) and _SHAPE.fullmatch(value) is not None
