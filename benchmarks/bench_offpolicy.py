"""Benchmark: the off-policy estimate recovers known policy values on known-truth cohorts.

Each replication draws a cohort from the known-probability process of ``tests/_dgp.py`` (confounded
offers: ready citizens get wage subsidy more often; every offer stays possible), so the exact value
of any policy is known: the mean over the cohort's citizens of Σ weight · P(outcome | citizen, offer).
Two policies are evaluated: every citizen's truly best offer, and "counselling for everyone". For
each, the benchmark reports how often the 95 % interval of IPW and of DR holds the true value
(coverage), the mean error (bias) and the mean interval width, and the naive comparison (the mean
value among cases that happened to receive the policy's offer) that the estimators correct.
A last replication removes almost all cases that received the recommended offer and checks that
the result says overlap is too poor.

Time: seconds per estimate, and as a ratio against a reference measured in the same run (one
multinomial LogisticRegression fit of the propensity on the same rows).
Run: ``python benchmarks/bench_offpolicy.py [N] [REPLICATIONS]`` (defaults 2000 10).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from recommender.analysis.offpolicy import offpolicy_value  # noqa: E402
from recommender.modelling.features import build_schema, prepare  # noqa: E402
from recommender.modelling.uncertainty import fit_propensity  # noqa: E402
from recommender.vocab import OFFER  # noqa: E402
from tests._dgp import WEIGHTS, simulate, true_all  # noqa: E402

W = np.array([WEIGHTS[k] for k in ("job", "education", "active", "other")])


def _policies(frame) -> dict[str, np.ndarray]:
    truth = true_all(frame) @ W
    return {
        "truly best offer": truth.argmax(axis=1),
        "counselling for everyone": np.full(len(frame), OFFER.codes.index("counselling")),
    }


def main(n: int = 2000, replications: int = 10) -> None:
    rows: dict[str, dict[str, list[float]]] = {}
    seconds, reference = [], []
    for rep in range(replications):
        frame = simulate(n, seed=1000 + rep, no_offer_share=0.0)
        truth = true_all(frame) @ W
        t = time.perf_counter()
        fit_propensity(prepare(frame, build_schema()), frame["offer"].to_numpy(), build_schema())
        reference.append(time.perf_counter() - t)
        for name, policy in _policies(frame).items():
            recommended = np.array(OFFER.codes, dtype=object)[policy]
            true_value = float(truth[np.arange(n), policy].mean())
            t = time.perf_counter()
            r = offpolicy_value(frame, recommended, weights=WEIGHTS, seed=rep)
            seconds.append(time.perf_counter() - t)
            followed = frame["offer"].to_numpy() == recommended
            naive = float(np.mean([WEIGHTS[o] for o in frame["outcome"][followed]]))
            s = rows.setdefault(
                name,
                {
                    k: []
                    for k in (
                        "ipw_cover",
                        "dr_cover",
                        "ipw_err",
                        "dr_err",
                        "naive_err",
                        "dr_width",
                        "status_ok",
                    )
                },
            )
            s["status_ok"].append(r.status == "ok")
            if r.status != "ok":
                continue
            s["ipw_cover"].append(r.ipw_interval[0] <= true_value <= r.ipw_interval[1])
            s["dr_cover"].append(r.dr_interval[0] <= true_value <= r.dr_interval[1])
            s["ipw_err"].append(r.ipw - true_value)
            s["dr_err"].append(r.dr - true_value)
            s["naive_err"].append(naive - true_value)
            s["dr_width"].append(r.dr_interval[1] - r.dr_interval[0])
    print(f"known-truth cohorts: {replications} × {n} cases (tests/_dgp.py), 95 % bootstrap intervals")
    for name, s in rows.items():
        k = len(s["dr_cover"])
        print(
            f"  {name:<26} ok {sum(s['status_ok'])}/{replications}; "
            f"coverage IPW {np.mean(s['ipw_cover']):.0%}"
            f", DR {np.mean(s['dr_cover']):.0%}; mean error IPW {np.mean(s['ipw_err']):+.4f}, DR "
            f"{np.mean(s['dr_err']):+.4f}, naive {np.mean(s['naive_err']):+.4f}; RMSE DR "
            f"{np.sqrt(np.mean(np.square(s['dr_err']))):.4f}; mean DR width {np.mean(s['dr_width']):.3f}"
            f" (k={k})"
        )
    frame = simulate(n, seed=999, no_offer_share=0.0)
    given = frame["offer"].to_numpy()
    keep = (given != "wage_subsidy") | (np.cumsum(given == "wage_subsidy") <= 10)
    poor = offpolicy_value(
        frame[keep].reset_index(drop=True), ["wage_subsidy"] * int(keep.sum()), weights=WEIGHTS
    )
    print(
        f"  poor overlap (10 cases got the recommended offer): status {poor.status!r}; "
        f"{poor.message_da.split(':')[0]}"
    )
    print(
        f"time per estimate {np.mean(seconds):.2f} s; reference propensity fit {np.mean(reference):.3f} s;"
        f" ratio {np.mean(seconds) / np.mean(reference):.0f}x"
    )


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
