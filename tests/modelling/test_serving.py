"""The lean serving path (issue 10): a saved model serves a recommendation from its exact numpy tables,
without scikit-learn or pandas, with the same numbers as the scikit-learn pipeline (to 1e-9)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from _dgp import simulate

from recommender.citizen import Citizen
from recommender.model import OutcomeModel, load_model, save_model, train

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "flexible.json"
HEAVY = ("sklearn", "pandas", "scipy", "skops", "joblib")

_SERVE = """
import json, sys
import recommender
from recommender import Citizen, load_model, recommend
citizen = Citizen.from_dict(json.load(open(sys.argv[1], encoding="utf-8")))
model = load_model(sys.argv[2]) if len(sys.argv) > 2 else None
rec = recommend(citizen, model=model)
model = model or load_model()
est = model.predict_citizen(citizen)
point, draws = model.citizen_draws(citizen)
print(json.dumps({"heavy": sorted(m for m in %r if m in sys.modules), "rec": rec.to_dict(),
                  "est": {k: getattr(est, k).tolist() for k in
                          ("proba", "proba_low", "proba_high", "score", "score_low", "score_high",
                           "propensity")},
                  "point": point.tolist(), "draws": draws.tolist()}))
""" % (HEAVY,)


def _serve(*args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _SERVE, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ},
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def model() -> OutcomeModel:
    return train(simulate(600, seed=11), seed=0, n_bootstrap=6)


@pytest.fixture(scope="module")
def saved(model, tmp_path_factory) -> Path:
    return save_model(model, tmp_path_factory.mktemp("serve") / "model.p500")


def test_importing_the_package_loads_neither_scikit_learn_nor_pandas() -> None:
    code = "import recommender, sys; recommender.recommend; print([m for m in %r if m in sys.modules])"
    done = subprocess.run(
        [sys.executable, "-c", code % (HEAVY,)], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.slow  # trains a model (module fixture)
def test_a_saved_model_serves_without_sklearn_and_matches_the_pipeline(model, saved) -> None:
    out = _serve(str(EXAMPLE), str(saved))
    assert out["heavy"] == []
    pipeline = OutcomeModel.from_fitted(
        model.estimator, model.boot, model.propensity, model.manifest, serving_tables=False
    )
    citizen = Citizen.from_dict(json.loads(EXAMPLE.read_text(encoding="utf-8")))
    ref = pipeline.predict_citizen(citizen)
    for name, values in out["est"].items():
        np.testing.assert_allclose(np.array(values), getattr(ref, name), atol=1e-9, rtol=0, err_msg=name)
    point, draws = pipeline.citizen_draws(citizen)
    np.testing.assert_allclose(np.array(out["point"]), point, atol=1e-9, rtol=0)
    np.testing.assert_allclose(np.array(out["draws"]), draws, atol=1e-9, rtol=0)
    assert np.array(out["draws"]).shape == (6, 4, 4)
    # the whole recommendation (ranking, reasons, warnings) is the one the in-memory model gives
    from recommender import recommend

    assert out["rec"] == json.loads(json.dumps(recommend(citizen, model=model).to_dict()))


def test_the_cached_default_model_serves_without_sklearn(default_model) -> None:
    out = _serve(str(EXAMPLE))
    assert out["heavy"] == []
    assert out["rec"]["model"]["version"] == default_model.version


def test_the_cli_recommends_from_the_cached_model_without_sklearn(default_model) -> None:
    code = (
        "import sys, runpy; sys.argv = ['recommender', 'recommend', %r]\n"
        "from recommender.cli import main\ncode = main(sys.argv[1:])\n"
        "print('HEAVY', [m for m in %r if m in sys.modules], file=sys.stderr)\nsys.exit(code)"
        % (str(EXAMPLE), HEAVY)
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "HEAVY []" in done.stderr


@pytest.mark.slow  # trains models
def test_the_bootstrap_refits_do_not_depend_on_the_number_of_processes() -> None:
    cohort = simulate(300, seed=4)
    one = train(cohort, seed=2, n_bootstrap=4, n_jobs=1)
    two = train(cohort, seed=2, n_bootstrap=4, n_jobs=2)
    a, b = one.serving_arrays(), two.serving_arrays()
    assert a is not None and b is not None and a.keys() == b.keys()
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)
    assert one.version == two.version


@pytest.mark.slow  # trains models
def test_the_selection_folds_and_the_refit_plan_do_not_depend_on_the_number_of_processes() -> None:
    """Issue 27: the selection's folds, the point fit and the refits' plan (evidence much smaller
    than the rows, as for the built-in model) run as tasks on several processes; same model."""
    from recommender.modelling.tasks import recording

    cohort = simulate(600, seed=4)
    with recording() as tasks:
        one = train(cohort, seed=2, n_bootstrap=4, evidence_size=100, n_jobs=1)
    labels = {label for label, _ in tasks}
    assert {"select: linear fold", "point fit", "plan: fold", "bootstrap refit"} <= labels
    two = train(cohort, seed=2, n_bootstrap=4, evidence_size=100, n_jobs=2)
    a, b = one.serving_arrays(), two.serving_arrays()
    assert a is not None and b is not None and a.keys() == b.keys()
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)
    assert one.version == two.version and one.manifest.bootstrap_C == two.manifest.bootstrap_C


@pytest.mark.slow  # trains models
def test_train_jobs_spreads_the_refits_and_gives_the_same_model(tmp_path, monkeypatch, capsys) -> None:
    """``recommender train --jobs N`` (0 = every core) reaches ``train(n_jobs=…)``; the saved model
    is the same for every N."""
    import recommender.model as model_module
    from recommender.cli import main

    real, seen = model_module.train, []

    def recorded(*args, **kwargs):
        seen.append(kwargs["n_jobs"])
        return real(*args, **{**kwargs, "n_bootstrap": 4})

    monkeypatch.setattr(model_module, "train", recorded)
    cohort = tmp_path / "k.csv"
    simulate(300, seed=4).to_csv(cohort, index=False)
    for jobs in ("1", "2", "0"):
        assert (
            main(["train", str(cohort), "--out", str(tmp_path / f"m{jobs}.p500model"), "--jobs", jobs]) == 0
        )
    assert seen == [1, 2, -1]
    versions = {load_model(tmp_path / f"m{jobs}.p500model").version for jobs in ("1", "2", "0")}
    assert len(versions) == 1
    assert "Gemt / saved" in capsys.readouterr().out


@pytest.mark.slow  # trains models
def test_a_model_that_trains_also_saves_and_loads(tmp_path) -> None:
    """train() refuses the settings load() would refuse, before fitting anything."""
    from recommender.errors import RecommenderError

    cohort = simulate(200, seed=3)
    for bad in (0.0, 1.0, 1.5, -0.1, True, "0.1"):
        with pytest.raises(RecommenderError, match="support_threshold: expected a number between 0 and 1"):
            train(cohort, support_threshold=bad)
    with pytest.raises(RecommenderError, match="n_bootstrap: expected a whole number ≥ 1"):
        train(cohort, n_bootstrap=0)
    for threshold in (0.01, 0.99):
        model = train(cohort, n_bootstrap=2, support_threshold=threshold)
        back = load_model(save_model(model, tmp_path / f"m{threshold}.p500"))
        assert back.threshold == threshold and back.version == model.version


@pytest.fixture(scope="module", params=["hgb", "offer_contrast"])
def blend(request) -> OutcomeModel:
    """A blend with more draws than boosted refits (``TREE_REFITS``): boosted members reused in
    turn; every linear member kept (``MIN_SHARE`` 0), so it has ``MAX_LINEAR`` of them. Its boosted
    member is ``hgb`` as fitted on up to ``CONTRAST_ROWS`` selection rows, or (``offer_contrast``)
    the ``OfferContrastTrees`` fitted above them (issue 27; the threshold lowered to 0 here)."""
    from recommender.modelling import candidates as _candidates
    from recommender.modelling import selection as _selection
    from recommender.modelling import stacking as _stacking
    from recommender.modelling.uncertainty import TREE_REFITS

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_selection, "_decide", lambda dr, fit_choice, blend: (blend, "forced"))
        mp.setattr(_stacking, "MIN_SHARE", 0.0)
        if request.param == "offer_contrast":
            mp.setattr(_candidates, "CONTRAST_ROWS", 0)
        model = train(simulate(600, seed=11), seed=0, n_bootstrap=TREE_REFITS + 2)
    assert model.manifest.selected.startswith("blend:")
    assert (model.tables.draw_contrast is not None) == (request.param == "offer_contrast")
    return model


def _pipeline(model: OutcomeModel) -> OutcomeModel:
    return OutcomeModel.from_fitted(
        model.estimator, model.boot, model.propensity, model.manifest, serving_tables=False
    )


@pytest.mark.slow  # trains a blend (module fixture)
def test_a_blend_is_served_from_numpy_tables_equal_to_the_pipeline(blend) -> None:
    """Trees and linear halves as arrays: every draw, point model, reasons, for many citizens."""
    from recommender.modelling.uncertainty import TREE_REFITS

    members = blend.manifest.selection["mix"]["members"]
    assert blend.is_lean and not blend.is_linear
    assert len(blend.tables.linears) == len(members) - 1 >= 3 and blend.tables.mix[0, -1] > 0  # a prior share
    refits = [1 + b % TREE_REFITS for b in range(TREE_REFITS + 2)]
    if blend.tables.draw_contrast is None:
        assert blend.tables.trees.n_forests == TREE_REFITS + 1  # the point model's and the refits'
        assert blend.tables.draw_forest.tolist()[1:] == refits
    else:  # the point model's level and contrast forests, then the refits' plain forests
        assert blend.tables.trees.n_forests == TREE_REFITS + 2
        assert blend.tables.draw_forest.tolist() == [0, *(f + 1 for f in refits)]
        assert blend.tables.draw_contrast.tolist() == [1] + [-1] * len(refits)
        hgb = next(c for c in blend.manifest.selection["candidates"] if c["name"] == "hgb")
        assert hgb["params"]["kind"] == "hist_gradient_boosting_offer_contrast"
    ref = _pipeline(blend)
    cohort = simulate(10, seed=5)  # many more rows in the batch test below
    rows = cohort.drop(columns=["offer", "outcome"]).to_dict("records")
    citizens = [Citizen.from_dict({k: v for k, v in r.items() if v is not None and v == v}) for r in rows]
    for citizen in citizens:
        point, draws = blend.citizen_draws(citizen)
        ref_point, ref_draws = ref.citizen_draws(citizen)
        np.testing.assert_allclose(point, ref_point, atol=1e-9, rtol=0)
        np.testing.assert_allclose(draws, ref_draws, atol=1e-9, rtol=0)
        one, other = blend.predict_citizen(citizen), ref.predict_citizen(citizen)
        for name in ("proba_low", "proba_high", "score", "score_low", "score_high", "propensity"):
            np.testing.assert_allclose(getattr(one, name), getattr(other, name), atol=1e-9, rtol=0)
    for a, b in zip(blend.explain(citizens[0], "wage_subsidy"), ref.explain(citizens[0], "wage_subsidy")):
        assert a.field == b.field and abs(a.size - b.size) < 1e-9
    split_on_categories = bool(np.any(blend.tables.trees.cat_row >= 0))
    assert split_on_categories, "no categorical split exercised"


@pytest.mark.slow  # trains a blend (module fixture)
def test_a_blend_scores_a_batch_from_its_tables_like_the_pipeline(blend) -> None:
    """Batch scoring (evaluate, report, score) of a blend uses the numpy tables in blocks of
    ``BATCH_ROWS`` citizens; every estimate equals the pipeline's."""
    from recommender.modelling.scorers import BLOCK_ROWS as BATCH_ROWS

    frame = simulate(BATCH_ROWS + 30, seed=8)
    fast, ref = blend.predict_offers(frame), _pipeline(blend).predict_offers(frame)
    for name in ("proba", "proba_low", "proba_high", "score", "score_low", "score_high", "propensity"):
        np.testing.assert_allclose(getattr(fast, name), getattr(ref, name), atol=1e-9, rtol=0)
    quick = blend.predict_offers(frame.head(20), intervals=False)
    np.testing.assert_allclose(quick.proba, fast.proba[:20], atol=1e-12, rtol=0)


@pytest.mark.slow  # trains a blend (module fixture)
def test_a_saved_blend_serves_without_sklearn_and_matches_the_pipeline(blend, tmp_path) -> None:
    path = save_model(blend, tmp_path / "blend.p500")
    out = _serve(str(EXAMPLE), str(path))
    assert out["heavy"] == []
    citizen = Citizen.from_dict(json.loads(EXAMPLE.read_text(encoding="utf-8")))
    point, draws = _pipeline(blend).citizen_draws(citizen)
    np.testing.assert_allclose(np.array(out["point"]), point, atol=1e-9, rtol=0)
    np.testing.assert_allclose(np.array(out["draws"]), draws, atol=1e-9, rtol=0)
    from recommender import recommend

    assert out["rec"] == json.loads(json.dumps(recommend(citizen, model=blend).to_dict()))
    # the file holds the point estimator only; its draws come from the tables, batch scoring too
    back = load_model(path)
    assert back.boot == [] and back.tables.n_draws == blend.tables.n_draws
    frame = simulate(40, seed=8).drop(columns=["offer", "outcome"])
    np.testing.assert_allclose(back.score_draws(frame), blend.score_draws(frame), atol=1e-12)


@pytest.mark.slow  # trains models
def test_a_blend_refitted_at_a_smaller_evidence_size_serves_its_own_draw_weights() -> None:
    """Refits at an evidence size far below the sample use the penalties and stack weights of that
    size (``refit_plan``): the draws' weights differ from the point model's, and the numpy tables
    still equal the pipeline draw by draw."""
    model = train(simulate(900, seed=12), seed=1, n_bootstrap=3, evidence_size=200)
    assert model.is_lean and model.tables.mix.shape[0] == 4
    assert not np.allclose(model.tables.mix[1], model.tables.mix[0])
    np.testing.assert_allclose(model.tables.mix[1:], np.tile(model.tables.mix[1], (3, 1)))  # one plan
    ref = _pipeline(model)
    for row in simulate(8, seed=6).drop(columns=["offer", "outcome"]).to_dict("records"):
        citizen = Citizen.from_dict({k: v for k, v in row.items() if v is not None and v == v})
        for a, b in zip(model.citizen_draws(citizen), ref.citizen_draws(citizen)):
            np.testing.assert_allclose(a, b, atol=1e-9, rtol=0)


@pytest.mark.slow  # trains a blend (module fixture)
@pytest.mark.parametrize(
    "kind",
    [
        "cycle",
        "column",
        "forest",
        "categories",
        "mix",
        "prior",
        "contrast",
        "unused",
        "draw_contrast",
        "zero",
    ],
)
def test_a_blend_file_with_broken_trees_is_refused(blend, tmp_path, kind) -> None:
    """Tables that would index outside their arrays or never reach a leaf are refused at load."""
    from recommender.errors import ModelFileError
    from recommender.modelling.persist import write_model_file

    arrays = dict(blend.serving_arrays())
    if kind == "contrast":  # an offer-contrast forest that does not exist, or one draw's missing
        # (adding the number of forests moves the point model's contrast forest out of range)
        if "blend_draw_contrast" not in arrays:
            arrays["blend_draw_contrast"] = arrays["blend_draw_forest"][:-1].copy()
        else:
            arrays["blend_draw_contrast"] = arrays["blend_draw_contrast"] + len(arrays["tree_roots"])
    if kind == "unused":  # a forest no draw uses: a dropped contrast array, or a plain forest skipped
        if "blend_draw_contrast" in arrays:
            del arrays["blend_draw_contrast"]
        else:
            forest = arrays["blend_draw_forest"]
            arrays["blend_draw_forest"] = np.where(forest == forest.max(), 0, forest)
    if kind == "draw_contrast":  # a bootstrap draw with a contrast forest (only the point model has one)
        arrays["blend_draw_contrast"] = np.zeros(len(arrays["blend_draw_forest"]), dtype=np.int64)
    if kind == "zero":  # node 0, the zero leaf every unused slot points to, given a value
        arrays["tree_value"] = arrays["tree_value"].copy()
        arrays["tree_value"][0] = 0.5
    inner = np.flatnonzero(arrays["tree_leaf"] == 0)[0]
    if kind == "cycle":
        arrays["tree_left"] = arrays["tree_left"].copy()
        arrays["tree_left"][inner] = inner
    elif kind == "column":
        arrays["tree_feature"] = arrays["tree_feature"].copy()
        arrays["tree_feature"][inner] = len(arrays["tree_inputs"])
    elif kind in ("contrast", "unused", "draw_contrast", "zero"):
        pass  # changed above
    elif kind == "forest":
        arrays["blend_draw_forest"] = arrays["blend_draw_forest"] + len(arrays["tree_roots"])
    elif kind == "mix":  # weights that no longer sum to 1
        arrays["blend_mix"] = arrays["blend_mix"] * 2
    elif kind == "prior":  # one draw's prior row missing
        arrays["blend_prior"] = arrays["blend_prior"][:-1]
    else:
        arrays["tree_cat_values"] = arrays["tree_cat_values"][::-1].copy()
        arrays["tree_cat_fields"] = arrays["tree_cat_fields"].copy()
        arrays["tree_cat_fields"][0] = "no_such_field"
    objects = {"estimator": blend.estimator, "boot": [], "propensity": blend.propensity}
    path = write_model_file(tmp_path / f"{kind}.p500", blend.manifest, arrays, objects)
    why = {
        "unused": "no draw uses",
        "draw_contrast": "offer-contrast forest does not match",
        "zero": "node 0 is not the zero leaf",
    }.get(kind, "")
    with pytest.raises(ModelFileError, match=f"serving tables refused.*{why}"):
        load_model(path)
