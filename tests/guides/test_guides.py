"""Every guide can be followed from a clone: each ```sh / ```console block of README.md and docs/*.md runs,
in order, in a fresh copy of the project.

The copy holds exactly the files a clone would (``git ls-files``: tracked and new, not ignored, so
uncommitted work is tested too) and nothing else; its ``.venv`` is a link to the environment running the
tests, so ``. .venv/bin/activate`` and ``.venv/bin/recommender`` work as after the README's install
without installing again. The blocks of one document run as one bash script (``set -euo pipefail``), so
a guide must itself activate the environment before it types ``recommender``: the shell starts with
the system ``PATH`` only. ``RECOMMENDER_CACHE`` is passed on, so the built-in model is not rebuilt.

A block preceded by ``<!-- no-test: reason -->`` is not run; a reason is required. Used for: the
README's install-and-test line (it creates the virtual environment and runs this whole suite).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```", re.S | re.M)
_NO_TEST = re.compile(r"<!--\s*no-test:\s*(.*?)\s*-->\s*$", re.S)


def blocks(path: Path) -> list[tuple[int, str, str | None]]:
    """(line, commands, no-test reason or None) for every sh/console block of a Markdown file."""
    text = path.read_text(encoding="utf-8")
    out = []
    for match in _FENCE.finditer(text):
        lang, body = match.group(1), match.group(2)
        if lang not in ("sh", "console"):
            continue
        before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        marker = _NO_TEST.search(before)
        if marker is not None and not marker.group(1):
            raise AssertionError(
                f"{path.name}: <!-- no-test --> without a reason before line "
                f"{text[: match.start()].count(chr(10)) + 1}"
            )
        if lang == "console":  # only the typed commands: "$ cmd" lines and their continuations
            lines, keep = [], False
            for line in body.splitlines():
                if line.startswith("$ "):
                    lines.append(line[2:])
                    keep = line.endswith("\\")
                elif keep:
                    lines.append(line)
                    keep = line.endswith("\\")
            body = "\n".join(lines) + "\n"
        out.append((text[: match.start()].count("\n") + 1, body, marker.group(1) if marker else None))
    return out


def _fresh_copy(dest: Path) -> Path:
    files = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, files):
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    (dest / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    return dest


def test_every_guide_points_into_the_project_and_no_test_is_rare() -> None:
    skipped = []
    for doc in DOCS:
        assert "../shared" not in doc.read_text(encoding="utf-8"), f"{doc.name} points outside the project"
        skipped += [(doc.name, "pip install '.[test]'" in body) for _, body, reason in blocks(doc) if reason]
    # only the install-and-test line, and the service guide's blocks that start a server (or need
    # PostgreSQL, a terminal): their steps run in tests/cli/test_service_cli.py and
    # tests/api/test_service_api.py
    assert [s for s in skipped if s[0] != "service.md"] == [("README.md", True)], skipped
    assert len([s for s in skipped if s[0] == "service.md"]) <= 5
    assert (ROOT / "docs" / "spec.md").is_file()


@pytest.mark.slow
@pytest.mark.parametrize(
    "doc", [d for d in DOCS if any(r is None for _, _, r in blocks(d))], ids=lambda d: d.name
)
def test_guide_commands_run_in_a_fresh_copy(doc: Path, tmp_path: Path) -> None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.fail("the guide test needs git and the project's repository")
    clone = _fresh_copy(tmp_path / "clone")
    script = ["set -euo pipefail"]
    for line, body, reason in blocks(doc):
        if reason is None:
            script += [f"echo '::: {doc.name} line {line}' >&2", body]
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = "/usr/local/bin:/usr/bin:/bin"
    done = subprocess.run(
        ["bash", "-c", "\n".join(script)], cwd=clone, env=env, capture_output=True, text=True, timeout=1200
    )
    where = [ln for ln in done.stderr.splitlines() if ln.startswith("::: ")]
    assert done.returncode == 0, (
        f"{where[-1] if where else doc.name} failed (exit {done.returncode}):\n"
        f"{done.stderr[-3000:]}\n{done.stdout[-2000:]}"
    )
    assert "Traceback" not in done.stderr
