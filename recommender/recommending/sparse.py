"""Thin data: answers, and answer × offer combinations, few earlier citizens in the training cohort had.

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

**Combinations** (issue 24). The model's linear members are offer × citizen interactions: an offer's
estimate for a citizen rests on the earlier citizens who gave the same answer **and** received that
offer. The manifest's ``offer_profile`` holds each offer's answer shares among the citizens who received
it; times the offer's recipients on the same real scale (``offer_evidence``, which sums to
``evidence_size``) that is the number behind each (answer, offer) combination
(:func:`combination_counts`). The offers checked are the offers the verdict is about
(:func:`~recommender.recommending.certainty.verdict_offers`: rank 1 and every advised offer best in at
least 10 % of the re-estimates). Only the combinations **the model relies on for this citizen's ranking**
count (:func:`relied_on`): the citizen's answer moves the offer's expected value against the other
advised offers' by at least the tie margin (``d_o`` the value with the answer minus the value with the
field at its baseline, ``Assessment.deltas``; ``|d_o − mean of d over the advised offers| ≥
tie_margin``). An answer at the baseline, or one that moves every offer alike, does not change the
choice, so thin evidence for it does not make the choice unclear. :func:`thin_combinations` names the
thin combinations of those offers (fewer than ``sparse_data_min`` earlier citizens) that are relied on;
:func:`thin_relied` finds the same for a frame (batch scoring: input variants only for the rows and
fields that have a thin combination); :func:`fewest_combinations` gives, per citizen and offer, the
number behind the citizen's rarest combination. Single answers and combinations share the one
``sparse_data`` warning (:func:`sparse_warning`).

Checked fields: every intake field the model uses except the municipality (an unseen municipality has
its own warning). A model file without an intake profile (written before it existed) is not checked:
every answer counts as common; one without an offer profile is not checked for combinations.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import numpy as np

from recommender.modelling.profile import PROFILE_FIELDS, categorise
from recommender.recommendation import Message, value_label
from recommender.vocab import FIELDS, OFFER

if TYPE_CHECKING:
    import pandas as pd

    from recommender.model import OutcomeModel
    from recommender.typology import RuleSet

__all__ = [
    "PILOT_ROWS",
    "answer_counts",
    "combination_counts",
    "fewest_answers",
    "fewest_combinations",
    "real_size",
    "relied_on",
    "sparse_fields",
    "sparse_warning",
    "thin_combinations",
    "thin_relied",
]


#: Rows per field tried first in :func:`thin_relied`, to order the fields (a cost setting only: the
#: result is the same for any value).
PILOT_ROWS = 256


def real_size(model: OutcomeModel) -> float:
    """How many real citizens the training cohort's shares stand for (see the module docstring)."""
    m = model.manifest
    return m.n_rows * min(1.0, m.evidence_size / max(m.n_with_offer, 1))


def _checked(model: OutcomeModel, profile: Mapping[str, object]) -> list[str]:
    """The checked fields (see the module docstring) that ``profile`` describes, in profile order."""
    used = set(model.schema.fields)
    return [f for f in PROFILE_FIELDS if f != "municipality" and f in used and f in profile]


def answer_counts(model: OutcomeModel) -> dict[str, dict[str, float]]:
    """Earlier citizens per answer (profile category) of every checked field; {} without a profile."""
    profile = model.manifest.intake_profile
    if not profile:
        return {}
    size = real_size(model)
    return {f: {c: share * size for c, share in profile[f].items()} for f in _checked(model, profile)}


def combination_counts(model: OutcomeModel) -> dict[str, dict[str, dict[str, float]]]:
    """Per offer, earlier citizens per answer of every checked field who received that offer: the
    answer's share among the offer's recipients times the recipients (``offer_evidence``); {} without
    an offer profile."""
    profile, m = model.manifest.offer_profile, model.manifest
    if not profile:
        return {}
    return {
        o: {
            f: {c: share * m.offer_evidence[o] for c, share in profile[o][f].items()}
            for f in _checked(model, profile[o])
        }
        for o in OFFER.codes
    }


def relied_on(deltas: np.ndarray, advised: np.ndarray, margin: float) -> np.ndarray:
    """(..., k) whether the model relies on an answer for each advised offer in this citizen's ranking:
    ``deltas`` (..., k) the answer's effect on each offer's expected value (the value with the answer
    minus the value with the field at its baseline, ``Assessment.deltas``); its contrast
    ``c_o = d_o − mean of d over the advised offers`` moves offer o against the others; relied on when
    ``|c_o| ≥ margin`` (the tie margin). An effect alike on every offer does not change the choice.

    >>> advised = np.array([True, True, True, False])
    >>> relied_on(np.array([0.05, 0.05, 0.05, 0.0]), advised, 0.02).tolist()
    [False, False, False, False]
    >>> relied_on(np.array([0.06, 0.0, 0.03, 0.5]), advised, 0.02).tolist()
    [True, True, False, False]
    """
    d, a = np.asarray(deltas, dtype=float), np.asarray(advised, dtype=bool)
    a = np.broadcast_to(a, d.shape)
    mean = np.where(a, d, 0.0).sum(axis=-1, keepdims=True) / np.maximum(a.sum(axis=-1, keepdims=True), 1)
    return a & (np.abs(d - mean) >= margin)


def thin_combinations(
    record: Mapping[str, object],
    model: OutcomeModel,
    minimum: int,
    offers: Iterable[str],
    relied: Mapping[str, np.ndarray] | None = None,
) -> tuple[tuple[str, str, float], ...]:
    """(field, offer, number) for every combination of the citizen's answer of a checked field with
    one of ``offers`` that fewer than ``minimum`` earlier citizens had, in the order of ``offers``;
    with ``relied`` (field → (k,) :func:`relied_on`, ``OFFER.codes`` order; a field not in it is at its
    baseline) only the combinations the model relies on for this citizen's ranking."""
    counts = combination_counts(model)
    out = []
    for offer in offers if counts else ():
        j = OFFER.codes.index(offer)
        for field, c in counts[offer].items():
            if relied is not None and not (field in relied and relied[field][j]):
                continue
            n = c.get(categorise(field, record.get(field)), 0.0)
            if n < minimum:
                out.append((field, offer, n))
    return tuple(out)


def thin_relied(
    rows: pd.DataFrame,
    model: OutcomeModel,
    rules: RuleSet,
    scores: np.ndarray,
    advised: np.ndarray,
    checked: np.ndarray,
    skip: np.ndarray | None = None,
) -> np.ndarray:
    """(n,) whether each citizen of a frame of intake codes has a thin combination the model relies on
    (:func:`relied_on`) with one of its ``checked`` (n, k) offers, as :func:`thin_combinations` with
    ``relied`` finds one for ``recommend()``. ``scores`` (n, k) the model's point expected values of
    the rows (unshrunk), ``advised`` (n, k) the offers the rules do not block; ``skip`` rows already
    known to be thin (not computed, ``False``).

    The input variants are computed only where needed: per field, batched predictions over the rows whose
    answer differs from the baseline and has a thin combination with a checked offer, never for a row
    already found thin. The fields go in the order of their share of such rows found thin on a first
    :data:`PILOT_ROWS` of them (most first), so that most rows are settled by the first fields tried."""
    out = np.zeros(len(rows), dtype=bool)
    counts = combination_counts(model)
    if not counts or not len(rows):
        return out
    checked, advised = np.asarray(checked, dtype=bool), np.asarray(advised, dtype=bool)
    open_rows = np.ones(len(rows), dtype=bool) if skip is None else ~np.asarray(skip, dtype=bool)
    baseline, minimum = model.manifest.baseline, rules.sparse_data_min
    thin: dict[str, np.ndarray] = {}  # field -> (n, k) thin combinations with a checked offer
    todo: dict[str, np.ndarray] = {}  # field -> (n,) rows whose variant is still to be computed
    for field in dict.fromkeys(f for per_field in counts.values() for f in per_field):
        thin[field] = checked & np.column_stack(
            [
                np.broadcast_to(_mapped(rows, field, counts[o][field]), len(rows)) < minimum
                if field in counts[o]
                else np.zeros(len(rows), dtype=bool)
                for o in OFFER.codes
            ]
        )
        todo[field] = thin[field].any(axis=1) & open_rows & _differs(rows, field, model)

    def settle(field: str, need: np.ndarray) -> float:
        """Compute the field's variant for the rows ``need``; the share of them found thin."""
        todo[field][need] = False
        if not need.size:
            return 0.0
        variant = rows.iloc[need].copy()
        variant[field] = [baseline[field]] * len(need)
        deltas = scores[need] - model.point_scores(variant, rules)
        hit = (thin[field][need] & relied_on(deltas, advised[need], rules.tie_margin)).any(axis=1)
        out[need[hit]] = True
        return float(hit.mean())

    rate = {f: settle(f, np.flatnonzero(todo[f])[:PILOT_ROWS]) for f in todo}
    for field in sorted(todo, key=lambda f: -rate[f]):
        settle(field, np.flatnonzero(todo[field] & ~out))
    return out


def _differs(rows: pd.DataFrame, field: str, model: OutcomeModel) -> np.ndarray:
    """(n,) whether each row's answer of ``field`` differs from the baseline as the model encodes it."""
    canonical, base = model.scorer.canonical, model.manifest.baseline[field]
    if field not in rows.columns:
        return np.full(len(rows), canonical(field, None) != canonical(field, base))
    column = rows[field]
    known = {v: canonical(field, v) != canonical(field, base) for v in column.drop_duplicates()}
    return column.map(known).to_numpy(dtype=bool)


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
        out = np.minimum(out, _mapped(rows, field, c))
    return out


def fewest_combinations(rows: pd.DataFrame, model: OutcomeModel) -> np.ndarray:
    """(n, k) earlier citizens behind each citizen's rarest combination of an answer with each offer
    (``OFFER.codes`` order; ``inf`` without an offer profile), for a frame of intake codes."""
    out = np.full((len(rows), len(OFFER.codes)), np.inf)
    for j, per_field in enumerate(combination_counts(model).values()):
        for field, c in per_field.items():
            out[:, j] = np.minimum(out[:, j], _mapped(rows, field, c))
    return out


def _mapped(rows: pd.DataFrame, field: str, counts: Mapping[str, float]) -> np.ndarray | float:
    """The number behind each row's answer of ``field``, each distinct value categorised once."""
    if field not in rows.columns:
        return counts.get(categorise(field, None), 0.0)
    column = rows[field]
    known = {v: counts.get(categorise(field, v), 0.0) for v in column.drop_duplicates()}
    return column.map(known).to_numpy(dtype=float)


#: Counts below this are shown as "under 5", never as a number: the small-cell rule of the monitor and the
#: cohort export (docs/security.md §7); for a model trained on real cases they are counts of people.
SMALL_COUNT = 5


def _about(n: float, minimum: int, lang: str = "da") -> str:
    """``n`` rounded, but below ``minimum`` (9.6 of a minimum of 10 reads "ca. 9", not "ca. 10"), and
    "under 5" below :data:`SMALL_COUNT`.

    >>> _about(9.6, 10), _about(4.2, 10), _about(6.4, 10, "en")
    ('ca. 9', 'under 5', 'about 6')
    """
    k = max(0, min(round(n), minimum - 1))
    if k < SMALL_COUNT:
        return f"under {SMALL_COUNT}"
    return f"ca. {k}" if lang == "da" else f"about {k}"


def sparse_warning(
    fields: tuple[tuple[str, float], ...],
    record: Mapping[str, object],
    minimum: int,
    combinations: tuple[tuple[str, str, float], ...] = (),
) -> Message | None:
    """The ``sparse_data`` warning naming the fields (and the thin answer × offer combinations: field,
    answer and offer) in Danish (and English), or ``None``.

    >>> sparse_warning((("wants_employment", 2.8),), {"wants_employment": "no"}, 10).da[:60]
    'Tynde data: få tidligere borgere svarede som denne borger på'
    >>> combination = (("education_plan", "clarification", 4.2),)
    >>> sparse_warning((), {"education_plan": True}, 10, combination).da[12:109]
    'få tidligere borgere med svaret «ja» på «har en uddannelsesplan» fik «afklaringsforløb» (under 5)'
    """
    if not fields and not combinations:
        return None
    da, en = [], []
    if fields:
        da.append(
            "få tidligere borgere svarede som denne borger på "
            + "; ".join(
                f"{FIELDS[f].da}: {value_label(f, record.get(f))} ({_about(n, minimum)})" for f, n in fields
            )
            + f" – færre end {minimum}."
        )
        en.append(
            "few earlier citizens answered as this citizen did on "
            + "; ".join(
                f"{FIELDS[f].en}: {value_label(f, record.get(f), 'en')} ({_about(n, minimum, 'en')})"
                for f, n in fields
            )
            + f" – fewer than {minimum}."
        )
    if combinations:
        da.append(
            "få tidligere borgere med svaret "
            + "; ".join(
                f"«{value_label(f, record.get(f))}» på «{FIELDS[f].da}» fik «{OFFER.label(o, 'da')}» "
                f"({_about(n, minimum)})"
                for f, o, n in combinations
            )
            + f" – færre end {minimum}."
        )
        en.append(
            "few earlier citizens who answered "
            + "; ".join(
                f"«{value_label(f, record.get(f), 'en')}» to «{FIELDS[f].en}» had «{OFFER.label(o, 'en')}» "
                f"({_about(n, minimum, 'en')})"
                for f, o, n in combinations
            )
            + f" – fewer than {minimum}."
        )
    return Message(
        "sparse_data",
        "Tynde data: "
        + " ".join(p if i == 0 else p[0].upper() + p[1:] for i, p in enumerate(da))
        + " Tallene bygger derfor mest på modellens antagelser, og intet tilbud kan kaldes et klart "
        "førstevalg.",
        "Thin data: "
        + " ".join(p if i == 0 else p[0].upper() + p[1:] for i, p in enumerate(en))
        + " The numbers therefore rest mostly on the model's assumptions, and no offer can be called a clear "
        "first choice.",
    )
