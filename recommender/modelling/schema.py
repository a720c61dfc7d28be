"""The outcome model's feature schema: which fields it reads and each categorical field's categories.

Plain data (no pandas, no scikit-learn), so a saved model can be served without either; the schema is
built from a cohort by :func:`recommender.modelling.features.build_schema`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["OTHER", "UNKNOWN", "FeatureSchema"]

OTHER = "other"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class FeatureSchema:
    """The fields the outcome model reads: categorical ones with their categories, numeric ones.

    >>> from recommender.modelling.features import build_schema
    >>> schema = build_schema()
    >>> [name for name, _ in schema.categorical][:3]
    ['municipality', 'danish_course', 'education_home']
    >>> schema.numeric, schema.allow_protected
    (('years_in_denmark', 'children_under_18'), False)
    """

    categorical: tuple[tuple[str, tuple[str, ...]], ...]
    numeric: tuple[str, ...]
    allow_protected: bool = False

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.categorical) + self.numeric

    @property
    def categories(self) -> dict[str, tuple[str, ...]]:
        return dict(self.categorical)

    def to_dict(self) -> dict[str, object]:
        return {
            "categorical": {k: list(v) for k, v in self.categorical},
            "numeric": list(self.numeric),
            "allow_protected": self.allow_protected,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> FeatureSchema:
        cats: Any = data["categorical"]  # a mapping read back from a model file is in sorted order
        numeric: Any = data["numeric"]
        pairs = cats.items() if isinstance(cats, Mapping) else cats
        return cls(
            tuple((str(k), tuple(str(c) for c in v)) for k, v in pairs),
            tuple(str(n) for n in numeric),
            bool(data["allow_protected"]),
        )

    def __repr__(self) -> str:
        return (
            f"FeatureSchema({len(self.categorical)} categorical, numeric={list(self.numeric)}, "
            f"allow_protected={self.allow_protected})"
        )
