"""The code is linted and formatted by ruff, with the settings in ``pyproject.toml`` (``[tool.ruff]``):
``ruff check`` (pycodestyle, pyflakes, isort, bugbear, pyupgrade, simplify; the ignores are justified
there) and ``ruff format --check`` must pass on the package, the tests, the benchmarks and the scripts.
Run ``ruff format`` and ``ruff check --fix`` on those folders to fix what can be fixed automatically.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ["recommender", "tests", "benchmarks", "scripts"]


def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    try:
        import ruff  # noqa: F401
    except ImportError:
        pytest.fail("ruff is not installed; it is in the test extra: pip install '.[test]'")
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, "--no-cache", *FOLDERS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_ruff_check_passes() -> None:
    done = _ruff("check", "--output-format", "concise")
    assert done.returncode == 0, f"ruff check:\n{done.stdout[-4000:]}{done.stderr[-2000:]}"


def test_ruff_format_check_passes() -> None:
    done = _ruff("format", "--check")
    assert done.returncode == 0, (
        f"ruff format --check (run `ruff format` on {' '.join(FOLDERS)}):\n"
        f"{done.stdout[-4000:]}{done.stderr[-2000:]}"
    )
