"""Benchmark: whole-process ``recommender recommend examples/flexible.json`` on a warm cache (issue 10).

Reference, measured in the same run: ``python -c "import numpy"`` (the least any command that computes
with numpy can cost). Both are run as fresh processes, alternating, ``REPEATS`` times (≥ 10); reported:
medians and the ratio ``recommend / import numpy`` (budget ≤ 4, aim 2.5). The default model's cache is
warmed first (one untimed run). Also reported: which heavy libraries the command imported (none is the
goal: scikit-learn and pandas load only for training, evaluation, reports and batch scoring).
Run: ``python benchmarks/bench_cli_startup.py [REPEATS]``.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = str(ROOT / "examples" / "flexible.json")
RECOMMEND = [
    sys.executable,
    "-c",
    "import sys; from recommender.cli import run; sys.argv = "
    f"['recommender', 'recommend', {EXAMPLE!r}]; run()",
]
NUMPY = [sys.executable, "-c", "import numpy"]
PROBE = (
    "import sys; from recommender.cli import main; main(['recommend', %r]); "
    "print([m for m in ('sklearn', 'pandas', 'scipy', 'skops') if m in sys.modules], file=sys.stderr)"
    % EXAMPLE
)


def _seconds(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - start


def main(repeats: int = 15) -> None:
    repeats = max(10, repeats)
    subprocess.run(RECOMMEND, check=True, capture_output=True, cwd=ROOT)  # warm the model's cache
    probe = subprocess.run(
        [sys.executable, "-c", PROBE], check=True, capture_output=True, text=True, cwd=ROOT
    )
    ours, reference = [], []
    for _ in range(repeats):
        reference.append(_seconds(NUMPY))
        ours.append(_seconds(RECOMMEND))
    a, b = statistics.median(ours), statistics.median(reference)
    print(f"heavy libraries imported by `recommender recommend`: {probe.stderr.strip()}")
    print(f"python -c 'import numpy': median {b * 1e3:.0f} ms over {repeats} runs")
    print(f"recommender recommend examples/flexible.json: median {a * 1e3:.0f} ms over {repeats} runs")
    print(f"ratio recommend / import numpy: {a / b:.2f} (budget 4, aim 2.5)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
