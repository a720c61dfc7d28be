"""Champion vs challenger (recommender.analysis.compare) and ``evaluate --against``."""

from __future__ import annotations

import json

import numpy as np
import pytest

from recommender.analysis.compare import compare_models, weighted_ece
from recommender.analysis.evaluation import expected_calibration_error
from recommender.cli import main
from recommender.cohort import write_cohort
from recommender.errors import RecommenderError
from recommender.model import save_model, train
from recommender.vocab import OFFER
from tests._dgp import simulate


@pytest.fixture(scope="module")
def fitted():
    """A model trained on the known-truth process: on its held-out cases it must beat the built-in
    model, which learnt a different (synthetic Projekt 500) population."""
    return train(simulate(1500, seed=21), seed=0, n_bootstrap=5)


@pytest.fixture(scope="module")
def holdout():
    return simulate(1200, seed=22)


@pytest.mark.slow  # trains a model on 1,500 rows (module fixture)
def test_the_right_model_is_better_and_the_wrong_one_worse(fitted, holdout, default_model) -> None:
    better = compare_models(holdout, champion=default_model, challenger=fitted, n_bootstrap=200)
    assert better.verdict == "better" and better.verdict_da == "bedre"
    ll = better.metric("log_loss")
    assert ll.difference == pytest.approx(ll.challenger - ll.champion)
    assert ll.low <= ll.difference <= ll.high < 0
    assert better.verdict_line().startswith("Dom / verdict: bedre")
    worse = compare_models(holdout, champion=fitted, challenger=default_model, n_bootstrap=200)
    assert worse.verdict == "worse" and not worse.promote
    assert "dårligere" in worse.verdict_line() and "forfrem ikke" in worse.verdict_line()
    for shares in better.top_offer_shares.values():
        assert set(shares) == set(OFFER.codes) and 0.99 < sum(shares.values()) <= 1.0 + 1e-9
    assert {g.attribute for g in better.groups} == {"gender", "origin"}
    assert sum(g.n for g in better.groups if g.attribute == "gender") == better.n_evaluated


@pytest.mark.slow  # trains a model on 1,500 rows (module fixture)
def test_a_model_against_itself_is_no_certain_difference(fitted, holdout) -> None:
    same = compare_models(holdout, champion=fitted, challenger=fitted, n_bootstrap=60)
    assert same.verdict == "no_certain_difference" and not same.promote
    assert all(m.difference == 0 and m.low == 0 == m.high for m in same.metrics)
    assert same.to_dict()["verdict_da"] == "ingen sikker forskel"
    text = same.text()
    assert "ingen sikker forskel" in text.splitlines()[-1] and "95 %-interval" in text


def test_bootstrap_weights_reproduce_the_plain_ece() -> None:
    rng = np.random.default_rng(0)
    y, p = rng.integers(0, 2, 300), rng.random(300)
    assert weighted_ece(y, p, np.ones((1, 300)))[0] == pytest.approx(expected_calibration_error(y, p))
    w = np.zeros((1, 300))
    w[0, :150] = 1
    assert weighted_ece(y, p, w)[0] == pytest.approx(expected_calibration_error(y[:150], p[:150]))


@pytest.mark.slow  # trains a model on 1,500 rows (module fixture)
def test_bad_arguments_are_refused(fitted, holdout) -> None:
    with pytest.raises(RecommenderError, match="n_bootstrap"):
        compare_models(holdout, fitted, fitted, n_bootstrap=3)
    with pytest.raises(RecommenderError, match="level"):
        compare_models(holdout, fitted, fitted, level=1.5)


@pytest.mark.slow  # trains a model on 1,500 rows (module fixture)
def test_evaluate_against_prints_side_by_side_and_a_verdict(fitted, holdout, tmp_path, capsys) -> None:
    model = tmp_path / "ny.p500model"
    save_model(fitted, model)
    cohort = write_cohort(holdout, tmp_path / "holdout.csv").source
    assert main(["models", "export-default", "--out", str(tmp_path / "i-brug.p500model")]) == 0
    capsys.readouterr()
    assert (
        main(
            [
                "evaluate",
                cohort,
                "--model",
                str(model),
                "--against",
                str(tmp_path / "i-brug.p500model"),
                "--bootstrap",
                "100",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out.splitlines()
    assert out[-1].startswith("Dom / verdict: bedre (better)")
    header = next(line for line in out if line.startswith("model "))
    row = next(line for line in out if line.startswith("log loss "))
    assert len(header) <= len(row)  # the version columns line up over the figures
    assert (
        main(
            [
                "evaluate",
                cohort,
                "--model",
                str(model),
                "--against",
                str(tmp_path / "i-brug.p500model"),
                "--bootstrap",
                "100",
                "--json",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["comparison"]["verdict"] == "better" and data["in_sample"] is False
    assert main(["evaluate", cohort, "--against", str(model), "--bootstrap", "2"]) == 2
    assert "n_bootstrap" in capsys.readouterr().err


@pytest.mark.slow  # trains a model
def test_evaluate_on_the_training_cohort_warns_in_sample(tmp_path, capsys) -> None:
    frame = simulate(400, seed=5)
    path = write_cohort(frame, tmp_path / "train.csv").source
    save_model(train(path, seed=0, n_bootstrap=3), tmp_path / "m.p500model")
    assert main(["evaluate", path, "--model", str(tmp_path / "m.p500model"), "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["in_sample"] is True
    assert "in-sample" in captured.err and "træningsdata" in captured.err
    other = write_cohort(simulate(300, seed=6), tmp_path / "other.csv").source
    assert main(["evaluate", other, "--model", str(tmp_path / "m.p500model")]) == 0
    assert "in-sample" not in capsys.readouterr().err
