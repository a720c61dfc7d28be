"""Benchmark: building the built-in default model (issue 27: at most 30 s wall on an idle 2-core machine).

Times ``build_default()`` (what the first run of the README's first command waits for) with its
progress lines, and reports the wall time, the CPU time of this process and its worker processes,
and, as the reference timed in the same run, one fit of the ``hgb`` candidate alone (a
HistGradientBoostingClassifier, depth 3, 100 iterations) on the same 15,925 rows: the ratio
build / reference says how many such fits the build costs, whatever the machine's load.
Run: ``python benchmarks/bench_default_build.py``.
"""

from __future__ import annotations

import os
import resource
import time

import numpy as np
from threadpoolctl import threadpool_limits

from recommender.modelling.default import DEFAULT_N, DEFAULT_SEED, build_default
from recommender.modelling.features import build_schema, offer_column, prepare
from recommender.modelling.selection import candidate
from recommender.synth import generate_cohort


def _cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    frame = generate_cohort(DEFAULT_N, DEFAULT_SEED).frame
    data = frame.loc[frame["offer"].notna()].reset_index(drop=True)
    schema = build_schema(data)
    X = prepare(data, schema)
    X["offer"] = offer_column(data).to_numpy()
    y = data["outcome"].astype(str).to_numpy()
    with threadpool_limits(limits=1):
        t = time.perf_counter()
        candidate(schema, "hgb").fit(X, y)
        reference = time.perf_counter() - t
    start, cpu = time.perf_counter(), _cpu()
    model = build_default(lambda line: print(f"  {time.perf_counter() - start:5.1f} s  {line}"))
    wall, used = time.perf_counter() - start, _cpu() - cpu
    print(
        f"default model {model.version}: built in {wall:.1f} s wall, {used:.1f} s CPU "
        f"(this process and its workers; {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f})"
    )
    print(
        f"reference: one hgb fit on {len(y):,} rows {reference:.2f} s; build / reference "
        f"{wall / reference:.1f} (wall), {used / reference:.1f} (CPU)"
    )
    assert np.isfinite(wall)


if __name__ == "__main__":
    main()
