"""Issue 16, one reading layer: every input read once, capped by the bytes actually read, any line ends.

The class under test: how an input arrives (a regular file, a pipe, a process substitution, a device)
must not change what is read or how much memory it takes. Every reader (citizen JSON, cohort CSV,
citizens CSV for ``score``, rules, model) gets the same kinds of file; CSV readers get every kind of line
end and blank lines at the same places, and must agree on line numbers.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pandas as pd
import pytest

from recommender import RecommenderError, load_model, load_rules
from recommender.cli import main
from recommender.cohort import read_citizens_chunks, read_cohort
from recommender.cohort import reader as cohort_reader
from recommender.files import read_input
from recommender.recommending.citizen_json import read_citizen_json
from recommender.synth import generate_cohort
from tests._rules_support import STANDARD

ROOT = Path(__file__).resolve().parents[2]


def _fifo(tmp_path: Path, content: bytes, name: str = "pipe") -> Path:
    """A named pipe fed by a thread once a reader opens it (like ``<(cat file)``)."""
    path = tmp_path / name
    os.mkfifo(path)

    def feed() -> None:
        try:
            with open(path, "wb") as handle:
                handle.write(content)
        except BrokenPipeError:
            pass

    threading.Thread(target=feed, daemon=True).start()
    return path


def _cohort_text(n: int = 40) -> str:
    frame = generate_cohort(n, 2).frame
    from recommender.cohort.reader import _to_csv_text

    return _to_csv_text(frame)


def _citizens_text(n: int = 40) -> str:
    frame = pd.read_csv(pd.io.common.StringIO(_cohort_text(n)), dtype=str, keep_default_na=False)
    keep = [
        c
        for c in frame.columns
        if c not in ("offer", "outcome", "duration_days", "enrolled_on", "closed_on")
        and not c.endswith("_closing")
    ]
    return frame[keep].to_csv(index=False, lineterminator="\n")


def test_every_reader_reads_a_pipe_once_and_gets_the_same_result(tmp_path) -> None:
    record = json.dumps(STANDARD).encode()
    assert (
        read_citizen_json(_fifo(tmp_path, record, "c.json")).to_dict()
        == read_citizen_json(_write(tmp_path / "c2.json", record)).to_dict()
    )
    cohort = _cohort_text().encode()
    assert read_cohort(_fifo(tmp_path, cohort, "k.csv")) == read_cohort(_write(tmp_path / "k2.csv", cohort))
    citizens = _citizens_text().encode()
    piped = pd.concat(list(read_citizens_chunks(_fifo(tmp_path, citizens, "s.csv"), chunksize=7)))
    plain = pd.concat(list(read_citizens_chunks(_write(tmp_path / "s2.csv", citizens), chunksize=7)))
    pd.testing.assert_frame_equal(piped.reset_index(drop=True), plain.reset_index(drop=True))
    rules = (ROOT / "recommender" / "rules.yaml").read_bytes()
    assert (
        load_rules(_fifo(tmp_path, rules, "r.yaml")).version
        == load_rules(ROOT / "recommender" / "rules.yaml").version
    )


def test_a_bad_record_from_a_pipe_names_its_own_values_only(tmp_path, capsys) -> None:
    record = {**STANDARD, "children_under_18": "many"}
    path = _fifo(tmp_path, json.dumps(record).encode())
    assert main(["recommend", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "children_under_18" in err and "many" in err


def _write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


@pytest.mark.parametrize("reader", ["citizen", "cohort", "citizens", "rules", "model"])
def test_dev_zero_and_endless_pipes_are_refused_by_the_bytes_read(reader, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(cohort_reader, "MAX_CSV_BYTES", 200_000)
    from recommender import typology
    from recommender.modelling import persist

    monkeypatch.setattr(persist, "MAX_MODEL_BYTES", 200_000)
    monkeypatch.setattr(typology, "MAX_RULES_BYTES", 200_000)
    read = {
        "citizen": read_citizen_json,
        "cohort": read_cohort,
        "rules": load_rules,
        "model": load_model,
        "citizens": lambda p: list(read_citizens_chunks(p)),
    }[reader]
    with pytest.raises(RecommenderError):
        read("/dev/zero")
    # a pipe that reports no size and sends more than the cap: refused after the cap, not read whole
    header = _citizens_text(2).splitlines()[0] if reader == "citizens" else _cohort_text(2).splitlines()[0]
    big = (
        (header + "\n" + "x," * 200_000).encode()
        if reader in ("cohort", "citizens")
        else b"{" + b" " * 3_000_000
    )
    with pytest.raises(RecommenderError, match="too large|for stor"):
        read(_fifo(tmp_path, big))


def test_read_input_counts_bytes_read_not_the_reported_size(tmp_path) -> None:
    with pytest.raises(RecommenderError, match="too large"):
        read_input("/dev/zero", limit=10_000)
    assert read_input(_write(tmp_path / "a", b"x" * 100), limit=100) == b"x" * 100
    with pytest.raises(RecommenderError, match="too large"):
        read_input(_write(tmp_path / "b", b"x" * 101), limit=100)


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_every_line_ending_is_read_alike_by_train_and_score(ending, tmp_path) -> None:
    cohort = _cohort_text().replace("\n", ending).encode()
    assert read_cohort(_write(tmp_path / "k.csv", cohort)) == read_cohort(
        _write(tmp_path / "k0.csv", _cohort_text().encode())
    )
    citizens = _citizens_text().replace("\n", ending).encode()
    frames = list(read_citizens_chunks(_write(tmp_path / "s.csv", citizens), chunksize=9))
    assert sum(len(f) for f in frames) == 40


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("chunksize", [3, 50])
def test_blank_lines_are_treated_alike_with_the_same_line_number(ending, chunksize, tmp_path) -> None:
    """Trailing blank lines are layout in both readers; a blank line inside the data is a bad row at its
    line."""
    for text, name in ((_cohort_text(12), "cohort"), (_citizens_text(12), "citizens")):
        lines = text.splitlines()
        trailing = _write(tmp_path / f"t_{name}.csv", (ending.join(lines) + ending * 4).encode())
        inside = _write(
            tmp_path / f"i_{name}.csv",
            ending.join([*lines[:5], "", "", *lines[5:]]).encode() + ending.encode(),
        )
        late_bad = lines[:]
        late_bad[9] = late_bad[9].replace("P500", "P500", 1).replace(",yes,", ",jein,", 1)
        shifted = _write(tmp_path / f"s_{name}.csv", ending.join([*late_bad[:3], "", *late_bad[3:]]).encode())
        if name == "cohort":
            assert read_cohort(trailing).n_rows == 12
            read = read_cohort
        else:
            assert sum(len(f) for f in read_citizens_chunks(trailing, chunksize=chunksize)) == 12
            read = lambda p: list(read_citizens_chunks(p, chunksize=chunksize))  # noqa: E731
        with pytest.raises(RecommenderError) as err:
            read(inside)
        assert err.value.line == 6, (name, str(err.value))
        with pytest.raises(RecommenderError) as err:
            read(shifted)
        assert err.value.line == 4, (name, str(err.value))  # the blank line comes first
