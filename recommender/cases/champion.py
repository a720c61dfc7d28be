"""The running service follows the registry's champion: promotions and rollbacks without a restart.

Every request first calls :meth:`ChampionWatcher.check`. At most once every
``registry_check_seconds`` (setting ``RECOMMENDER_REGISTRY_CHECK_SECONDS``, default 2; 0 checks on
every request) it reads one number, the id of the newest ``champion_events`` row (a primary-key
maximum: cheap on SQLite and PostgreSQL). When that number changed since the last look, the new
champion's file is taken from the registry (written once into ``<data dir>/models/``, checked against
its sha256), loaded, and swapped into the :class:`~recommender.cases.engine.EngineSlot` in one
reference assignment, with the rules in use. Only one request at a time checks or loads: the others
do not wait and are served by the engine in place, so no request fails or stalls during a switch, and
a request that started on the old model finishes on it. A champion that cannot be loaded (damaged
bytes, a library mismatch) is logged and the service keeps the model it has; it tries again after
the next interval. Before the first promotion, the service serves the configured (or built-in) model.
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import nullcontext
from pathlib import Path

from sqlalchemy.orm import Session

from recommender.cases.db import Database
from recommender.cases.engine import EngineSlot, RecommenderEngine

__all__ = ["ChampionWatcher"]

log = logging.getLogger("recommender.service")


class ChampionWatcher:
    """Swaps the served model when the registry's champion changes (see the module docstring)."""

    def __init__(self, slot: EngineSlot, db: Database, model_dir: Path, interval: float):
        self.slot, self.db, self.model_dir, self.interval = slot, db, Path(model_dir), float(interval)
        self._seen: int | None = None
        self._next = 0.0
        self._lock = threading.Lock()

    def due(self) -> bool:
        """Whether the next :meth:`check` would look at the registry (no I/O; the caller may then move
        the look off the event loop)."""
        return time.monotonic() >= self._next

    def check(self, session: Session | None = None) -> None:
        """Look at the registry if the interval has passed; swap the engine when the champion changed.
        Never raises: a failure is logged and the engine in place keeps serving. ``session``: the
        request's own session, used for the look so that a request never waits for a second database
        connection while it holds one (the embedded SQLite pool has exactly one)."""
        if time.monotonic() < self._next or not self._lock.acquire(blocking=False):
            return
        try:
            self._next = time.monotonic() + self.interval
            self._follow(session)
        except Exception as exc:
            log.error(
                "model registry check failed, serving %s: %s",
                self.slot.current.model_version,
                " ".join(str(exc).split())[:300],
            )
        finally:
            self._lock.release()

    def _follow(self, session: Session | None) -> None:
        from recommender import load_model
        from recommender.cases import registry

        with nullcontext(session) if session is not None else self.db.session() as reading:
            latest = registry.latest_event_id(reading)
            if latest == self._seen:
                return
            event = registry.champion(reading)
            assert event is not None
            path = registry.local_copy(event.model, self.model_dir)
        current = self.slot.current
        model = load_model(path)
        if model.version != current.model_version:
            self.slot.swap(RecommenderEngine(model=model, rules=current.rules))
            log.info(
                "serving model %s (champion event %s, was %s)", model.version, latest, current.model_version
            )
        self._seen = latest
