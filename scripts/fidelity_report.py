#!/usr/bin/env python3
"""Print how closely a synthetic cohort reproduces the published Projekt 500 figures (worst first).

    python scripts/fidelity_report.py --n 50000 --seed 1 [--top 30] [--cohort FILE.csv]

With ``--cohort`` the given cohort file is compared instead of a freshly generated one. Exit 0 when
every figure is within tolerance, 1 when some are not, 2 on bad input.
"""

from __future__ import annotations

import argparse
import sys

from recommender.cohort import read_cohort
from recommender.errors import RecommenderError
from recommender.synth import generate_cohort
from recommender.synth.fidelity import fidelity_report, format_fidelity


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--top", type=int, default=None, help="show only the worst TOP figures")
    parser.add_argument("--cohort", default=None, help="compare this cohort CSV instead")
    args = parser.parse_args(argv)
    try:
        cohort = read_cohort(args.cohort) if args.cohort else generate_cohort(args.n, args.seed)
        rows = fidelity_report(cohort)
    except (RecommenderError, OSError) as exc:
        print(f"fejl/error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    print(format_fidelity(rows, args.top))
    return 0 if all(r.within for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
