"""Benchmark: each candidate model alone against a known truth, beside the stack (issue 11).

The same cohorts, fresh citizens and regret as ``bench_decision_quality.py`` (tests/_truth.py).
Every candidate of ``modelling.candidates.candidates`` is fitted on all the cohort's rows with an
offer and judged on its own; ``ours`` is ``train(...)`` (the stack, ``n_bootstrap=1``) and ``LR()``
the plain LogisticRegression() peer. It shows which members rank best at a size, and whether the
stack finds them (docs/model.md, "Ten more seeds at 274 rows").

Run (nice, one thread per fit)::

    nice .venv/bin/python benchmarks/bench_candidates.py --size 274 --seeds 20
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from _truth import TRUTHS, _all_offers, _rows, decision_metrics, fresh, plain_peer, simulate  # noqa: E402
from bench_decision_quality import N_TEST, _weights  # noqa: E402


def run_one(truth_name: str, n: int, seed: int, weights: np.ndarray) -> dict[str, float]:
    """Regret of every candidate alone, of ours and of plain LR() on one cohort."""
    from recommender.model import train
    from recommender.modelling.candidates import candidates
    from recommender.modelling.features import prepare

    truth = TRUTHS[truth_name]
    frame = simulate(truth, n, seed=seed * 7919 + n)  # the cohorts of bench_decision_quality.py
    test = fresh(truth, N_TEST, seed=10**6 + seed)
    exact = truth.proba(test)
    schema, X, y = _rows(frame)
    X_test = prepare(test, schema)
    out = {"LR()": decision_metrics(plain_peer("logit", frame, test), exact, weights)["regret"]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, pipeline in candidates(schema, seed).items():
            out[name] = decision_metrics(_all_offers(pipeline.fit(X, y), X_test), exact, weights)["regret"]
    model = train(frame, seed=seed, n_bootstrap=1)
    out["ours"] = decision_metrics(model.predict_offers(test, intervals=False).proba, exact, weights)[
        "regret"
    ]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=274)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--truths", nargs="+", default=list(TRUTHS), choices=list(TRUTHS))
    args = parser.parse_args(argv)
    from threadpoolctl import threadpool_limits

    weights = _weights()
    rows: list[tuple[str, dict[str, float]]] = []
    with threadpool_limits(limits=1):
        for truth in args.truths:
            runs = [
                run_one(truth, args.size, seed, weights)
                for seed in range(args.first_seed, args.first_seed + args.seeds)
            ]
            rows.append((truth, {k: float(np.mean([r[k] for r in runs])) for k in runs[0]}))
            print(
                f"# {truth}: done ({args.seeds} cohorts of {args.size:,} rows)", file=sys.stderr, flush=True
            )
    names = list(rows[0][1])
    print(
        f"Mean regret of each candidate alone, {args.size:,} rows, seeds {args.first_seed}–"
        f"{args.first_seed + args.seeds - 1} (lowest in bold)\n"
    )
    print("| generator | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for truth, mean in rows:
        best = min(mean.values())
        print(
            f"| {truth} | "
            + " | ".join(f"**{v:.4f}**" if v == best else f"{v:.4f}" for v in mean.values())
            + " |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
