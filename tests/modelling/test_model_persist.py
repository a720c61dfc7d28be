"""Model files: round trip, refusal of damaged or foreign files, atomic writes (issue 4)."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from _dgp import simulate

from recommender.cli import main
from recommender.errors import ModelFileError
from recommender.model import load_model, save_model, train
from recommender.modelling import persist as _persist


@pytest.fixture(scope="module")
def cohort():
    return simulate(500, seed=5)


@pytest.fixture(scope="module")
def model(cohort):
    from test_model_train import linear_finalist

    return linear_finalist(cohort, seed=0, n_bootstrap=5)


@pytest.fixture()
def saved(model, tmp_path):
    return save_model(model, tmp_path / "model.p500")


def test_round_trip_keeps_estimates_and_manifest(model, saved, cohort):
    back = load_model(saved)
    a, b = model.predict_offers(cohort.head(20)), back.predict_offers(cohort.head(20))
    for name in ("proba", "proba_low", "proba_high", "score_low", "propensity"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    # the file keeps the schema's fields in sorted order; the encoded columns keep theirs
    assert back.schema.categories == model.schema.categories
    assert dataclasses.replace(back.manifest, schema=model.schema) == model.manifest
    header = json.loads(saved.read_bytes()[len(_persist.MAGIC) :].split(b"\n", 1)[0])
    for key in (
        "format_version",
        "libraries",
        "schema",
        "training_cohort",
        "n_with_offer",
        "evidence_size",
        "selection",
        "created",
        "rules_version",
        "allow_protected",
        "support_threshold",
        "tables_sha256",
        "payload_sha256",
    ):
        assert key in header
    assert header["format_version"] == 2
    assert set(back.manifest.libraries) == {"sklearn", "numpy", "pandas", "skops", "python"}
    assert back.version == model.version


def test_a_flipped_byte_anywhere_is_refused(saved):
    raw = saved.read_bytes()
    for pos in (3, len(_persist.MAGIC) + 20, len(raw) // 2, len(raw) - 5):
        damaged = bytearray(raw)
        damaged[pos] ^= 0x01
        saved.write_bytes(bytes(damaged))
        with pytest.raises(ModelFileError, match="magic|checksum|manifest"):
            load_model(saved)


def test_truncated_and_foreign_files_are_refused(saved, tmp_path):
    raw = saved.read_bytes()
    saved.write_bytes(raw[: len(raw) - 100])
    with pytest.raises(ModelFileError, match="truncated"):
        load_model(saved)
    saved.write_bytes(raw[:30])
    with pytest.raises(ModelFileError, match="truncated|checksum"):
        load_model(saved)
    pickle_like = tmp_path / "evil.pkl"
    pickle_like.write_bytes(b"\x80\x04\x95" + b"x" * 50)
    with pytest.raises(ModelFileError, match="magic"):
        load_model(pickle_like)
    with pytest.raises(ModelFileError, match="no such file"):
        load_model(tmp_path / "missing.p500")


def _rewrite_manifest(path, change) -> None:
    import hashlib

    raw = path.read_bytes()
    rest = raw[len(_persist.MAGIC) :]
    line, _digest, payload = rest.split(b"\n", 2)
    manifest = json.loads(line)
    change(manifest)
    new = json.dumps(manifest, sort_keys=True).encode()
    path.write_bytes(
        _persist.MAGIC + new + b"\n" + hashlib.sha256(new).hexdigest().encode() + b"\n" + payload
    )


def test_the_offer_profile_round_trips_is_optional_and_is_checked(model, saved, cohort):
    # issue 24: per offer, the answer shares among the training citizens who received it
    from recommender.vocab import OFFER

    profile = model.manifest.offer_profile
    assert profile is not None and set(profile) == set(OFFER.codes)
    had = cohort[cohort["offer"].astype(str) == "internship"]
    share = float(had["wants_employment"].astype(str).eq("yes").mean())
    assert abs(profile["internship"]["wants_employment"]["yes"] - share) < 1e-12
    assert all(abs(sum(s.values()) - 1) < 1e-9 for p in profile.values() for s in p.values())
    assert load_model(saved).manifest.offer_profile == profile
    _rewrite_manifest(saved, lambda m: m.pop("offer_profile"))  # a file written before it existed
    old = load_model(saved)
    assert old.manifest.offer_profile is None and "offer_profile" not in old.manifest.to_dict()
    for bad in (
        {"internship": profile["internship"]},
        {**profile, "internship": {"wants_employment": {"yes": 1.5}}},
    ):
        _rewrite_manifest(saved, lambda m, bad=bad: m.update(offer_profile=bad))
        with pytest.raises(ModelFileError, match="offer_profile: expected per offer"):
            load_model(saved)


def test_other_format_version_or_library_is_refused(saved):
    _rewrite_manifest(saved, lambda m: m.update(format_version=99))
    with pytest.raises(ModelFileError, match="format version 99"):
        load_model(saved)
    _rewrite_manifest(
        saved, lambda m: m.update(format_version=2, libraries={**m["libraries"], "sklearn": "0.23.2"})
    )
    with pytest.raises(ModelFileError, match="sklearn 0.23.2"):
        load_model(saved)


def test_untrusted_type_in_payload_is_refused(saved, monkeypatch):
    monkeypatch.setattr(_persist, "TRUSTED", ())  # OfferInteractions is no longer trusted
    model = load_model(saved)  # the serving tables load; the payload is read when first needed
    with pytest.raises(ModelFileError, match="payload refused"):
        model.estimator


@pytest.mark.slow  # runs the training command up to its interruption (half a minute)
def test_failed_or_interrupted_training_never_replaces_a_model(saved, cohort, tmp_path, monkeypatch):
    before = saved.read_bytes()
    bad = tmp_path / "bad.csv"
    bad.write_text("citizen_id,offer\nA,praktik\n", encoding="utf-8")
    assert main(["train", str(bad), "--out", str(saved)]) == 2
    assert saved.read_bytes() == before

    from recommender.modelling import training as training_module

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(training_module, "bootstrap_refits", interrupt)
    path = tmp_path / "cohort.csv"
    from recommender.cohort import write_cohort

    write_cohort(cohort, path)
    assert main(["train", str(path), "--out", str(saved)]) == 130
    assert saved.read_bytes() == before
    monkeypatch.undo()

    def fail_midway(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(_persist.os, "replace", fail_midway)
    with pytest.raises(KeyboardInterrupt):
        save_model(train(cohort, n_bootstrap=2), saved)
    assert saved.read_bytes() == before
    assert sorted(p.name for p in saved.parent.iterdir() if p.name.endswith(".tmp")) == []


def test_fast_path_of_a_loaded_model_matches_its_batch_path(saved, cohort):
    from recommender.citizen import Citizen

    back = load_model(saved)
    assert back.is_linear
    rows = cohort.head(8).drop(columns=["offer", "outcome"])
    batch = back.predict_offers(rows)
    for i, record in enumerate(rows.to_dict("records")):
        one = back.predict_citizen(
            Citizen.from_dict({k: v for k, v in record.items() if v is not None and v == v})
        )
        np.testing.assert_allclose(one.score[0], batch.score[i], atol=1e-9, rtol=0)


@pytest.mark.slow  # trains and saves a blend with its refits
def test_a_blend_round_trips(cohort, tmp_path):
    from recommender.modelling import selection as _selection

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_selection, "_decide", lambda dr, fit_choice, blend: (blend, "forced"))
        blend = train(cohort, seed=0, n_bootstrap=3)
    back = load_model(save_model(blend, tmp_path / "blend.p500"))
    assert back.manifest.selected.startswith("blend:") and not back.is_linear
    a = blend.predict_offers(cohort.head(20))
    b = back.predict_offers(cohort.head(20))
    np.testing.assert_allclose(a.proba, b.proba, atol=1e-12)
    np.testing.assert_allclose(a.score_high, b.score_high, atol=1e-12)
