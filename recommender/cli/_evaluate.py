"""``recommender evaluate COHORT.csv [--model PATH] [--against OTHER] [--json]`` (issue 4)."""

from __future__ import annotations

import argparse
import json
import math
import sys

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "evaluate",
        help="evaluer udfaldsmodellen / evaluate the outcome model",
        description="Kalibrering, diskrimination og tal pr. gruppe (køn, oprindelse) på en kohorte; "
        "sammenlign evt. med en anden model. / Calibration, discrimination and per-group "
        "figures on a cohort; optionally compared with another model.",
    )
    parser.add_argument("cohort", metavar="COHORT.csv")
    parser.add_argument(
        "--model",
        default=None,
        metavar="PATH",
        help="modelfil (standard: den indbyggede) / model file (default: built-in)",
    )
    parser.add_argument(
        "--against",
        default=None,
        metavar="OTHER",
        help="en anden modelfil at sammenligne med / another model file to compare",
    )
    parser.add_argument(
        "--rules",
        default=None,
        metavar="PATH",
        help="regelfil til rangeringen (standard: de indbyggede) / rules file for the "
        "ranking (default: built-in)",
    )
    parser.add_argument(
        "--bootstrap",
        type=int,
        default=500,
        metavar="B",
        help="parrede bootstrap-stikprøver i sammenligningen (standard 500) / paired "
        "bootstrap resamples for the comparison",
    )
    parser.add_argument("--json", action="store_true", help="JSON med koder / JSON with codes")
    parser.set_defaults(func=_run)


def _clean(value: object) -> object:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _run(args: argparse.Namespace) -> int:
    from recommender.analysis.compare import compare_models
    from recommender.analysis.evaluation import evaluate
    from recommender.cohort import read_cohort
    from recommender.model import load_model
    from recommender.typology import load_rules

    cohort = read_cohort(args.cohort)
    model = load_model(args.model)
    against = load_model(args.against) if args.against else None
    report = evaluate(cohort, model=model, against=against)
    for flag, version in (
        (report.in_sample, report.model_version),
        (report.against_in_sample, report.against_version),
    ):
        if flag:
            print(
                f"advarsel/warning: kohorten er træningsdata for model {version}; tallene er målt i "
                "stikprøven og for optimistiske / the cohort is the model's training cohort "
                "(in-sample): the figures are optimistic",
                file=sys.stderr,
            )
    comparison = None
    if against is not None:
        comparison = compare_models(
            cohort,
            champion=against,
            challenger=model,
            rules=load_rules(args.rules),
            n_bootstrap=args.bootstrap,
        )
    if args.json:
        data = report.to_dict()
        if comparison is not None:
            data["comparison"] = comparison.to_dict()
        print(json.dumps(_clean(data), ensure_ascii=False, indent=2))
    else:
        print(report.text() if comparison is None else report.text(comparison=False))
        if comparison is not None:
            print(comparison.text())
    return 0
