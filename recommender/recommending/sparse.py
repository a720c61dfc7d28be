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
least 10 % of the re-estimates); :func:`thin_combinations` names the combinations of those offers
fewer than ``sparse_data_min`` earlier citizens had, and :func:`fewest_combinations` gives, per citizen
and offer, the number behind the citizen's rarest combination (batch scoring). Single answers and
combinations share the one ``sparse_data`` warning (:func:`sparse_warning`).

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

__all__ = [
    "answer_counts",
    "combination_counts",
    "fewest_answers",
    "fewest_combinations",
    "real_size",
    "sparse_fields",
    "sparse_warning",
    "thin_combinations",
]


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


def thin_combinations(
    record: Mapping[str, object], model: OutcomeModel, minimum: int, offers: Iterable[str]
) -> tuple[tuple[str, str, float], ...]:
    """(field, offer, number) for every combination of the citizen's answer of a checked field with
    one of ``offers`` that fewer than ``minimum`` earlier citizens had, in the order of ``offers``."""
    counts = combination_counts(model)
    out = []
    for offer in offers if counts else ():
        for field, c in counts[offer].items():
            n = c.get(categorise(field, record.get(field)), 0.0)
            if n < minimum:
                out.append((field, offer, n))
    return tuple(out)


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


def _about(n: float, minimum: int) -> int:
    """``n`` rounded, but below ``minimum`` (9.6 of a minimum of 10 reads "ca. 9", not "ca. 10")."""
    return max(0, min(round(n), minimum - 1))


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
    >>> sparse_warning((), {"education_plan": True}, 10, combination).da[12:107]
    'få tidligere borgere med svaret «ja» på «har en uddannelsesplan» fik «afklaringsforløb» (ca. 4)'
    """
    if not fields and not combinations:
        return None
    da, en = [], []
    if fields:
        da.append(
            "få tidligere borgere svarede som denne borger på "
            + "; ".join(
                f"{FIELDS[f].da}: {value_label(f, record.get(f))} (ca. {_about(n, minimum)})"
                for f, n in fields
            )
            + f" – færre end {minimum}."
        )
        en.append(
            "few earlier citizens answered as this citizen did on "
            + "; ".join(
                f"{FIELDS[f].en}: {value_label(f, record.get(f), 'en')} (about {_about(n, minimum)})"
                for f, n in fields
            )
            + f" – fewer than {minimum}."
        )
    if combinations:
        da.append(
            "få tidligere borgere med svaret "
            + "; ".join(
                f"«{value_label(f, record.get(f))}» på «{FIELDS[f].da}» fik «{OFFER.label(o, 'da')}» "
                f"(ca. {_about(n, minimum)})"
                for f, o, n in combinations
            )
            + f" – færre end {minimum}."
        )
        en.append(
            "few earlier citizens who answered "
            + "; ".join(
                f"«{value_label(f, record.get(f), 'en')}» to «{FIELDS[f].en}» had «{OFFER.label(o, 'en')}» "
                f"(about {_about(n, minimum)})"
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
