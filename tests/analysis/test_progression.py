"""Progression tables (spec §11, the report's tabel 19–37): shares per group, progression in pp."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from _rules_support import STANDARD

from recommender import RecommenderError
from recommender.analysis.progression import GROUPS, PROGRESSION_ITEMS, progression_tables
from recommender.cli import main
from recommender.cohort import read_cohort, write_cohort
from recommender.synth import generate_cohort, load_figures

BASE = dict(
    STANDARD,
    citizen_id="X",
    years_in_denmark=3,
    children_under_18=0,
    active_job_seeker="no",
    searches_broadly="no",
    network_use="low",
    offer="internship",
    outcome="job",
)


def _small_cohort() -> pd.DataFrame:
    # 4 labour-force rows, 2 other rows; active_job_seeker at intake / closing ("" = not registered).
    spec = [
        ("job", "no", "yes"),
        ("education", "partly", "yes"),
        ("active", "no", "partly"),
        ("job", "yes", ""),
        ("other", "no", "no"),
        ("other", "partly", ""),
    ]
    rows = []
    for i, (outcome, intake, closing) in enumerate(spec):
        rows.append(
            dict(
                BASE,
                citizen_id=f"C{i}",
                outcome=outcome,
                active_job_seeker=intake,
                active_job_seeker_closing=closing,
                network_use_closing="i høj grad",
            )
        )
    return pd.DataFrame(rows)


def test_shares_and_progression_by_hand() -> None:
    report = progression_tables(read_cohort(_small_cohort()))
    lf = report.tables["active_job_seeker"]["labour_force"]
    # intake among 4 labour-force rows: yes 1, partly 1, no 2; closing among 3 registered: yes 2, partly 1
    assert (lf["yes"].intake, lf["yes"].closing, lf["yes"].progression) == (25.0, 66.67, 41.67)
    assert (lf["no"].intake, lf["no"].closing, lf["no"].progression) == (50.0, 0.0, -50.0)
    other = report.tables["active_job_seeker"]["other"]
    assert (other["partly"].intake, other["no"].closing, other["no"].progression) == (50.0, 100.0, 50.0)
    everyone = report.tables["active_job_seeker"]["all"]
    assert everyone["yes"].intake == pytest.approx(100 / 6, abs=0.01)
    assert everyone["yes"].closing == 50.0
    assert report.counts["active_job_seeker"] == {
        "labour_force": {"intake": 4, "closing": 3},
        "other": {"intake": 2, "closing": 1},
        "all": {"intake": 6, "closing": 4},
    }
    net = report.tables["network_use"]["all"]
    assert set(net) == {"not_at_all", "low", "lesser", "some", "high", "not_relevant"}
    assert (net["low"].intake, net["low"].progression, net["high"].progression) == (100.0, -100.0, 100.0)


def test_missing_closing_column_gives_intake_only() -> None:
    report = progression_tables(read_cohort(_small_cohort()))
    cell = report.tables["wants_employment"]["all"]["yes"]
    assert cell.intake == 100.0 and cell.closing is None and cell.progression is None
    assert report.counts["wants_employment"]["all"]["closing"] == 0


def test_json_shape_is_exactly_criterion_group_answer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "kohorte.csv"
    write_cohort(_small_cohort(), path)
    assert main(["progression", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == list(PROGRESSION_ITEMS)
    for _item, groups in data.items():
        assert list(groups) == list(GROUPS)
        for answers in groups.values():
            for cell in answers.values():
                assert set(cell) == {"intake", "closing", "progression"}
    assert data["active_job_seeker"]["labour_force"]["yes"] == {
        "intake": 25.0,
        "closing": 66.67,
        "progression": 41.67,
    }


def test_screen_table_is_danish(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "kohorte.csv"
    write_cohort(_small_cohort(), path)
    assert main(["progression", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Er aktivt jobsøgende (active_job_seeker)" in out
    assert "Afsluttet i arbejdsstyrken" in out and "+41,7 pp" in out and "Delvist (partly)" not in out
    assert "delvist (partly)" in out


def test_bad_cohort_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = _small_cohort().assign(active_job_seeker_closing=["yes", "måske", "", "", "no", ""])
    with pytest.raises(RecommenderError, match="active_job_seeker_closing"):
        progression_tables(bad)
    path = tmp_path / "bad.csv"
    bad.to_csv(path, index=False)
    assert main(["progression", str(path)]) == 2
    err = capsys.readouterr().err
    assert "line 3" in err and "måske" in err and err.count("\n") == 1
    assert main(["progression", str(tmp_path / "missing.csv")]) == 2


def _reference() -> dict:
    """The report's relative progression recomputed from its counts (the printed values have typos)."""
    published = load_figures()["progression"]
    out: dict = {}
    for item in PROGRESSION_ITEMS[:-1]:
        d = published[item]
        n_in = [sum(v[g] for v in d["intake"].values()) for g in (0, 1)]
        n_out = [sum(v[g] for v in d["closing"].values()) for g in (0, 1)]
        out[item] = {}
        for answer in ("yes", "partly", "no"):
            i, c = d["intake"][answer], d["closing"][answer]
            out[item][answer] = {
                "labour_force": 100 * c[0] / n_out[0] - 100 * i[0] / n_in[0],
                "other": 100 * c[1] / n_out[1] - 100 * i[1] / n_in[1],
                "all": 100 * sum(c) / sum(n_out) - 100 * sum(i) / sum(n_in),
            }
    net = published["network_use"]  # tabel 36 / 37: all citizens only
    n_in, n_out = (sum(v[0] for v in net[t].values()) for t in ("intake", "closing"))
    out["network_use"] = {
        code: {"all": 100 * net["closing"][code][0] / n_out - 100 * net["intake"][code][0] / n_in}
        for code in net["intake"]
    }
    return out


def test_printed_progression_agrees_with_counts_except_known_typos() -> None:
    published = load_figures()["progression"]
    reference = _reference()
    off = set()
    for item, answers in reference.items():
        if item == "network_use":
            continue
        for answer, groups in answers.items():
            printed = dict(zip(GROUPS, published[item]["relative_progression_printed"][answer]))
            off |= {(item, answer, g) for g in GROUPS if abs(printed[g] - groups[g]) > 1.0}
    assert off == {
        ("active_job_seeker", "yes", "other"),  # sign typo: -10,3 for +10,3
        ("can_start_within_14_days", "partly", "all"),  # -10,5 for -15,5
        ("can_start_within_14_days", "no", "all"),
    }  # -32,8 for -3,2


@pytest.mark.slow
def test_large_synthetic_cohort_reproduces_the_reports_progression() -> None:
    cohort = read_cohort(generate_cohort(20_000, seed=7))
    report = progression_tables(cohort)
    reference = _reference()
    worst = max(
        (abs(report.tables[item][group][answer].progression - value), item, group, answer)
        for item, answers in reference.items()
        for answer, groups in answers.items()
        for group, value in groups.items()
    )
    assert worst[0] < 4.0, f"largest deviation {worst[0]:.1f} pp at {worst[1:]}"
