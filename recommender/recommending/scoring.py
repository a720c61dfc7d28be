"""Batch scoring (spec §8): one CSV row per citizen, vectorised, streamed in chunks.

Rules are evaluated with ``RuleSet.evaluate_frame``, the model with ``OutcomeModel.predict_batch``
and the ranking with :func:`~recommender.recommending.ranking.rank_matrix`: there is no per-citizen
Python loop. The input is read in chunks, so memory stays flat however many citizens the file holds;
the output is written to a temporary file beside the target and renamed into place only when every
chunk is done, so a failed or interrupted run never leaves a half-written or replaced file.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from recommender.files import atomic_output, check_output, spreadsheet_safe
from recommender.recommending.certainty import distinguishable, verdict_offers
from recommender.recommending.ordering import citizens_like, order_offers
from recommender.recommending.sparse import fewest_answers, thin_relied
from recommender.typology import RuleSet, load_rules
from recommender.vocab import OFFER, OUTCOME, TYPOLOGY

if TYPE_CHECKING:
    from recommender.model import OutcomeModel

__all__ = ["PROVENANCE_COLUMNS", "SCORE_COLUMNS", "ScoreSummary", "score_file", "score_frame"]

_P = {"job": "p_job", "education": "p_education", "active": "p_active", "other": "p_other"}
SCORE_COLUMNS: tuple[str, ...] = (
    "citizen_id",
    "typology",
    "labour_force_active",
    "top_offer",
    "distinguishable",
    *(
        f"{o}_{c}"
        for o in OFFER.codes
        for c in (
            "rank",
            "advised",
            "score",
            *(_P[k] for k in OUTCOME.codes),
            "support",
            "p_best",
            "rank_reason",
        )
    ),
)

#: Written after the §8 columns on every row of a score file: which model made it, and whether that model
#: uses protected attributes (gender, origin, nationality) as inputs.
PROVENANCE_COLUMNS: tuple[str, ...] = ("model_version", "protected_attributes_used")


def score_frame(frame: pd.DataFrame, model: OutcomeModel, rules: RuleSet) -> pd.DataFrame:
    """The §8 score columns for a validated frame of citizens (intake fields as codes).

    Gives the same typology, ranks, rank reasons, scores, probabilities and ``p_best`` as
    :func:`recommender.recommend` would for each citizen (a test checks this). ``<offer>_p_best`` is
    the share of the model's bootstrap draws in which the ordering rule puts the offer first among the
    advised offers; ``<offer>_score`` and the chances are the evidence-shrunk estimates
    (:mod:`recommender.recommending.ordering`); ``distinguishable`` whether the first offer is a clear
    first choice (:mod:`recommender.recommending.certainty`; never with thin data: a rare answer, or a
    rare combination of an answer with an offer the verdict is about,
    :mod:`~recommender.recommending.sparse`);
    ``<offer>_rank_reason`` the rule that placed it (:data:`recommender.recommending.ranking.REASON_CODES`).
    """
    n, codes = len(frame), OFFER.codes
    ruled = rules.evaluate_frame(frame)
    est, draws = model.predict_batch(frame, rules.outcome_weights)
    raw = est.score.copy()  # the model's own values: the input variants' effects are measured on them
    blocked = np.column_stack([ruled[f"{o}_guard"].to_numpy(dtype=object) == "block" for o in codes])
    typology = ruled["typology"].to_numpy(dtype=object)
    position = {t: [rules.preferred_order[t].index(o) for o in codes] for t in TYPOLOGY.codes}
    t_index = pd.Categorical(typology, categories=list(TYPOLOGY.codes)).codes
    preferred = np.array([position[t] for t in TYPOLOGY.codes])[t_index]
    ordered = order_offers(
        est, draws, blocked, preferred, rules, citizens_like(frame, model, rules.sparse_data_min)
    )
    est, ranks, why, pb = ordered.estimates, ordered.ranks, ordered.reasons, ordered.p_best
    # thin data: a rare answer, or a rare combination of an answer with an offer the verdict is about
    # that the model relies on for this ranking. Thin data only take a clear verdict away, so the
    # combinations (input variants) are computed only where the verdict would otherwise be clear.
    single = fewest_answers(frame, model) < rules.sparse_data_min
    about = verdict_offers(pb, ranks, ~blocked)
    clear = distinguishable(pb, ranks, ~blocked)
    thin = single | thin_relied(frame, model, rules, raw, ~blocked, about, skip=single | ~clear)
    first = ranks.argmin(axis=1)
    has_advised = (~blocked).any(axis=1)
    top = np.where(has_advised, np.array(codes, dtype=object)[first], "")
    out: dict[str, object] = {
        "citizen_id": frame["citizen_id"].to_numpy(dtype=object),
        "typology": typology,
        "labour_force_active": ruled["labour_force_active"].to_numpy(dtype=bool),
        "top_offer": top,
        "distinguishable": distinguishable(pb, ranks, ~blocked, thin),
    }
    for j, offer in enumerate(codes):
        out[f"{offer}_rank"] = ranks[:, j]
        out[f"{offer}_advised"] = ~blocked[:, j]
        out[f"{offer}_score"] = est.score[:, j]
        for m, outcome in enumerate(OUTCOME.codes):
            out[f"{offer}_{_P[outcome]}"] = est.proba[:, j, m]
        out[f"{offer}_support"] = est.support[:, j]
        out[f"{offer}_p_best"] = pb[:, j]
        out[f"{offer}_rank_reason"] = why[:, j]
    return pd.DataFrame(out, index=pd.RangeIndex(n))[list(SCORE_COLUMNS)]


@dataclass(frozen=True)
class ScoreSummary:
    """What a batch run did: rows scored, chunks, seconds, where the file went, top offers counted."""

    rows: int
    chunks: int
    seconds: float
    out: str
    top_offers: dict[str, int]
    model_version: str = ""
    protected_attributes_used: bool = False

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def _count_lines(path: Path) -> int:
    n = 0
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            n += block.count(b"\n")
    return n


def _progress_printer(total: int) -> Callable[[int], None]:
    start = time.perf_counter()

    def show(done: int) -> None:
        frac = done / total if total else 1.0
        bar = "#" * int(30 * frac)
        rate = done / max(time.perf_counter() - start, 1e-9)
        sys.stderr.write(
            f"\r[{bar:<30}] {100 * frac:5.1f} %  {done:,}/{total:,} borgere/citizens ({rate:,.0f}/s)"
        )
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def score_file(
    source: str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    model: OutcomeModel | None = None,
    rules: RuleSet | None = None,
    chunksize: int = 50_000,
    progress: bool | None = None,
) -> ScoreSummary:
    """Score every citizen in a CSV of intake records and write the §8 columns to ``out`` atomically.

    Each row also carries ``model_version`` and ``protected_attributes_used`` (whether the model uses
    gender, origin or nationality as inputs), so a file always says which model made it. Text cells a
    spreadsheet would run as a formula are neutralised (:func:`~recommender.files.spreadsheet_safe`).

    The whole input is validated chunk by chunk as it is scored; a bad row stops the run with a
    :class:`~recommender.errors.CohortError` naming its line and field, and ``out`` is left as it was.
    ``progress`` (default: when stderr is a terminal) shows a progress bar on stderr.
    """
    from recommender.cohort import read_citizens_chunks
    from recommender.model import load_model

    rules = rules if rules is not None else load_rules()
    model = model if model is not None else load_model()
    src = Path(source)
    protected = bool(model.manifest.allow_protected)
    target = check_output(out, inputs=(source, getattr(rules, "path", None)))
    show = progress if progress is not None else sys.stderr.isatty()
    total = max(_count_lines(src) - 1, 0) if show and src.is_file() else 0
    printer = _progress_printer(total) if show else None
    start = time.perf_counter()
    rows = chunks = 0
    tops: dict[str, int] = {}
    with atomic_output(target, "w", inputs=(source,), encoding="utf-8", newline="") as handle:
        for chunk in read_citizens_chunks(src, chunksize=chunksize):
            scored = score_frame(chunk, model, rules)
            exact = {
                c: np.char.mod("%.12g", scored[c].to_numpy(dtype=float))
                for c in scored.columns
                if c.endswith("_p_best")
            }  # agree with recommend() to 1e-9
            written = spreadsheet_safe(
                scored.assign(**exact, model_version=model.version, protected_attributes_used=protected)
            )
            written.to_csv(handle, header=chunks == 0, index=False, float_format="%.6f")
            rows += len(scored)
            chunks += 1
            for k, v in scored["top_offer"].value_counts().items():
                tops[str(k)] = tops.get(str(k), 0) + int(v)
            if printer:
                printer(rows)
    return ScoreSummary(
        rows, chunks, time.perf_counter() - start, str(target), tops, model.version, protected
    )
