"""Benchmark: training with model selection on a 100,000-row synthetic cohort.

Reports wall time and peak traced memory of ``train`` and, as the reference measured in the same
run on the same rows, a bare sklearn LogisticRegression fit (one-hot features, offer included),
and the ratios. Run: ``/tmp/venv/bin/python benchmarks/bench_train.py [N]``. Goal: train < 60 s.
"""

from __future__ import annotations

import sys
import time
import tracemalloc

from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

from recommender.model import train
from recommender.synth import generate_cohort


def _measure(fn):
    """Wall time of one untraced run, then peak traced memory of a second run: tracing every
    allocation nearly doubled training's time here, so timing under ``tracemalloc`` (as this
    benchmark did before issue 11) overstates the time."""
    t = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - t
    tracemalloc.start()
    t = time.perf_counter()
    fn()
    traced = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return result, seconds, peak, traced


def main(n: int = 100_000) -> None:
    cohort = generate_cohort(n, seed=1)
    rows = cohort.frame[cohort.frame["offer"].notna()]
    cols = [
        c
        for c in rows.columns
        if c not in ("citizen_id", "job_goal", "outcome", "gender", "origin", "nationality")
        and not c.endswith("_closing")
        and c not in ("duration_days", "enrolled_on", "closed_on")
    ]
    X = rows[cols].astype(str)
    y = rows["outcome"].astype(str)
    _, ref_s, ref_mb, _ = _measure(
        lambda: make_pipeline(OneHotEncoder(handle_unknown="ignore"), LogisticRegression(max_iter=1000)).fit(
            X, y
        )
    )
    model, s, mb, traced = _measure(lambda: train(cohort, seed=0, evidence_size=219))
    print(f"rows {n} ({cohort.n_with_offer} with an offer); selected {model.manifest.selected}")
    print(f"reference LogisticRegression: {ref_s:.2f} s, peak {ref_mb:.0f} MiB")
    print(
        f"train (selection, stack, bootstrap, propensity): {s:.2f} s, peak {mb:.0f} MiB "
        f"({traced:.1f} s under tracemalloc)"
    )
    print(
        f"ratio time {s / ref_s:.1f}x, memory {mb / ref_mb:.1f}x; goal < 60 s: "
        f"{'met' if s < 60 else 'NOT met'}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
