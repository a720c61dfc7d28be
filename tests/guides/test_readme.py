"""The README's first two commands are the ones CI runs and the ones a new user copies."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", text, re.S)
    assert block, "README must start with a sh code block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_readme_starts_with_install_run_and_install_test() -> None:
    install_run, install_test = _readme_commands()[:2]
    assert "pip install ." in install_run and "recommender recommend examples/" in install_run
    assert "pip install '.[test]'" in install_test and "pytest" in install_test


def test_ci_runs_exactly_the_readme_test_command_in_a_fresh_venv() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    install_test = _readme_commands()[1]
    assert install_test in ci.splitlines()
    assert "rm -rf .venv" in ci


def test_the_readme_example_citizen_exists_and_is_valid() -> None:
    from recommender import Citizen

    install_run = _readme_commands()[0]
    path = ROOT / install_run.split("recommender recommend ")[1].split()[0]
    Citizen.from_dict(json.loads(path.read_text(encoding="utf-8")))


def test_ci_starts_a_throwaway_postgresql_for_the_service_tests() -> None:
    """The PostgreSQL tests fail in CI without RECOMMENDER_TEST_POSTGRES_URL, so .ci/run must start a
    server from the machine's packages, export the URL before the test command and stop it on exit."""
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    install_test = _readme_commands()[1]
    text = "\n".join(lines)
    for needed in (
        "initdb",
        "pg_ctl",
        "runuser -u postgres",
        "mktemp -d",
        "trap stop_postgres EXIT",
        "listen_addresses=''",
        "apt-get install",
    ):
        assert needed in text, needed
    export = next(
        i for i, line in enumerate(lines) if line.startswith("export RECOMMENDER_TEST_POSTGRES_URL=")
    )
    assert export < lines.index(install_test)
