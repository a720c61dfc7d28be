"""Benchmark: decision quality at realistic cohort sizes, against a known truth (issue 11).

For each truth generator (tests/_truth.py: ``logit``, ``p500``, ``thresholds`` and the held-out
``municipal``), each cohort size and each seed: a closed cohort with a confounded offer (wage
subsidy to the readiest) is drawn, ``train`` and the plain peers are fitted on the same rows in
the same run, and all are judged on 2,000 fresh citizens against the exact P(outcome | citizen,
offer): mean absolute probability error (MAE), regret (true score of the truly best offer minus
that of the model's top offer, outcome weights from rules.yaml), top-offer agreement and policy
value (mean true score of the model's top offer; "oracle" = always the truly best offer). Means
over seeds; one markdown table. The last column (issue 24) is ours after the evidence shrinkage that
``recommend()`` applies before ranking (regret and MAE of the shrunk estimates).

Run (nice, one thread per fit)::

    nice .venv/bin/python benchmarks/bench_decision_quality.py            # full: 4 sizes x 5 seeds
    nice .venv/bin/python benchmarks/bench_decision_quality.py --quick    # 274 and 1,000, 2 seeds

Our model is trained with ``n_bootstrap=1`` here (the least allowed): the bootstrap gives the
intervals only, never the point estimates the ranking uses.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from _truth import TRUTHS, decision_metrics, fresh, plain_peer, simulate  # noqa: E402

PEERS = ("logit", "hgb", "marginals", "prior")
LABEL = {
    "ours": "ours",
    "logit": "LogisticRegression()",
    "hgb": "HGB default",
    "marginals": "offer marginals",
    "prior": "prior",
}
N_TEST = 2000


def _weights() -> np.ndarray:
    from recommender.typology import load_rules
    from recommender.vocab import OUTCOME

    w = load_rules().outcome_weights
    return np.array([float(w[k]) for k in OUTCOME.codes])


def run_one(truth_name: str, n: int, seed: int, weights: np.ndarray) -> dict[str, dict[str, float]]:
    """Metrics of ours and every peer on one cohort (plus our training time and choice); ``ours_shown``:
    ours after the evidence shrinkage recommend() applies before ranking (issue 24)."""
    from recommender.model import train
    from recommender.recommending.evidence import shrink_estimates
    from recommender.recommending.ordering import citizens_like
    from recommender.typology import load_rules

    truth = TRUTHS[truth_name]
    frame = simulate(truth, n, seed=seed * 7919 + n)
    test = fresh(truth, N_TEST, seed=10**6 + seed)
    exact = truth.proba(test)
    t = time.perf_counter()
    model = train(frame, seed=seed, n_bootstrap=1)
    seconds = time.perf_counter() - t
    est = model.predict_offers(test, intervals=False)
    ours = est.proba
    out = {"ours": decision_metrics(ours, exact, weights)}
    # issue 24: the estimates as recommend() shows and ranks them (shrunk by the offers' evidence)
    rules = load_rules()
    shown = shrink_estimates(est, citizens_like(test, model, rules.sparse_data_min), weights)
    out["ours_shown"] = decision_metrics(shown.proba, exact, weights)
    out["ours"].update(seconds=seconds)
    out["ours"]["selected"] = model.manifest.selected  # type: ignore[assignment]
    for peer in PEERS:
        out[peer] = decision_metrics(plain_peer(peer, frame, test), exact, weights)
    oracle = (exact @ weights).max(axis=1).mean()
    out["oracle"] = {"value": float(oracle)}
    return out


def _share(x: float) -> str:
    return "n/a" if np.isnan(x) else f"{x:.2f}"


def table(results: dict[tuple[str, int], list[dict]]) -> str:
    """One markdown table: regret and MAE of every model, agreement and value of ours vs the plain
    LogisticRegression(), our regret as a ratio of the best peer's and the mean paired difference
    (with its standard error over seeds), per generator and size (means over seeds)."""
    head = (
        ["generator", "n", "seeds"]
        + [f"regret {LABEL[m]}" for m in ("ours",) + PEERS]
        + [f"MAE {LABEL[m]}" for m in ("ours",) + PEERS]
        + [
            "agreement ours / LR",
            "value ours / LR / oracle",
            "ours ≤ best peer (regret, MAE)",
            "regret ours / best peer",
            "ours − best peer (paired SE)",
            "train s",
            "regret / MAE ours as shown (shrunk, issue 24)",
        ]
    )
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for (truth, n), runs in results.items():
        mean = {
            m: {k: float(np.mean([r[m][k] for r in runs])) for k in runs[0][m] if k != "selected"}
            for m in runs[0]
        }
        best_regret = min(mean[p]["regret"] for p in PEERS)
        best_mae = min(mean[p]["mae"] for p in PEERS)
        best = min(PEERS, key=lambda p: mean[p]["regret"])
        diff = np.array([r["ours"]["regret"] - r[best]["regret"] for r in runs])
        se = float(diff.std(ddof=1) / np.sqrt(len(diff))) if len(diff) > 1 else float("nan")
        ok = (
            ("yes" if mean["ours"]["regret"] <= best_regret else "**no**")
            + ", "
            + ("yes" if mean["ours"]["mae"] <= best_mae else "**no**")
        )
        cells = (
            [truth, f"{n:,}", str(len(runs))]
            + [f"{mean[m]['regret']:.4f}" for m in ("ours",) + PEERS]
            + [f"{mean[m]['mae']:.4f}" for m in ("ours",) + PEERS]
            + [
                f"{_share(mean['ours']['agreement'])} / {_share(mean['logit']['agreement'])}",
                f"{mean['ours']['value']:.3f} / {mean['logit']['value']:.3f} / {mean['oracle']['value']:.3f}",
                ok,
                f"{mean['ours']['regret'] / best_regret:.2f}",
                f"{diff.mean():+.4f} ({se:.4f}, {LABEL[best]})",
                f"{mean['ours']['seconds']:.1f}",
                (
                    f"{mean['ours_shown']['regret']:.4f} / {mean['ours_shown']['mae']:.4f}"
                    if "ours_shown" in mean
                    else "n/a"
                ),
            ]
        )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="sizes 274 and 1,000, 2 seeds")
    parser.add_argument("--sizes", type=int, nargs="+", default=None)
    parser.add_argument("--seeds", type=int, default=None)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--truths", nargs="+", default=list(TRUTHS), choices=list(TRUTHS))
    parser.add_argument("--json", metavar="OUT", help="also write the raw results (to --combine)")
    parser.add_argument(
        "--combine",
        nargs="+",
        metavar="JSON",
        help="print one table from the raw results of earlier (parallel) runs",
    )
    args = parser.parse_args(argv)
    if args.combine:
        merged: dict[tuple[str, int], list[dict]] = {}
        for path in args.combine:
            for key, runs in json.loads(Path(path).read_text()):
                merged.setdefault((key[0], int(key[1])), []).extend(runs)
        print(table(merged))
        return 0
    sizes = args.sizes or ([274, 1000] if args.quick else [274, 1000, 3000, 20000])
    seeds = args.seeds or (2 if args.quick else 5)
    weights = _weights()
    from threadpoolctl import threadpool_limits

    results: dict[tuple[str, int], list[dict]] = {}
    start = time.perf_counter()
    with threadpool_limits(limits=1):
        for truth in args.truths:
            for n in sizes:
                for seed in range(args.first_seed, args.first_seed + seeds):
                    r = run_one(truth, n, seed, weights)
                    results.setdefault((truth, n), []).append(r)
                    if args.json:  # after every cohort, so a run cut short keeps what it measured
                        Path(args.json).write_text(json.dumps([[list(k), v] for k, v in results.items()]))
                    print(
                        f"# {truth} n={n} seed={seed}: ours regret {r['ours']['regret']:.4f} "
                        f"mae {r['ours']['mae']:.4f} agreement {r['ours']['agreement']:.3f} "
                        f"({r['ours']['selected']}, "
                        f"{r['ours']['seconds']:.1f} s); LR {r['logit']['regret']:.4f} "
                        f"{r['logit']['mae']:.4f}; HGB {r['hgb']['regret']:.4f} "
                        f"{r['hgb']['mae']:.4f}",
                        file=sys.stderr,
                        flush=True,
                    )
    print(table(results))
    print(f"\n({time.perf_counter() - start:.0f} s in all; {N_TEST} fresh citizens per cohort)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
