"""Benchmark: reading + validating a cohort file vs plain ``pandas.read_csv`` of the same file.

    /tmp/venv/bin/python benchmarks/bench_cohort_validate.py [--rows 100000] [--repeat 3]

Reports best-of-``repeat`` wall times and the ratio read_cohort / read_csv, both measured in this run
on the same file (a synthetic cohort written by ``write_cohort``). Also times generating 50,000 rows
against writing them, for scale. The target is validation of 100,000 rows well under a second, i.e.
a small multiple of a plain read.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pandas as pd

from recommender.cohort import read_cohort, write_cohort
from recommender.synth import generate_cohort


def _best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cohort.csv"
        cohort = generate_cohort(args.rows, seed=1)
        write_cohort(cohort, path)
        plain = _best(lambda: pd.read_csv(path), args.repeat)
        full = _best(lambda: read_cohort(path), args.repeat)
        print(f"rows={args.rows} file={path.stat().st_size / 1e6:.1f} MB")
        print(f"pandas.read_csv      {plain * 1000:8.1f} ms  (reference)")
        print(f"read_cohort          {full * 1000:8.1f} ms  ratio {full / plain:5.2f}x")
        gen = _best(lambda: generate_cohort(50_000, seed=2), args.repeat)
        small = generate_cohort(50_000, seed=2)
        write = _best(lambda: write_cohort(small, Path(tmp) / "w.csv"), args.repeat)
        print(f"write_cohort 50,000  {write * 1000:8.1f} ms  (reference)")
        print(f"generate 50,000      {gen * 1000:8.1f} ms  ratio {gen / write:5.2f}x")


if __name__ == "__main__":
    main()
