"""Cohort files and training (issue 7): one bad row refuses the whole file with its line number; a
failed or interrupted training (including KeyboardInterrupt and a real SIGINT) leaves an existing model
file byte-identical and no temp files behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import copy_of

from recommender.cli import main
from recommender.cohort import read_cohort, write_cohort
from recommender.errors import CohortError, RecommenderError
from recommender.model import load_model, save_model, train
from recommender.modelling import persist as _persist
from recommender.synth import generate_cohort

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def cohort():
    return generate_cohort(300, seed=7)


@pytest.fixture(scope="module")
def text_frame(cohort, tmp_path_factory) -> pd.DataFrame:
    """The cohort as the text of its canonical CSV file, ready to be broken and written back."""
    path = write_cohort(cohort, tmp_path_factory.mktemp("cohort") / "cohort.csv").source
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def small_model(cohort):
    return train(cohort, n_bootstrap=2)


@pytest.fixture()
def existing_model(default_model_file, tmp_path) -> Path:
    return copy_of(default_model_file, tmp_path / "model.p500")


def _no_temp_files(directory: Path) -> None:
    assert [p.name for p in directory.iterdir() if p.name.endswith(".tmp")] == []


# (id, column, bad value, field named in the error)
BAD_ROWS = [
    ("bool_as_number", "years_in_denmark", "true", "years_in_denmark"),
    ("float_children", "children_under_18", "2.5", "children_under_18"),
    ("out_of_range", "years_in_denmark", "81", "years_in_denmark"),
    ("misspelt_label", "active_job_seeker", "delvis", "active_job_seeker"),
    ("english_typo", "language_sufficient", "to some degre", "language_sufficient"),
    ("unknown_offer", "offer", "jobrotation", "offer"),
    ("empty_outcome", "outcome", "", "outcome"),
    ("unknown_outcome", "outcome", "død", "outcome"),
    ("cpr_id", "citizen_id", "010190-1234", "citizen_id"),
    ("cpr_id_no_dash", "citizen_id", "0101901234", "citizen_id"),
    ("control_char_id", "citizen_id", "syn\x1b[2J", "citizen_id"),
    ("huge_text", "job_goal", "x" * 100_000, "job_goal"),
    ("bad_date", "closed_on", "2024-02-30", "closed_on"),
    ("bool_code", "education_plan", "måske", "education_plan"),
    ("empty_required", "municipality", "", "municipality"),
]


@pytest.mark.parametrize("name, column, value, field", BAD_ROWS, ids=[b[0] for b in BAD_ROWS])
def test_one_bad_row_refuses_the_file_with_its_line(text_frame, tmp_path, name, column, value, field) -> None:
    frame = text_frame.copy()
    if column not in frame.columns:
        frame[column] = ""
    row = 123  # data row 123 is file line 125 (header is line 1)
    frame.loc[row, column] = value
    path = tmp_path / "cohort.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(CohortError) as info:
        read_cohort(path)
    error = info.value
    assert error.line == row + 2 and error.field == field and error.n_bad_rows == 1
    assert f"line {row + 2}" in str(error) and len(str(error)) < 3000
    if "cpr" in name:
        assert value not in str(error)


def test_control_characters_are_found_among_many_distinct_ids(tmp_path) -> None:
    """Over 1000 distinct ids a fast path checks only suspicious values; control chars are suspicious."""
    path = write_cohort(generate_cohort(1500, seed=3), tmp_path / "big.csv").source
    big = pd.read_csv(path, dtype=str, keep_default_na=False)
    big.loc[1400, "citizen_id"] = "syn\x1b001400"
    with pytest.raises(CohortError) as info:
        read_cohort(big)
    assert info.value.line == 1402 and info.value.field == "citizen_id"


def test_ragged_and_quoted_rows_are_refused_not_shifted(cohort, tmp_path) -> None:
    path = tmp_path / "cohort.csv"
    write_cohort(cohort, path)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[50] = lines[50].rstrip("\n") + ",extra,fields\n"
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(CohortError, match="51"):
        read_cohort(path)


@pytest.mark.parametrize("how", ["bad_row", "no_offers", "one_outcome", "two_rows", "header_only"])
def test_failed_training_exits_2_and_leaves_the_model_byte_identical(
    text_frame, existing_model, tmp_path, capsys, how
) -> None:
    before = existing_model.read_bytes()
    frame = text_frame.copy()
    if how == "bad_row":
        frame.loc[200, "outcome"] = "jobb"
    elif how == "no_offers":
        frame["offer"] = ""
    elif how == "one_outcome":
        frame["outcome"] = "job"
    elif how == "two_rows":
        frame = frame.head(2)
    else:
        frame = frame.head(0)
    path = tmp_path / "cohort.csv"
    frame.to_csv(path, index=False)
    assert main(["train", str(path), "--out", str(existing_model)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert existing_model.read_bytes() == before
    _no_temp_files(existing_model.parent)


@pytest.mark.parametrize("where", ["write", "fsync", "replace"])
@pytest.mark.parametrize("error", [KeyboardInterrupt, OSError])
def test_an_interrupted_or_failed_save_leaves_the_model_byte_identical(
    small_model, existing_model, monkeypatch, where, error
) -> None:
    """Interrupt the save at each step of the atomic write: the old file stays, no temp file is left."""
    model = small_model
    before = existing_model.read_bytes()
    real_fdopen = os.fdopen

    class _Failing:
        def __init__(self, fh):
            self._fh, self._n = fh, 0

        def write(self, chunk):
            self._n += 1
            if self._n == 3:  # half the file is on disk
                raise error(28, "No space left on device") if error is OSError else error()
            return self._fh.write(chunk)

        def __getattr__(self, name):
            return getattr(self._fh, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return self._fh.__exit__(*exc)

    def boom(*args, **kwargs):
        raise error(5, "I/O error") if error is OSError else error()

    if where == "write":
        monkeypatch.setattr(_persist.os, "fdopen", lambda *a, **k: _Failing(real_fdopen(*a, **k)))
    else:
        monkeypatch.setattr(_persist.os, where, boom)
    with pytest.raises(error):
        save_model(model, existing_model)
    monkeypatch.undo()
    assert existing_model.read_bytes() == before
    _no_temp_files(existing_model.parent)
    assert load_model(existing_model).version == load_model(existing_model).version


def test_a_real_sigint_during_training_never_leaves_a_broken_model(cohort, existing_model, tmp_path) -> None:
    """SIGINT to a real ``recommender train`` process: exit 130 and the old file, or (if training won
    the race) exit 0 and a complete new model; never half a file, a temp file or a traceback."""
    path = tmp_path / "cohort.csv"
    write_cohort(cohort, path)
    before = existing_model.read_bytes()
    ready = tmp_path / "ready"
    code = (
        "import sys; import recommender.cli as cli; import recommender.model; "
        f"open({str(ready)!r}, 'w').close(); "
        f"sys.exit(cli.main(['train', {str(path)!r}, '--out', {str(existing_model)!r}]))"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 60
    while not ready.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)  # inside training
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=120)
    assert "Traceback" not in err
    if proc.returncode == 130:
        assert existing_model.read_bytes() == before
        assert "afbrudt/interrupted" in err
    else:
        assert proc.returncode == 0, err
        assert load_model(existing_model).manifest.n_rows == cohort.n_rows
    _no_temp_files(existing_model.parent)


def test_the_python_api_raises_recommender_error_for_a_bad_cohort(text_frame, tmp_path) -> None:
    frame = text_frame.copy()
    frame.loc[10, "children_under_18"] = "2.0"
    with pytest.raises(RecommenderError, match="line 12: children_under_18"):
        train(frame, n_bootstrap=2)
    for source in (tmp_path / "missing.csv", tmp_path, 42, ["not", "a", "cohort"]):
        with pytest.raises(RecommenderError):
            train(source, n_bootstrap=2)  # type: ignore[arg-type]
