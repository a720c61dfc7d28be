"""``recommender evaluate COHORT.csv [--model PATH] [--against OTHER] [--json]`` (issue 4)."""

from __future__ import annotations

import argparse
import json
import math

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "evaluate", help="evaluer udfaldsmodellen / evaluate the outcome model",
        description="Kalibrering, diskrimination og tal pr. gruppe (køn, oprindelse) på en kohorte; "
                    "sammenlign evt. med en anden model. / Calibration, discrimination and per-group "
                    "figures on a cohort; optionally compared with another model.")
    parser.add_argument("cohort", metavar="COHORT.csv")
    parser.add_argument("--model", default=None, metavar="PATH",
                        help="modelfil (standard: den indbyggede) / model file (default: built-in)")
    parser.add_argument("--against", default=None, metavar="OTHER",
                        help="en anden modelfil at sammenligne med / another model file to compare")
    parser.add_argument("--json", action="store_true", help="JSON med koder / JSON with codes")
    parser.set_defaults(func=_run)


def _clean(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _run(args: argparse.Namespace) -> int:
    from recommender.analysis.evaluation import evaluate
    from recommender.model import load_model

    model = load_model(args.model)
    against = load_model(args.against) if args.against else None
    report = evaluate(args.cohort, model=model, against=against)
    if args.json:
        print(json.dumps(_clean(report.to_dict()), ensure_ascii=False, indent=2))
    else:
        print(report.text())
    return 0
