"""The process's caches, in one place: what is loaded once and then shared by every call.

Held here: the packaged rules (``"rules"``), the built-in outcome model (``"default_model"``) and the
published figures' text (``"figures"``). Each value is built on first use under one re-entrant lock
(building the model loads the rules), so concurrent first calls build it once; values are immutable
or used read-only. :func:`reset` forgets them all (for tests that change what a build would read).

:func:`provide` names the function that gives a value a module needs but must not import (the package
front wires the built-in model: ``recommender.model.load_model(None)`` asks :func:`provided` for
``"default_model"``, which :mod:`recommender.modelling.default` builds with that very module's
``train`` and reads with its ``load_model``; so the two never import each other).

>>> calls = []
>>> remember("doctest-example", lambda: calls.append(1) or "built")
'built'
>>> remember("doctest-example", lambda: calls.append(1) or "again"), len(calls)
('built', 1)
>>> reset()
>>> provide("doctest-provided", lambda: "given"); provided("doctest-provided")
'given'
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

__all__ = ["provide", "provided", "remember", "reset"]

T = TypeVar("T")
_LOCK = threading.RLock()
_VALUES: dict[str, object] = {}
_PROVIDERS: dict[str, Callable[[], object]] = {}


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


def provide(name: str, give: Callable[[], object]) -> None:
    """From now on, :func:`provided` gives ``name`` by calling ``give()``."""
    _PROVIDERS[name] = give


def provided(name: str) -> object:
    """The value the function :func:`provide` named for ``name`` gives (``LookupError`` if none)."""
    give = _PROVIDERS.get(name)
    if give is None:
        raise LookupError(
            f"nothing provides {name!r}: recommender.process_cache.provide({name!r}, …) was never called"
        )
    return give()
