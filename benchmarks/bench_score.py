"""Benchmark: batch scoring, whole process, against the bare pipeline (issues 5, 27).

1. 100,000 citizens: ``recommender score`` as a subprocess (interpreter start, model load, reading,
   validation, rules, model with every bootstrap draw for ``p_best``, ranking, writing every column)
   against the model's fitted sklearn estimator ``predict_proba`` (an offer-contrast tree member
   replaced by its level forest, ``_reference.plain_reference``) on the 400,000 offer rows, measured
   in this run with its default threads and on one thread, the faster being the reference
   (issue 27: ratio at most 4).
2. Peak memory (max RSS, reported by the child process itself) of ``recommender score`` on 1,000,000
   citizens (the 100,000 repeated, with new ids): bounded if it is about the small run's.
Run: ``python benchmarks/bench_score.py [N_SMALL] [N_LARGE]`` (defaults 100000 1000000).
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
from _reference import plain_reference
from threadpoolctl import threadpool_limits

from recommender import load_model
from recommender.modelling.features import prepare
from recommender.synth import generate_cohort
from recommender.vocab import FIELDS, OFFER


def _citizens_csv(n: int, path: Path, base: pd.DataFrame | None = None) -> pd.DataFrame:
    """``n`` citizens: generated, or ``base`` repeated with new ids (written block by block)."""
    if base is None:
        frame = generate_cohort(n, seed=11).frame[list(FIELDS)]
        frame.to_csv(path, index=False)
        return frame
    for start in range(0, n, len(base)):
        part = base.head(n - start).assign(
            citizen_id=[f"R{start + i:07d}" for i in range(min(len(base), n - start))]
        )
        part.to_csv(path, index=False, header=start == 0, mode="w" if start == 0 else "a")
    return base


# The child reports its own peak RSS (VmHWM of its new address space). ru_maxrss would not do: on
# Linux it survives exec, so it would count this (large) parent process's pages copied by fork.
_CHILD = (
    "import sys\n"
    "from recommender.cli import main\n"
    "rc = main(sys.argv[1:])\n"
    "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
    "print('PEAK_KB', hwm, file=sys.stderr)\n"
    "sys.exit(rc)\n"
)


def _children_cpu() -> float:
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def _run_score(src: Path, out: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MiB) of ``recommender score`` in a child process."""
    t, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, "score", str(src), "--out", str(out)],
        check=True,
        stderr=subprocess.PIPE,
        text=True,
    )
    seconds = time.perf_counter() - t
    peak_kb = int(done.stderr.split("PEAK_KB")[-1].split()[0])
    return seconds, _children_cpu() - cpu, peak_kb / 1024


def main(n_small: int = 100_000, n_large: int = 1_000_000) -> None:
    model = load_model()  # built and cached before anything is timed
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "citizens.csv", Path(tmp) / "scores.csv"
        frame = _citizens_csv(n_small, src)
        X = prepare(frame, model.schema)
        rows = pd.concat([X] * len(OFFER.codes), ignore_index=True)
        rows["offer"] = [o for o in OFFER.codes for _ in range(len(X))]
        reference_estimator, what = plain_reference(model.estimator)
        print(f"reference: {what}")
        times, cpu = [], []
        for limit in (None, 1):
            with threadpool_limits(limits=limit):
                t, c = time.perf_counter(), time.process_time()
                reference_estimator.predict_proba(rows)
                times.append(time.perf_counter() - t)
                cpu.append(time.process_time() - c)
        reference = min(times)
        seconds, used, peak_small = _run_score(src, out)
        print(
            f"{n_small:,} citizens: score (whole process) {seconds:.2f} s; bare predict_proba on "
            f"{len(rows):,} offer rows {times[0]:.2f} s (default threads), {times[1]:.2f} s (one "
            f"thread); ratio {seconds / reference:.2f} (issue 27: at most 4)"
        )
        print(
            f"  CPU time: score {used:.2f} s, predict_proba on one thread {cpu[1]:.2f} s; ratio "
            f"{used / cpu[1]:.2f}; peak RSS {peak_small:.0f} MiB"
        )
        if n_large:
            big = Path(tmp) / "big.csv"
            _citizens_csv(n_large, big, frame)
            seconds, used, peak = _run_score(big, out)
            print(f"{n_large:,} citizens: score {seconds:.1f} s ({used:.1f} s CPU), peak RSS {peak:.0f} MiB")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    main(*args)
