"""The figures of issue 24 on random intake records, with the built-in model (or a model file).

Prints, as JSON: how often the offer with the highest ``p_best`` is ranked first, each offer's share of
rank 1 and of the highest ``p_best``, how many lists show a lower value above a higher one by more than
the tie margin, the share of clear verdicts, the share of citizens with thin data (single answers
only, and with the answer × offer combinations) (:mod:`recommender.analysis.suggestion`), and the average
sign of each direction the report documents, on synthetic citizens
(:mod:`recommender.analysis.directions`).

``--intake synthetic`` scores the intake of synthetic citizens (``generate_cohort(n, seed)`` without the
case columns: a realistic intake, as issue 12's tests draw it) instead of uniformly random records.

Run: ``python scripts/suggestion_figures.py [--n 2000] [--seed 24] [--model FILE] [--intake synthetic]``.
"""

from __future__ import annotations

import argparse
import json
import sys

from recommender import load_model, load_rules
from recommender.analysis.directions import direction_signs
from recommender.analysis.suggestion import order_figures, random_intake
from recommender.synth import generate_cohort

CASE_COLUMNS = ("offer", "outcome", "duration_days", "enrolled_on", "closed_on")  # not known at intake


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="random intake records (default 2000)")
    parser.add_argument("--seed", type=int, default=24, help="seed of the records (default 24)")
    parser.add_argument("--model", default=None, help="a model file (default: the built-in model)")
    parser.add_argument(
        "--intake",
        choices=("random", "synthetic"),
        default="random",
        help="uniformly random intake records (default) or synthetic citizens' intake",
    )
    args = parser.parse_args(argv)
    model, rules = load_model(args.model), load_rules()
    cohort = generate_cohort(args.n, args.seed)
    if args.intake == "synthetic":
        case = [c for c in cohort.frame.columns if c in CASE_COLUMNS or c.endswith("_closing")]
        intake = cohort.frame.drop(columns=case)
    else:
        intake = random_intake(args.n, args.seed)
    figures = order_figures(intake, model, rules)
    figures["intake"] = args.intake
    signs = direction_signs(model, cohort.frame)
    figures["directions"] = {
        k: {
            "source": v["source"],
            "mean": round(float(v["mean"]), 4),  # type: ignore[call-overload]
            "sign": v["sign"],
            "min_pair": round(float(v["min_pair"]), 4),
        }  # type: ignore[call-overload]
        for k, v in signs.items()
    }
    figures["model"] = {"version": model.version, "synthetic": model.manifest.synthetic}
    json.dump(figures, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
