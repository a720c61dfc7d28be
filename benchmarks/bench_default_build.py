"""Benchmark: building the built-in default model (issue 27: at most 30 s wall on an idle 2-core machine).

Times ``build_default()`` (what the first run of the README's first command waits for) with its
progress lines, and reports the wall time, the CPU time of this process and its worker processes,
and, as the reference timed in the same run, one fit of the ``hgb`` candidate alone (a
HistGradientBoostingClassifier, depth 3, 100 iterations) on the same 15,925 rows: the ratio
build / reference says how many such fits the build costs, whatever the machine's load.
Run: ``python benchmarks/bench_default_build.py``.

``--stages`` first builds the same model on one process, recording the CPU seconds of every stage
and every task (:func:`recommender.modelling.tasks.recording`), and prints the critical path on two
free cores (the serial work plus, for each parallel stage, the longest of two workers fed the tasks
in order; process start-up and data transfer not counted) for the stages as run before issue 27's
build work (model selection on one process; the point fit beside the refits' whole plan) and now
(the selection's folds on two processes; the point fit beside the plan's folds). Both come from the
same measured tasks, so the machine's load cancels out. It then checks that the two-process build
predicts exactly what the one-process build does.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from collections import defaultdict

import numpy as np
from joblib.externals.loky import get_reusable_executor
from threadpoolctl import threadpool_limits

from recommender.model import OutcomeModel, train
from recommender.modelling.candidates import candidate
from recommender.modelling.default import BUILD_JOBS, DEFAULT_EVIDENCE, DEFAULT_N, DEFAULT_SEED, build_default
from recommender.modelling.features import build_schema, offer_column, prepare
from recommender.modelling.tasks import recording
from recommender.synth import generate_cohort
from recommender.typology import load_rules


def _cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _makespan(seconds: list[float], workers: int = 2) -> float:
    """The longest worker's CPU seconds when ``workers`` workers take the tasks in order."""
    free = [0.0] * workers
    for s in seconds:
        free[free.index(min(free))] += s
    return max(free)


def stages() -> OutcomeModel:
    """Build on one process, print CPU per stage and the critical path before/after; the model."""
    marks: list[tuple[str, float]] = [("start", time.process_time())]
    with recording() as tasks:
        model = train(
            generate_cohort(DEFAULT_N, DEFAULT_SEED),
            seed=0,
            evidence_size=DEFAULT_EVIDENCE,
            rules=load_rules(),
            n_jobs=1,
            progress=lambda line: marks.append((line, time.process_time())),
        )
    marks.append(("end", time.process_time()))
    by: dict[str, list[float]] = defaultdict(list)
    for label, cpu in tasks:
        by[label].append(cpu)
    total = marks[-1][1] - marks[0][1]
    print(f"CPU per stage (one process, {total:.1f} s in all):")
    for (line, t0), (_, t1) in zip(marks, marks[1:]):
        print(f"  {t1 - t0:6.2f} s  from: {line[:70]}")
    for label, cpus in by.items():
        print(f"  {sum(cpus):6.2f} s  {len(cpus):3d} tasks  {label}")
    select = [cpu for label, cpu in tasks if label.startswith("select:")]
    point, plan = sum(by["point fit"]), by["plan: fold"]
    boot = by["bootstrap refit"]
    serial = total - sum(cpu for _, cpu in tasks)
    before = serial + sum(select) + max(point, sum(plan)) + _makespan(boot)
    after = serial + _makespan(select) + _makespan([point, *plan]) + _makespan(boot)
    print(
        f"critical path on 2 free cores: before {before:.1f} s CPU (selection on one process, point fit "
        f"beside the whole plan), after {after:.1f} s (folds on two processes); serial part {serial:.1f} s"
    )
    return model


def main() -> None:
    one = stages() if "--stages" in sys.argv[1:] else None
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
    wall = time.perf_counter() - start
    get_reusable_executor().shutdown(wait=True)  # the workers end, so their CPU time is counted
    used = _cpu() - cpu
    print(
        f"default model {model.version}: built in {wall:.1f} s wall, {used:.1f} s CPU "
        f"(this process and its workers; {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f})"
    )
    print(
        f"reference: one hgb fit on {len(y):,} rows {reference:.2f} s; build / reference "
        f"{wall / reference:.1f} (wall), {used / reference:.1f} (CPU)"
    )
    assert np.isfinite(wall)
    if one is not None:
        rows = generate_cohort(500, DEFAULT_SEED + 1).frame
        a, b = one.predict_offers(rows), model.predict_offers(rows)
        same = one.version == model.version and np.array_equal(a.proba, b.proba)
        print(f"one process and {BUILD_JOBS} processes build the same model: {same} ({model.version})")
        assert same


if __name__ == "__main__":
    main()
