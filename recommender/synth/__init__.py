"""The synthetic Projekt 500 cohort: generator, its building blocks, and its fidelity report.

``generator`` draws a cohort calibrated to the report's published figures; ``joint`` fits the joint
distribution of the five labour-force criteria; ``people`` draws the other intake fields; ``sampling``
holds the shared drawing helpers; ``fidelity`` compares a cohort with every published figure.

>>> from recommender.synth import generate_cohort
>>> len(generate_cohort(50, seed=1).frame)
50
"""

from recommender.synth.generator import ASSUMPTIONS, MAX_N, ZERO_CELL, generate_cohort, load_figures

__all__ = ["ASSUMPTIONS", "MAX_N", "ZERO_CELL", "generate_cohort", "load_figures"]
