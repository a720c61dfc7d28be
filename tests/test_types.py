"""Types are checked in the test run (and so in CI): mypy on the whole package, with the settings in
``pyproject.toml`` (``[tool.mypy]``), must pass; the package ships ``py.typed``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow  # a cold mypy run of the whole package: over a minute
def test_mypy_passes_on_the_package(tmp_path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "cache")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success" in done.stdout


def test_the_package_is_marked_typed() -> None:
    assert (ROOT / "recommender" / "py.typed").is_file()
