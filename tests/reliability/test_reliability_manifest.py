"""Issue 16: a manifest edited with recomputed checksums, or written by another build, is refused at load.

The class under test: a model file whose manifest lies. For every manifest field a wrong type, a value
outside its vocabulary or range, and an inconsistency with another field are written into a real model
file with valid checksums (as an attacker or a careless hand edit would); loading must refuse it with a
``ModelFileError`` naming the field, and the command line must exit 2 with one line. A file from an
older build (other package version, other model-reading code, no build stamp) is refused with how to
retrain.
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import pytest
from conftest import copy_of

from recommender.cli import main
from recommender.errors import ModelFileError
from recommender.model import load_model
from recommender.modelling import persist as _persist
from recommender.modelling.manifest_check import check_manifest_contents, package_stamp


@pytest.fixture(scope="module")
def model_file(default_model_file, tmp_path_factory) -> Path:
    return copy_of(default_model_file, tmp_path_factory.mktemp("model") / "model.p500model")


def _rewrite(path: Path, out: Path, edit) -> Path:
    raw = path.read_bytes()
    line, _digest, payload = raw[len(_persist.MAGIC) :].split(b"\n", 2)
    manifest = json.loads(line)
    edit(manifest)
    new = json.dumps(manifest, sort_keys=True).encode()
    out.write_bytes(_persist.MAGIC + new + b"\n" + hashlib.sha256(new).hexdigest().encode() + b"\n" + payload)
    return out


def _set(path: str, value: object):
    def edit(m: dict) -> None:
        *head, last = path.split(".")
        node = m
        for key in head:
            node = node[key]
        if value is _DELETE:
            del node[last]
        else:
            node[last] = value

    return edit


_DELETE = object()

# (case id, edit, the field the message must name)
EDITS = [
    # types
    ("version_number", _set("version", 7), "version"),
    ("version_shape", _set("version", "om-\x1b[2Jxx"), "version"),
    ("created_text", _set("created", "yesterday"), "created"),
    ("allow_protected_text", _set("allow_protected", "false"), "allow_protected"),
    ("synthetic_number", _set("synthetic", 1), "synthetic"),
    ("seed_negative", _set("seed", -1), "seed"),
    ("n_rows_float", _set("n_rows", 1.5), "n_rows"),
    ("n_bootstrap_bool", _set("n_bootstrap", True), "n_bootstrap"),
    ("bootstrap_C_nan", _set("bootstrap_C", "NaN"), "bootstrap_C"),
    ("rules_version_list", _set("rules_version", [1]), "rules_version"),
    ("libraries_number", _set("libraries.pandas", 3), "libraries"),
    ("selection_missing", _set("selection", _DELETE), "selection"),
    ("cohort_fingerprint", _set("training_cohort.fingerprint", "abc"), "training_cohort"),
    ("outcome_prior_text", _set("outcome_prior.job", "0.5"), "outcome_prior"),
    # vocabulary
    ("offer_evidence_unknown_offer", _set("offer_evidence.coaching", 3), "offer_evidence"),
    ("schema_unknown_feature", _set("schema.categorical.shoe_size", ["big"]), "schema"),
    ("schema_unknown_code", _set("schema.categorical.danish_course", ["du2", "du9"]), "schema"),
    ("schema_unknown_municipality", _set("schema.categorical.municipality", ["Aarhus", "Gotham"]), "schema"),
    ("schema_numeric_code_field", _set("schema.numeric", ["years_in_denmark", "danish_course"]), "schema"),
    ("baseline_unknown_code", _set("baseline.danish_course", "du9"), "baseline"),
    ("baseline_out_of_range", _set("baseline.children_under_18", 99), "baseline"),
    ("offer_profile_unknown_offer", _set("offer_profile.coaching", {}), "offer_profile"),
    (
        "offer_profile_unknown_field",
        _set("offer_profile.internship.shoe_size", {"big": 0.5}),
        "offer_profile",
    ),
    (
        "offer_profile_share_above_one",
        _set("offer_profile.internship.wants_employment.yes", 1.5),
        "offer_profile",
    ),
    ("offer_profile_missing_offer", _set("offer_profile.counselling", _DELETE), "offer_profile"),
    # consistency
    ("rows_do_not_add_up", _set("n_left_out", 1), "n_left_out"),
    ("evidence_above_cases", _set("evidence_size", 10**6), "evidence_size"),
    ("offer_evidence_sum", _set("offer_evidence.counselling", 5000), "offer_evidence"),
    ("prior_sum", _set("outcome_prior.job", 0.99), "outcome_prior"),
    ("schema_allow_disagrees", _set("schema.allow_protected", True), "schema"),
    (
        "protected_feature_not_allowed",
        _set("schema.categorical.gender", ["female", "male", "unknown"]),
        "allow_protected",
    ),
    # another build
    ("older_package_version", _set("package.version", "0.0.9"), "retrain"),
    ("other_reader_code", _set("package.reader", "0" * 16), "retrain"),
    ("no_build_stamp", _set("package", _DELETE), "retrain"),
]


@pytest.mark.parametrize("name,edit,field", EDITS, ids=[e[0] for e in EDITS])
def test_an_edited_manifest_with_valid_checksums_is_refused_naming_the_field(
    model_file, tmp_path, capsys, name, edit, field
) -> None:
    bad = _rewrite(model_file, tmp_path / "bad.p500model", edit)
    with pytest.raises(ModelFileError) as err:
        load_model(bad)
    assert field in str(err.value)
    assert "\x1b" not in str(err.value)
    assert main(["recommend", "examples/flexible.json", "--model", str(bad)]) == 2
    out = capsys.readouterr()
    assert out.out == "" and out.err.count("\n") == 1 and field in out.err and "\x1b" not in out.err


def test_a_file_from_another_build_says_how_to_retrain(model_file, tmp_path) -> None:
    bad = _rewrite(model_file, tmp_path / "old.p500model", _set("package.version", "0.0.9"))
    with pytest.raises(ModelFileError, match=r"0\.0\.9.*recommender train COHORT\.csv --out MODEL"):
        load_model(bad)


def test_the_unedited_manifest_passes_and_records_the_build(model_file, default_model) -> None:
    assert dict(load_model(model_file).manifest.package) == package_stamp()
    manifest = copy.deepcopy(default_model.manifest.to_dict())
    check_manifest_contents(manifest)  # the check is a pure function over the dict
