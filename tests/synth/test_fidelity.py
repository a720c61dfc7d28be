"""The fidelity report: the synthetic cohort reproduces every published figure within tolerance."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from recommender.cli import main
from recommender.cohort import read_cohort, write_cohort
from recommender.synth import generate_cohort
from recommender.synth.fidelity import SHARE_TOLERANCE_PP, FidelityRow, fidelity_report, format_fidelity

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "fidelity_report.py"


@pytest.fixture(scope="module")
def cohort():
    return generate_cohort(20_000, seed=1)


@pytest.fixture(scope="module")
def rows(cohort) -> list[FidelityRow]:
    return fidelity_report(cohort)


def test_every_published_figure_is_within_tolerance(rows) -> None:
    bad = [r for r in rows if not r.within]
    assert not bad, format_fidelity(bad)
    assert len(rows) >= 280


def test_the_report_covers_every_published_table(rows) -> None:
    tables = {r.table.split("–")[0] for r in rows}
    for table in (
        "tabel 2",
        "tabel 3",
        "tabel 4",
        "tabel 5",
        "tabel 6",
        "tabel 7",
        "tabel 8",
        "tabel 10",
        "tabel 11",
        "tabel 12",
        "tabel 14",
        "tabel 15",
        "tabel 16",
        "tabel 17",
        "tabel 18",
        "tabel 19",
        "tabel 34",
        "tabel 35",
        "tabel 36",
        "tabel 37",
        "tabel 38",
        "section 5",
        "section 6",
    ):
        assert table in tables, table
    names = {r.figure for r in rows}
    assert "yes: can_start_within_14_days & wants_employment" in names
    assert "exactly 5 criteria yes" in names
    assert "mean duration_days" in names and "mean years_in_denmark" in names
    co = [r for r in rows if r.table == "tabel 10"]
    assert len(co) == 15 and all(r.unit == "pp" and r.tolerance == SHARE_TOLERANCE_PP for r in co)


def test_rows_are_sorted_worst_first(rows) -> None:
    severity = [abs(r.difference) / r.tolerance for r in rows]
    assert all(s == s for s in severity)
    assert severity == sorted(severity, reverse=True)


def test_a_cohort_far_from_the_report_is_flagged_worst_first(cohort) -> None:
    frame = cohort.frame.copy()
    frame["outcome"] = "job"
    frame["duration_days"] = 30
    report = fidelity_report(read_cohort(frame))
    assert not report[0].within
    outside = {r.figure for r in report if not r.within}
    assert {"outcome=job", "outcome=other", "mean duration_days"} <= outside
    # No "other" closures at all: figures about that group cannot be computed and rank first.
    assert report[0].difference != report[0].difference and "other" in report[0].figure
    finite = [abs(r.difference) / r.tolerance for r in report if r.difference == r.difference]
    assert finite == sorted(finite, reverse=True)


def test_row_serialises_and_reads_well(rows) -> None:
    row = rows[0]
    data = row.to_dict()
    assert set(data) == {
        "figure",
        "table",
        "published",
        "generated",
        "difference",
        "unit",
        "tolerance",
        "within",
    }
    assert data["difference"] == pytest.approx(data["generated"] - data["published"], abs=1e-3)
    assert row.figure in repr(row) and ("ok" in repr(row) or "OUT" in repr(row))
    text = format_fidelity(rows, limit=5)
    assert len(text.splitlines()) == 7 and text.splitlines()[-1].startswith(f"{len(rows)} af/of")


def test_cli_fidelity_flag_prints_the_report(tmp_path, capsys) -> None:
    out = tmp_path / "c.csv"
    assert main(["synth", "--n", "800", "--seed", "2", "--out", str(out), "--fidelity"]) == 0
    printed = capsys.readouterr().out
    assert "tabel 10" in printed and "figures within tolerance" in printed


def test_script_compares_a_given_cohort_file(tmp_path, cohort, capsys) -> None:
    spec = importlib.util.spec_from_file_location("fidelity_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path = write_cohort(cohort, tmp_path / "c.csv").source
    assert module.main(["--cohort", path, "--top", "3"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 5
    assert module.main(["--cohort", str(tmp_path / "missing.csv")]) == 2
