"""The rules-only intake fields of the synthetic cohort (issue 26): integration programme, health or
social barrier, work experience.

The report publishes no table of any of them, so each is drawn given the closure from the shares below
(each an entry of :data:`BARRIER_ASSUMPTIONS` with the passage it rests on, :data:`BARRIER_BASIS`). They
are drawn from a random stream of their own (the seed and 26), so every other column of a cohort is the
same as before they existed, and the outcome model does not read them (``vocab.RULE_ONLY``).

>>> import numpy as np
>>> cols = draw_barriers(7, np.array([0, 3, 3, 1]))
>>> sorted(cols), len(cols["health_barrier"])
(['health_barrier', 'integration_programme', 'work_experience'], 4)
"""

from __future__ import annotations

import numpy as np

from recommender.vocab import (
    DEGREE_OR_UNKNOWN,
    OUTCOME,
    WORK_EXPERIENCE,
    YES_NO_UNKNOWN,
)

__all__ = ["BARRIER_ASSUMPTIONS", "BARRIER_BASIS", "HEALTH", "INTEGRATION", "WORK", "draw_barriers"]

_OTHER = OUTCOME.codes.index("other")
#: P(integration programme: yes, no, unknown): every project citizen was outside it; a few unrecorded.
INTEGRATION = np.array([0.0, 0.95, 0.05])
#: P(health barrier | labour force / other closure) over not_at_all, low, lesser, some, high,
#: not_relevant, unknown.
HEALTH = np.array([[0.47, 0.20, 0.15, 0.10, 0.03, 0.0, 0.05], [0.20, 0.10, 0.15, 0.25, 0.25, 0.0, 0.05]])
#: P(work experience | labour force / other closure) over none, home_country, denmark, both, unknown.
WORK = np.array([[0.25, 0.35, 0.15, 0.20, 0.05], [0.40, 0.35, 0.07, 0.08, 0.10]])

BARRIER_ASSUMPTIONS: list[str] = [
    "integration_programme: 'no' for 95 % and 'unknown' (not recorded) for 5 %; never 'yes'.",
    "health_barrier given the closure: 'some' or 'high' for 13 % of labour-force closures and 50 % of "
    "'other' closures (full shares in synth/barriers.py HEALTH); 5 % unknown.",
    "work_experience given the closure: experience from Denmark (alone or with the home country) for "
    "35 % of labour-force closures and 15 % of 'other' closures; none for 25 % and 40 % (synth/barriers.py "
    "WORK).",
]
BARRIER_BASIS: list[str] = [
    "«projektindsatsen ændrede karakter til udelukkende at omfatte ægtefælleforsørgede "
    "borgere uden for integrationsperioden.»",
    "«76 borgere – ca. 28 pct. af det samlede antal projektdeltagere - er afsluttet af anden årsag – "
    "f.eks. barsel, sygdom eller manglende ønske om at fortsætte i projektindsatsen.» og «For denne "
    "gruppe kan der være behov for en social-/sundhedsfaglig indsats.» Andelene er ikke offentliggjort.",
    "«Særligt for borgere med begrænset arbejdserfaring fra Danmark, ringe erfaring med jobsøgning, "
    "begrænset geografisk mobilitet og begrænsede danskkundskaber er der behov for en mere omfattende "
    "projektindsats» Andelene er ikke offentliggjort.",
]


def _draw(rng: np.random.Generator, shares: np.ndarray, group: np.ndarray) -> np.ndarray:
    cum = np.cumsum(shares[group], axis=1)
    cum[:, -1] = 1.0
    return (rng.random(len(group))[:, None] > cum).sum(axis=1)


def draw_barriers(seed: int, outcome: np.ndarray) -> dict[str, np.ndarray]:
    """Codes of the three fields for closures ``outcome`` (OUTCOME indices), from their own stream."""
    rng = np.random.Generator(np.random.PCG64([int(seed), 26]))
    group = (np.asarray(outcome) == _OTHER).astype(np.int64)
    integration = _draw(rng, np.tile(INTEGRATION, (2, 1)), group)
    health = _draw(rng, HEALTH, group)
    work = _draw(rng, WORK, group)
    return {
        "integration_programme": np.array(YES_NO_UNKNOWN.codes, dtype=object)[integration],
        "health_barrier": np.array(DEGREE_OR_UNKNOWN.codes, dtype=object)[health],
        "work_experience": np.array(WORK_EXPERIENCE.codes, dtype=object)[work],
    }
