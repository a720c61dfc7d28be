"""The scorer seam: how one model family turns citizens into probabilities (issue 29).

:class:`~recommender.model.OutcomeModel` keeps the manifest, the intervals, the support flags and the
reasons; all prediction goes through one :class:`Scorer`, one implementation per model family:

* :class:`LinearScorer`: a logistic regression's exact numpy tables (:mod:`.linear`);
* :class:`BlendScorer`: a blend's linear tables, compiled trees and prior (:mod:`.lean_blend`);
* :class:`PipelineScorer`: the fitted scikit-learn pipeline and its bootstrap refits (any other
  model, and the reference the other two are tested against to 1e-9).

A scorer first turns citizens into its own *rows* — a prepared frame (:meth:`Scorer.rows`), or one
citizen's record followed by its input variants, each the record with one field changed
(:meth:`Scorer.citizen_rows`; the table scorers encode the record once and patch one field per
variant) — and then gives the point model's probabilities, every bootstrap draw's, or both at once
for a citizen and its variants (:meth:`Scorer.citizen`), and the propensity of each offer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

import numpy as np

from recommender.modelling.fitted import FittedObjects, reorder
from recommender.modelling.lean_blend import BlendTables, BlendVector
from recommender.modelling.linear import CitizenVector, LinearTables, softmax
from recommender.vocab import OFFER, OUTCOME

if TYPE_CHECKING:
    import pandas as pd

    from recommender.modelling.schema import FeatureSchema

__all__ = ["BLOCK_ROWS", "BlendScorer", "CitizenScores", "LinearScorer", "PipelineScorer", "Scorer"]

BLOCK_ROWS = 2048  # citizens per block when the table scorers compute every draw of a batch


class CitizenScores(NamedTuple):
    """One citizen and its input variants: ``draws`` (B+1, offers, outcomes) of the citizen (row 0
    the point model), ``points`` (m, offers, outcomes) of the citizen and each variant, and
    ``propensity`` (offers,) of the citizen."""

    draws: np.ndarray
    points: np.ndarray
    propensity: np.ndarray


class Scorer(Protocol):
    """Prediction for one model family. Probabilities are in ``OFFER.codes`` × ``OUTCOME.codes``
    order; ``draws`` has the point model first, then the ``n_draws`` bootstrap refits."""

    #: whether it serves one citizen from numpy tables, without scikit-learn or pandas
    lean: bool

    def rows(self, X: pd.DataFrame) -> Any:
        """The scorer's rows of a prepared frame (``modelling.features.prepare``)."""

    def citizen_rows(self, record: Mapping[str, object], changes: Sequence[tuple[str, object]] = ()) -> Any:
        """Rows of one record (codes, e.g. ``Citizen.to_dict()``), then one per (field, value) change."""

    def point(self, rows: Any) -> np.ndarray:
        """(n, offers, outcomes) the point model's probabilities."""

    def draws(self, rows: Any) -> np.ndarray:
        """(B+1, n, offers, outcomes) the point model's and every bootstrap draw's probabilities."""

    def citizen(self, rows: Any) -> CitizenScores:
        """The first row's draws and propensity and every row's point probabilities, at once."""

    def propensity(self, rows: Any) -> np.ndarray:
        """(n, offers) P(offer | citizen)."""

    def canonical(self, name: str, value: object) -> object:
        """A field value as the model encodes it (to compare a value with the baseline)."""


class _TableScorer:
    """What the two table scorers share: rows are encoded vectors (one per citizen)."""

    lean = True
    vector: CitizenVector | BlendVector
    tables: LinearTables | BlendTables

    def rows(self, X: pd.DataFrame) -> np.ndarray:
        return self.vector.encode_frame(X)

    def citizen_rows(
        self, record: Mapping[str, object], changes: Sequence[tuple[str, object]] = ()
    ) -> np.ndarray:
        x = self.vector.encode(record)
        return np.stack([x, *(self.vector.patch(x, name, value) for name, value in changes)])

    def point(self, rows: np.ndarray) -> np.ndarray:
        return self.tables.point_proba(rows)

    def draws(self, rows: np.ndarray) -> np.ndarray:
        out = np.empty((self.tables.n_draws + 1, len(rows), len(OFFER.codes), len(OUTCOME.codes)))
        for start in range(0, len(rows), BLOCK_ROWS):  # bounds the trees' work arrays
            out[:, start : start + BLOCK_ROWS] = self.tables.proba(rows[start : start + BLOCK_ROWS])
        return out

    def canonical(self, name: str, value: object) -> object:
        return value if name in self.vector.schema.numeric else self.vector.canonical(name, value)

    def arrays(self) -> dict[str, np.ndarray]:
        """The tables as plain arrays (what a model file stores)."""
        return {**self.vector.to_arrays(), **self.tables.to_arrays()}


class LinearScorer(_TableScorer):
    """A linear model from its exact tables: one matrix product per draw, no scikit-learn."""

    vector: CitizenVector
    tables: LinearTables

    def __init__(self, vector: CitizenVector, tables: LinearTables) -> None:
        self.vector, self.tables = vector, tables

    def citizen(self, rows: np.ndarray) -> CitizenScores:
        return CitizenScores(
            self.tables.proba(rows[0]), self.tables.point_proba(rows), self.tables.propensity(rows[0])
        )

    def propensity(self, rows: np.ndarray) -> np.ndarray:
        return self.tables.propensity_many(rows)


class BlendScorer(_TableScorer):
    """A blend from its tables: linear members, compiled trees (one walk per call) and the prior."""

    vector: BlendVector
    tables: BlendTables

    def __init__(self, vector: BlendVector, tables: BlendTables) -> None:
        self.vector, self.tables = vector, tables

    def citizen(self, rows: np.ndarray) -> CitizenScores:
        draws, points = self.tables.citizen(rows)
        return CitizenScores(draws, points, self.tables.propensity(rows[0]))

    def propensity(self, rows: np.ndarray) -> np.ndarray:
        return self.tables.linear.propensity_many(rows[:, : self.vector.width])


class PipelineScorer:
    """Any fitted model through its scikit-learn pipeline (objects loaded on first use)."""

    lean = False

    def __init__(self, fitted: Callable[[], FittedObjects], schema: FeatureSchema) -> None:
        self._fitted, self._schema = fitted, schema

    def rows(self, X: pd.DataFrame) -> pd.DataFrame:
        return X

    def citizen_rows(
        self, record: Mapping[str, object], changes: Sequence[tuple[str, object]] = ()
    ) -> pd.DataFrame:
        import pandas as pd

        from recommender.modelling.features import prepare

        records = [record, *({**record, name: value} for name, value in changes)]
        return prepare(pd.DataFrame(records), self._schema)

    def _proba(self, X: pd.DataFrame, clfs: Sequence[Any]) -> np.ndarray:
        import pandas as pd

        sk = self._fitted()
        n, n_off = len(X), len(OFFER.codes)
        stacked = pd.concat([X] * n_off, ignore_index=True)
        stacked["offer"] = np.repeat(np.array(OFFER.codes, dtype=object), n)
        Z = sk.encode.transform(stacked)
        out = np.empty((len(clfs), n, n_off, len(OUTCOME.codes)))
        for b, clf in enumerate(clfs):
            p = softmax(sk.beta * np.asarray(clf.decision_function(Z)))
            out[b] = reorder(p, sk.perm).reshape(n_off, n, -1).transpose(1, 0, 2)
        return out

    def point(self, rows: pd.DataFrame) -> np.ndarray:
        return self._proba(rows, [self._fitted().clf])[0]

    def draws(self, rows: pd.DataFrame) -> np.ndarray:
        sk = self._fitted()
        return self._proba(rows, [sk.clf, *sk.boot])

    def citizen(self, rows: pd.DataFrame) -> CitizenScores:
        first = rows.iloc[:1]
        return CitizenScores(self.draws(first)[:, 0], self.point(rows), self.propensity(first)[0])

    def propensity(self, rows: pd.DataFrame) -> np.ndarray:
        sk = self._fitted()
        return reorder(sk.propensity.predict_proba(rows), sk.prop_perm)

    def canonical(self, name: str, value: object) -> object:
        return value
