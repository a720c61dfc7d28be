"""The served model and rules, held together in one immutable object behind an atomic reference.

A request reads :attr:`EngineSlot.current` once and uses that :class:`RecommenderEngine` for the
whole request, so a recommendation is never made with one model and stored with another's version.
:meth:`EngineSlot.swap` replaces the served model and rules in one reference assignment (atomic in
Python), without a restart and without a lock on the request path: requests already running finish
on the old engine, new ones get the new one (issue 15's champion/challenger promotion uses this).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from recommender import Citizen, Recommendation, recommend
from recommender.cases.tables import utcnow

if TYPE_CHECKING:
    from recommender.model import OutcomeModel
    from recommender.typology import RuleSet

__all__ = ["EngineSlot", "RecommenderEngine", "load_engine"]


@dataclass(frozen=True)
class RecommenderEngine:
    """One model and one rule set, and their versions."""

    model: OutcomeModel
    rules: RuleSet
    loaded_at: datetime = field(default_factory=utcnow)

    @property
    def model_version(self) -> str:
        return self.model.version

    @property
    def rules_version(self) -> str:
        return self.rules.version

    def recommend(
        self,
        citizen: Citizen | Mapping[str, object],
        *,
        typology: str | None = None,
        reason: str | None = None,
    ) -> Recommendation:
        """``recommender.recommend`` with this engine's model and rules (the CLI's function); with the
        adviser's ``typology`` and ``reason`` when given (issue 26)."""
        return recommend(citizen, model=self.model, rules=self.rules, typology=typology, reason=reason)

    def describe(self) -> dict[str, Any]:
        """Versions and the model card summary, JSON-ready (``GET /api/v1/model``)."""
        from recommender.recommending.recommend import model_info

        return {
            "model": model_info(self.model).to_dict(),
            "rules_version": self.rules_version,
            "outcome_weights": dict(self.rules.outcome_weights),
            "summary": _json_safe(self.model.summary),
            "loaded_at": self.loaded_at.isoformat(),
        }


def _json_safe(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def load_engine(model_path: str | None = None, rules_path: str | None = None) -> RecommenderEngine:
    """Load a model file and a rules file (the built-in ones by default) into an engine."""
    from recommender import load_model, load_rules

    return RecommenderEngine(model=load_model(model_path), rules=load_rules(rules_path))


class EngineSlot:
    """Holds the served engine; ``current`` is read without a lock, ``swap`` replaces it atomically."""

    def __init__(self, engine: RecommenderEngine):
        self._engine = engine
        self._write = threading.Lock()  # serialises swaps only; readers never take it

    @property
    def current(self) -> RecommenderEngine:
        return self._engine

    def swap(self, engine: RecommenderEngine) -> RecommenderEngine:
        """Serve ``engine`` from now on; return the one it replaced."""
        if not isinstance(engine, RecommenderEngine):
            raise TypeError(f"expected a RecommenderEngine; got {type(engine).__name__}")
        with self._write:
            old, self._engine = self._engine, engine
        return old
