"""Cohort files: closed cases (intake record, offer given, outcome) read, validated and written.

``reader`` parses and validates whole files or frames (vectorised, one error naming every bad row);
``columns`` holds the per-column parsers it uses.

>>> from recommender.cohort import COHORT_COLUMNS
>>> "outcome" in COHORT_COLUMNS
True
"""

from recommender.cohort.reader import (
    CLOSING_COLUMNS,
    COHORT_COLUMNS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    SYNTHETIC_ID_PREFIX,
    Cohort,
    Source,
    read_citizens_chunks,
    read_cohort,
    write_cohort,
)

__all__ = [
    "CLOSING_COLUMNS",
    "COHORT_COLUMNS",
    "Cohort",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "SYNTHETIC_ID_PREFIX",
    "Source",
    "read_citizens_chunks",
    "read_cohort",
    "write_cohort",
]
