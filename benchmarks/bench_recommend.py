"""Benchmark: single ``recommend()`` latency against the bare scikit-learn pipeline (issues 5, 27).

Reference, measured in the same run: the model's own fitted sklearn estimator ``predict_proba`` (an
offer-contrast tree member replaced by its level forest, ``_reference.plain_reference``) on the
same citizen's four offer rows (a 4-row DataFrame prepared once, outside the timing), timed with its
default threads and on one thread; the faster of the two is the reference (``recommend()`` runs on
one thread; on a busy machine the threaded predict can be many times slower, which would flatter
the ratio). Reported: medians and the ratio ``recommend / predict_proba`` (issue 27: at most 0.25,
aim 1 ms), ``recommend()`` with p_best, intervals, reasons and ranking, plus the largest difference
between the fast path and the pipeline. Run: ``python benchmarks/bench_recommend.py [REPEATS]``.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _reference import plain_reference

from recommender import Citizen, load_model, load_rules, recommend
from recommender.modelling.features import prepare
from recommender.vocab import OFFER, OUTCOME

ROOT = Path(__file__).resolve().parents[1]


CPU: list[float] = []  # the CPU-time median of each timing, in order (see main)


def _median_seconds(fn, repeats: int) -> float:
    """The wall-time median of ``repeats`` calls; the CPU-time median is appended to ``CPU`` (on
    a busy shared machine the wall time mostly measures waiting for a core)."""
    times, cpu = [], []
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    CPU.append(statistics.median(cpu))
    return statistics.median(times)


def main(repeats: int = 300) -> None:
    model, rules = load_model(), load_rules()
    record = json.loads((ROOT / "examples" / "flexible.json").read_text(encoding="utf-8"))
    citizen = Citizen.from_dict(record)
    rows = prepare(pd.DataFrame([citizen.to_dict()] * len(OFFER.codes)), model.schema)
    rows["offer"] = list(OFFER.codes)
    estimator, what = plain_reference(model.estimator)
    for _ in range(20):  # warm up both
        estimator.predict_proba(rows)
        recommend(record, model=model, rules=rules)
    from threadpoolctl import threadpool_limits

    ref = _median_seconds(lambda: estimator.predict_proba(rows), repeats)
    ours = _median_seconds(lambda: recommend(record, model=model, rules=rules), repeats)
    with threadpool_limits(limits=1):
        ref_one = _median_seconds(lambda: estimator.predict_proba(rows), repeats)
    reference = min(ref, ref_one)
    classes = list(estimator.classes_)
    pipe = model.estimator.predict_proba(rows)[:, [classes.index(k) for k in OUTCOME.codes]]
    fast = model.predict_citizen(citizen, rules.outcome_weights).proba[0]
    print(f"model: {model!r}")
    print(f"fast path (exact numpy tables, linear or blend): {model.is_lean} ({model.manifest.selected})")
    print(f"reference: {what}")
    print(
        f"reference predict_proba, 4 offer rows: median {ref * 1e3:.3f} ms (default threads), "
        f"{ref_one * 1e3:.3f} ms (one thread); reference {reference * 1e3:.3f} ms"
    )
    print(
        f"recommend() incl. validation, rules, intervals, explanations, ranking: median {ours * 1e3:.3f} ms"
    )
    print(f"ratio recommend / predict_proba: {ours / reference:.3f} (issue 27: at most 0.25)")
    print(
        f"CPU time medians: recommend {CPU[1] * 1e3:.3f} ms, predict_proba on one thread "
        f"{CPU[2] * 1e3:.3f} ms; ratio {CPU[1] / CPU[2]:.3f}"
    )
    print(f"max |fast path - pipeline| probability: {float(np.abs(fast - pipe).max()):.2e}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
