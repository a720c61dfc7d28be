"""The synthetic Projekt 500 cohort: generator, its building blocks, and its fidelity report.

``generator`` draws a cohort calibrated to the report's published figures, in named steps: ``people``
(background fields), ``intake`` (Danish, education, the criteria, whose joint distribution ``joint``
fits, degree scales, job goal, plans), ``offers`` (who had which offer) and ``closing`` (duration,
dates, closing registrations); ``sampling`` holds the shared drawing helpers; ``fidelity`` compares
a cohort with every published figure.

>>> from recommender.synth import generate_cohort
>>> len(generate_cohort(50, seed=1).frame)
50
"""

from recommender.synth.generator import (
    ASSUMPTION_BASIS,
    ASSUMPTIONS,
    MAX_N,
    ZERO_CELL,
    generate_cohort,
    is_synthetic,
    load_figures,
)

__all__ = [
    "ASSUMPTION_BASIS",
    "ASSUMPTIONS",
    "MAX_N",
    "ZERO_CELL",
    "generate_cohort",
    "is_synthetic",
    "load_figures",
]
