"""The process's caches, in one place: what is loaded once and then shared by every call.

Held here: the packaged rules (``"rules"``), the built-in outcome model (``"default_model"``) and the
published figures' text (``"figures"``). Each value is built on first use under one re-entrant lock
(building the model loads the rules), so concurrent first calls build it once; values are immutable
or used read-only. :func:`reset` forgets them all (for tests that change what a build would read).

>>> calls = []
>>> remember("doctest-example", lambda: calls.append(1) or "built")
'built'
>>> remember("doctest-example", lambda: calls.append(1) or "again"), len(calls)
('built', 1)
>>> reset()
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

__all__ = ["remember", "reset"]

T = TypeVar("T")
_LOCK = threading.RLock()
_VALUES: dict[str, object] = {}


def remember(name: str, build: Callable[[], T]) -> T:
    """The value cached under ``name``, built by ``build()`` on first use (thread-safe)."""
    with _LOCK:
        if name not in _VALUES:
            _VALUES[name] = build()
        return _VALUES[name]  # type: ignore[return-value]


def reset() -> None:
    """Forget every cached value; the next use rebuilds it."""
    with _LOCK:
        _VALUES.clear()
