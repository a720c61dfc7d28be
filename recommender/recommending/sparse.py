"""Thin data: answers few earlier citizens gave, counted in the training cohort's intake profile.

The model's manifest holds the training cohort's intake profile: the share of each answer of each field
(:mod:`recommender.modelling.profile`). The number of earlier citizens behind an answer is that share
times the cohort's **real size**: its rows for a cohort of real cases, and for a model whose
``evidence_size`` stands for fewer real citizens than it has rows (the built-in model: 20,000 synthetic
rows standing in for 219 citizens with an offer, 274 in all) the rows scaled down in the same ratio,
``n_rows × evidence_size / n_with_offer``. Tabel 31: 2 of 196 did not want work; tabel 35: nobody had
spouse support "slet ikke". Such answers get confident-looking numbers from the model alone.

* :func:`sparse_fields` names the answers fewer than ``sparse_data_min`` (rules.yaml) earlier citizens
  gave; the recommendation then carries the ``sparse_data`` warning and no clear verdict;
* :func:`fewest_answers` is, per citizen, the number behind the citizen's rarest answer: the estimates
  can rest on at most that many citizens like this one (:mod:`~recommender.recommending.evidence`).

Checked fields: every intake field the model uses except the municipality (an unseen municipality has
its own warning). A model file without an intake profile (written before it existed) is not checked:
every answer counts as common.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from recommender.modelling.profile import PROFILE_FIELDS, categorise
from recommender.recommendation import Message, value_label
from recommender.vocab import FIELDS

if TYPE_CHECKING:
    import pandas as pd

    from recommender.model import OutcomeModel

__all__ = ["answer_counts", "fewest_answers", "real_size", "sparse_fields", "sparse_warning"]


def real_size(model: OutcomeModel) -> float:
    """How many real citizens the training cohort's shares stand for (see the module docstring)."""
    m = model.manifest
    return m.n_rows * min(1.0, m.evidence_size / max(m.n_with_offer, 1))


def answer_counts(model: OutcomeModel) -> dict[str, dict[str, float]]:
    """Earlier citizens per answer (profile category) of every checked field; {} without a profile."""
    profile = model.manifest.intake_profile
    if not profile:
        return {}
    size, used = real_size(model), set(model.schema.fields)
    return {
        f: {c: share * size for c, share in profile[f].items()}
        for f in PROFILE_FIELDS
        if f != "municipality" and f in used and f in profile
    }


def sparse_fields(
    record: Mapping[str, object], model: OutcomeModel, minimum: int
) -> tuple[tuple[str, float], ...]:
    """The fields whose answer fewer than ``minimum`` earlier citizens gave, with that number."""
    out = []
    for field, counts in answer_counts(model).items():
        count = counts.get(categorise(field, record.get(field)), 0.0)
        if count < minimum:
            out.append((field, count))
    return tuple(out)


def fewest_answers(rows: pd.DataFrame | Mapping[str, object], model: OutcomeModel) -> np.ndarray:
    """(n,) earlier citizens behind each citizen's rarest answer (``inf`` without a profile), for a
    frame of intake codes (each distinct value categorised once) or one record (n = 1)."""
    counts = answer_counts(model)
    if isinstance(rows, Mapping):
        values = [c.get(categorise(f, rows.get(f)), 0.0) for f, c in counts.items()]
        return np.array([min(values, default=np.inf)])
    out = np.full(len(rows), np.inf)
    for field, c in counts.items():
        if field not in rows.columns:
            out = np.minimum(out, c.get(categorise(field, None), 0.0))
            continue
        column = rows[field]
        known = {v: c.get(categorise(field, v), 0.0) for v in column.drop_duplicates()}
        out = np.minimum(out, column.map(known).to_numpy(dtype=float))
    return out


def sparse_warning(
    fields: tuple[tuple[str, float], ...], record: Mapping[str, object], minimum: int
) -> Message | None:
    """The ``sparse_data`` warning naming the fields in Danish (and English), or ``None``.

    >>> sparse_warning((("wants_employment", 2.8),), {"wants_employment": "no"}, 10).da[:60]
    'Tynde data: få tidligere borgere svarede som denne borger på'
    """
    if not fields:
        return None
    da = "; ".join(f"{FIELDS[f].da}: {value_label(f, record.get(f))} (ca. {round(n)})" for f, n in fields)
    en = "; ".join(
        f"{FIELDS[f].en}: {value_label(f, record.get(f), 'en')} (about {round(n)})" for f, n in fields
    )
    return Message(
        "sparse_data",
        f"Tynde data: få tidligere borgere svarede som denne borger på {da} – færre end {minimum}. "
        "Tallene bygger derfor mest på modellens antagelser, og intet tilbud kan kaldes et klart førstevalg.",
        f"Thin data: few earlier citizens answered as this citizen did on {en} – fewer than {minimum}. "
        "The numbers therefore rest mostly on the model's assumptions, and no offer can be called a clear "
        "first choice.",
    )
