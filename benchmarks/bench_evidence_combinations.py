"""Benchmark (issue 24, thin combinations): should the evidence shrinkage count the citizen's rarest
answer × offer combination?

``recommend()`` shrinks each offer's contrast with the evidence ``e_j = propensity_j × like``, ``like``
the evidence size or, for a citizen with a thin single answer, the citizens who gave the rarest answer
(:mod:`recommender.recommending.evidence`). The alternative measured here bounds it by the combination
count, the earlier citizens who gave the citizen's rarest answer **and** received offer *j*
(:func:`~recommender.recommending.sparse.fewest_combinations`): ``e_j = min(propensity_j × like,
fewest_combination_j)``. Both are judged, as ``bench_decision_quality.py`` judges ``ours_shown``, on the
same cohorts, model and 2,000 fresh citizens (regret and MAE against the exact truth), with the best plain
peer's figures as the reference of that benchmark.

Run (nice, one thread)::

    nice .venv/bin/python benchmarks/bench_evidence_combinations.py   # logit, 274 and 1,000, 2 seeds
    nice .venv/bin/python benchmarks/bench_evidence_combinations.py --truths p500 --seeds 3
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _truth import TRUTHS, decision_metrics, fresh, plain_peer, simulate  # noqa: E402
from bench_decision_quality import N_TEST, PEERS, _weights  # noqa: E402


def run_one(truth_name: str, n: int, seed: int, weights: np.ndarray) -> dict[str, dict[str, float]]:
    """Regret and MAE of the shrunk estimates as today and with the combination bound, and of each peer."""
    from recommender.model import train
    from recommender.recommending.evidence import PRIOR_CITIZENS, shrink_estimates, shrink_values
    from recommender.recommending.ordering import citizens_like
    from recommender.recommending.sparse import fewest_combinations
    from recommender.typology import load_rules

    truth = TRUTHS[truth_name]
    frame = simulate(truth, n, seed=seed * 7919 + n)  # the cohorts of bench_decision_quality.py
    test = fresh(truth, N_TEST, seed=10**6 + seed)
    exact = truth.proba(test)
    model = train(frame, seed=seed, n_bootstrap=1)
    est = model.predict_offers(test, intervals=False)
    like = citizens_like(test, model, load_rules().sparse_data_min)
    today = shrink_estimates(est, like, weights)
    evidence = np.minimum(est.propensity * like[:, None], fewest_combinations(test, model))
    combos = shrink_values(est.proba, est.propensity, evidence / (evidence + PRIOR_CITIZENS))
    out = {"today": decision_metrics(today.proba, exact, weights)}
    out["combinations"] = decision_metrics(combos, exact, weights)
    for peer in PEERS:
        out[peer] = decision_metrics(plain_peer(peer, frame, test), exact, weights)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[274, 1000])
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--truths", nargs="+", default=["logit"], choices=list(TRUTHS))
    args = parser.parse_args(argv)
    from threadpoolctl import threadpool_limits

    weights = _weights()
    print(
        "| generator | n | seeds | regret today | regret combinations | regret best peer "
        "| MAE today | MAE combinations | MAE best peer |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    with threadpool_limits(limits=1):
        for truth in args.truths:
            for n in args.sizes:
                runs = [run_one(truth, n, seed, weights) for seed in range(args.seeds)]
                mean = {
                    m: {k: float(np.mean([r[m][k] for r in runs])) for k in ("regret", "mae")}
                    for m in runs[0]
                }
                best = {k: min(mean[p][k] for p in PEERS) for k in ("regret", "mae")}
                print(
                    f"| {truth} | {n:,} | {args.seeds} | {mean['today']['regret']:.4f} "
                    f"| {mean['combinations']['regret']:.4f} | {best['regret']:.4f} "
                    f"| {mean['today']['mae']:.4f} | {mean['combinations']['mae']:.4f} | {best['mae']:.4f} |",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
