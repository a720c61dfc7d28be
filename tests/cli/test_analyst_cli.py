"""The analyst's command line: the command list, ``models export-default``, ``score`` on a cohort file,
the ``synth --fidelity`` verdict line."""

from __future__ import annotations

import pandas as pd
import pytest

from recommender.cli import main
from recommender.model import load_model


def test_no_arguments_lists_every_command(capsys) -> None:
    assert main([]) == 2
    captured = capsys.readouterr()
    for command in ("recommend", "score", "train", "evaluate", "report", "models", "invest", "synth"):
        assert f"    {command}" in captured.out
    assert captured.err.count("\n") == 1 and "recommender COMMAND --help" in captured.err


def test_models_is_a_group_and_export_default_writes_a_loadable_file(tmp_path, capsys, default_model) -> None:
    assert main(["models"]) == 2
    assert "SUBCOMMAND" in capsys.readouterr().err
    out = tmp_path / "i-brug.p500model"
    assert main(["models", "export-default", "--out", str(out)]) == 0
    assert default_model.version in capsys.readouterr().out
    assert load_model(out).version == default_model.version
    before = out.read_bytes()
    assert main(["models", "export-default", "--out", str(out)]) == 2
    assert "--force" in capsys.readouterr().err and out.read_bytes() == before
    assert main(["models", "export-default", "--out", str(out), "--force"]) == 0
    assert main(["models", "export-default", "--out", str(tmp_path)]) == 2
    assert "directory" in capsys.readouterr().err


def test_score_accepts_a_cohort_file_and_ignores_its_outcome_columns(tmp_path, capsys) -> None:
    cohort = tmp_path / "kohorte.csv"
    assert main(["synth", "--n", "120", "--seed", "4", "--out", str(cohort)]) == 0
    intake = tmp_path / "borgere.csv"
    frame = pd.read_csv(cohort, dtype=str, keep_default_na=False)
    assert {"offer", "outcome"} <= set(frame.columns)
    frame[
        [
            c
            for c in frame.columns
            if c not in ("offer", "outcome", "duration_days", "enrolled_on", "closed_on")
            and not c.endswith("_closing")
        ]
    ].to_csv(intake, index=False)
    assert main(["score", str(cohort), "--out", str(tmp_path / "a.csv")]) == 0
    assert main(["score", str(intake), "--out", str(tmp_path / "b.csv")]) == 0
    a, b = (pd.read_csv(tmp_path / name) for name in ("a.csv", "b.csv"))
    pd.testing.assert_frame_equal(a, b)
    frame.loc[0, "outcome"] = "not-an-outcome"  # ignored, not validated
    frame.to_csv(cohort, index=False)
    assert main(["score", str(cohort), "--out", str(tmp_path / "c.csv")]) == 0
    frame.loc[0, "ofer"] = "x"  # an unknown column is still refused
    frame.to_csv(cohort, index=False)
    capsys.readouterr()
    assert main(["score", str(cohort), "--out", str(tmp_path / "d.csv")]) == 2
    assert "ofer" in capsys.readouterr().err


@pytest.mark.parametrize("n", [400])
def test_synth_fidelity_ends_with_a_verdict(tmp_path, capsys, n) -> None:
    assert main(["synth", "--n", str(n), "--seed", "3", "--out", str(tmp_path / "k.csv"), "--fidelity"]) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    assert last.startswith("Dom / verdict: ")
    assert ("OK – alle" in last) or ("IKKE OK" in last and f"n = {n}" in last)
