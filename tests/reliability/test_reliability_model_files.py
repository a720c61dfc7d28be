"""Model files that travel between machines (issue 7): tampered, truncated, foreign-version and crafted
files are refused with ModelFileError before any of their code runs.

The checksums are not a signature: an attacker can recompute them. So the crafted files here carry
correct checksums and a correct manifest, and the test proves that the payload's code did not run (a
marker file it would create stays absent), while the same payload does run under plain ``pickle``.
"""

from __future__ import annotations

import hashlib
import io
import json
import pickle
import random
import zipfile
from pathlib import Path

import numpy as np
import pytest
from conftest import copy_of

from recommender.errors import ModelFileError, RecommenderError
from recommender.model import load_model
from recommender.modelling import persist as _persist


@pytest.fixture(scope="module")
def model_file(default_model_file, tmp_path_factory) -> Path:
    return copy_of(default_model_file, tmp_path_factory.mktemp("model") / "model.p500")


def _parts(raw: bytes) -> tuple[dict, bytes, bytes]:
    """The manifest, the serving tables section and the scikit-learn payload of a model file."""
    line, _digest, rest = raw[len(_persist.MAGIC) :].split(b"\n", 2)
    manifest = json.loads(line)
    return manifest, rest[: manifest["tables_size"]], rest[manifest["tables_size"] :]


def _assemble(
    manifest: object, payload: bytes, *, tables: bytes = b"", fix_payload_hash: bool = True
) -> bytes:
    """A file with a valid magic line and manifest checksum, as an attacker would build one."""
    if fix_payload_hash and isinstance(manifest, dict):
        manifest = {
            **manifest,
            "payload_size": len(payload),
            "payload_sha256": hashlib.sha256(payload).hexdigest(),
            "tables_size": len(tables),
            "tables_sha256": hashlib.sha256(tables).hexdigest(),
        }
    line = json.dumps(manifest, sort_keys=True).encode()
    return (
        _persist.MAGIC + line + b"\n" + hashlib.sha256(line).hexdigest().encode() + b"\n" + tables + payload
    )


class _Payload:
    """Creates ``marker`` when unpickled: stands for any code an attacker wants to run."""

    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (Path(self.marker),))


def _skops_archive(schema: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("schema.json", json.dumps(schema))
    return buffer.getvalue()


def _crafted_payloads(marker: Path) -> dict[str, bytes]:
    import skops.io as sio

    evil = pickle.dumps(_Payload(str(marker)))
    skops_with_pickle = io.BytesIO()
    with zipfile.ZipFile(skops_with_pickle, "w") as archive:  # a skops archive carrying a pickle file
        archive.writestr(
            "schema.json",
            json.dumps(
                {
                    "__class__": "touch",
                    "__module__": "pathlib",
                    "__loader__": "FunctionNode",
                    "content": {"module_path": "pathlib", "function": "touch"},
                    "protocol": 2,
                    "_skops_version": sio.__version__ if hasattr(sio, "__version__") else "0.16",
                }
            ),
        )
        archive.writestr("evil.pkl", evil)
    return {
        "raw_pickle": evil,
        "pickle_in_zip": skops_with_pickle.getvalue(),
        "skops_object_of_untrusted_class": sio.dumps(_Payload(str(marker))),
        "skops_reduce_to_os_system": _skops_archive(
            {
                "__class__": "system",
                "__module__": "os",
                "__loader__": "ReduceNode",
                "protocol": 2,
                "content": {
                    "args": {
                        "__class__": "tuple",
                        "__module__": "builtins",
                        "__loader__": "TupleNode",
                        "content": [
                            {
                                "__class__": "str",
                                "__module__": "builtins",
                                "__loader__": "JsonNode",
                                "content": json.dumps(f"touch {marker}"),
                                "is_json": True,
                            }
                        ],
                    }
                },
                "_skops_version": "0.16.0",
            }
        ),
        "skops_function_node": _skops_archive(
            {
                "__class__": "touch",
                "__module__": "pathlib",
                "__loader__": "FunctionNode",
                "content": {"module_path": "pathlib.Path", "function": "touch"},
                "protocol": 2,
                "_skops_version": "0.16.0",
            }
        ),
        "joblib_pickle": _joblib_bytes(_Payload(str(marker))),
    }


def _joblib_bytes(obj: object) -> bytes:
    import joblib

    buffer = io.BytesIO()
    joblib.dump(obj, buffer)
    return buffer.getvalue()


def test_the_crafted_payload_really_runs_code_under_plain_pickle(tmp_path) -> None:
    """Control: without the model-file checks the payload would have run."""
    marker = tmp_path / "ran.txt"
    pickle.loads(_crafted_payloads(marker)["raw_pickle"])
    assert marker.exists()


@pytest.mark.parametrize(
    "kind",
    [
        "raw_pickle",
        "pickle_in_zip",
        "skops_object_of_untrusted_class",
        "skops_reduce_to_os_system",
        "skops_function_node",
        "joblib_pickle",
    ],
)
def test_crafted_payload_with_valid_checksums_is_refused_and_never_runs(model_file, tmp_path, kind) -> None:
    """Beside genuine serving tables (the model loads and serves from them) or without any (a
    non-linear model): the payload is refused when the scikit-learn objects are first needed."""
    marker = tmp_path / "ran.txt"
    manifest, tables, _ = _parts(model_file.read_bytes())
    crafted = tmp_path / "crafted.p500"
    for beside in (tables, b""):
        crafted.write_bytes(_assemble(manifest, _crafted_payloads(marker)[kind], tables=beside))
        model = load_model(crafted)
        if beside:
            from test_reliability_cli import VALID

            from recommender import recommend

            assert recommend(VALID, model=model).model.version == manifest["version"]
        with pytest.raises(ModelFileError, match="payload refused"):
            model.estimator
    assert not marker.exists(), "the payload's code ran"


@pytest.mark.parametrize("kind", ["pickled_object_array", "not_an_archive", "wrong_shape", "text_weights"])
def test_crafted_serving_tables_are_refused_at_load_and_never_run(model_file, tmp_path, kind) -> None:
    marker = tmp_path / "ran.txt"
    manifest, tables, payload = _parts(model_file.read_bytes())
    with np.load(io.BytesIO(tables)) as archive:
        arrays = {key: archive[key] for key in archive.files}
    if kind == "pickled_object_array":
        arrays["weights"] = np.array([_Payload(str(marker))], dtype=object)
    elif kind == "wrong_shape":
        arrays["weights"] = arrays["weights"][:, :, :, :-1]
    elif kind == "text_weights":
        arrays["bias"] = arrays["bias"].astype(str)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    crafted = buffer.getvalue() if kind != "not_an_archive" else pickle.dumps(_Payload(str(marker)))
    path = tmp_path / "crafted.p500"
    path.write_bytes(_assemble(manifest, payload, tables=crafted))
    with pytest.raises(ModelFileError, match="serving tables refused"):
        load_model(path)
    assert not marker.exists(), "the tables' code ran"


def test_a_bare_pickle_or_joblib_file_is_refused_at_the_magic_line(tmp_path) -> None:
    marker = tmp_path / "ran.txt"
    for name in ("raw_pickle", "joblib_pickle"):
        path = tmp_path / f"{name}.p500"
        path.write_bytes(_crafted_payloads(marker)[name])
        with pytest.raises(ModelFileError, match="magic"):
            load_model(path)
    assert not marker.exists()


@pytest.mark.slow  # trains a model or flips every header byte: kept out of the inner loop
def test_every_flipped_byte_in_the_header_is_refused(model_file, tmp_path) -> None:
    raw = model_file.read_bytes()
    header = len(_persist.MAGIC) + raw[len(_persist.MAGIC) :].index(b"\n") + 66  # magic+manifest+digest
    path = tmp_path / "m.p500"
    for pos in range(0, header, 3):
        damaged = bytearray(raw)
        damaged[pos] ^= 0x20
        path.write_bytes(bytes(damaged))
        with pytest.raises(ModelFileError):
            load_model(path)


def test_tampered_payload_is_refused_even_with_recomputed_checksums(model_file, tmp_path) -> None:
    """An attacker who edits the archive and fixes both checksums still gets no crash, only a refusal."""
    manifest, tables, payload = _parts(model_file.read_bytes())
    rng = random.Random(0)
    path = tmp_path / "m.p500"
    outcomes = {"refused": 0, "loaded": 0}
    for _ in range(25):
        damaged = bytearray(payload)
        for pos in rng.sample(range(len(payload)), 3):
            damaged[pos] = rng.randrange(256)
        path.write_bytes(_assemble(manifest, bytes(damaged), tables=tables))
        try:
            load_model(path).estimator
            outcomes["loaded"] += 1  # a change inside compressed data the archive cannot notice
        except ModelFileError:
            outcomes["refused"] += 1
    assert outcomes["refused"] > 0


def test_truncated_anywhere_is_refused(model_file, tmp_path) -> None:
    raw = model_file.read_bytes()
    path = tmp_path / "m.p500"
    cuts = [
        0,
        1,
        len(_persist.MAGIC) - 1,
        len(_persist.MAGIC),
        len(_persist.MAGIC) + 10,
        *range(200, len(raw), max(1, len(raw) // 40)),
        len(raw) - 1,
    ]
    for cut in cuts:
        path.write_bytes(raw[:cut])
        with pytest.raises(ModelFileError):
            load_model(path)
    path.write_bytes(raw + b"\x00" * 7)
    with pytest.raises(ModelFileError, match="padded"):
        load_model(path)


@pytest.mark.parametrize(
    "change",
    [
        {"format_version": 1},
        {"format_version": 3},
        {"format_version": "2"},
        {"format_version": None},
        {"format_version": [1]},
        {"libraries": None},
        {"libraries": "sklearn 1.9"},
        {"libraries": [1, 2]},
        {"libraries": {"sklearn": 1.9}},
        {"libraries": {}},
        {"payload_size": "many"},
        {"payload_sha256": None},
        {"tables_size": "many"},
        {"tables_size": -1},
        {"tables_sha256": None},
        {"tables_size": 10**9},
    ],
    ids=lambda c: "-".join(f"{k}={v!r}" for k, v in c.items()),
)
def test_foreign_or_malformed_manifests_are_refused(model_file, tmp_path, change) -> None:
    manifest, tables, payload = _parts(model_file.read_bytes())
    path = tmp_path / "m.p500"
    path.write_bytes(_assemble({**manifest, **change}, tables + payload, fix_payload_hash=False))
    with pytest.raises(ModelFileError):
        load_model(path)


@pytest.mark.parametrize("manifest", [[1, 2], "text", 7, None, {}])
def test_a_manifest_that_is_not_an_object_is_refused(model_file, tmp_path, manifest) -> None:
    _, tables, payload = _parts(model_file.read_bytes())
    path = tmp_path / "m.p500"
    path.write_bytes(_assemble(manifest, tables + payload, fix_payload_hash=False))
    with pytest.raises(ModelFileError):
        load_model(path)


def test_a_valid_file_still_loads_after_all_this(model_file, default_model) -> None:
    """Control: the checks refuse bad files, not every file."""
    assert load_model(model_file).version == default_model.version
    assert issubclass(ModelFileError, RecommenderError)


_READ_BY_RECOMMEND = [
    "version",
    "created",
    "n_rows",
    "n_with_offer",
    "evidence_size",
    "support_threshold",
    "interval_level",
    "allow_protected",
    "training_cohort",
    "offer_evidence",
    "schema",
    "baseline",
]


@pytest.mark.parametrize("key", _READ_BY_RECOMMEND)
def test_a_hand_edited_manifest_is_refused_at_load_not_in_a_later_recommendation(
    model_file, tmp_path, key
) -> None:
    """Checksums recomputed, payload intact: only the manifest's shape betrays the edit."""
    from test_reliability_cli import VALID

    from recommender import recommend

    manifest, tables, payload = _parts(model_file.read_bytes())
    path = tmp_path / "m.p500"
    for bad in (None, "x", [1], {}, -1, 10**6, True):
        path.write_bytes(_assemble({**manifest, key: bad}, payload, tables=tables))
        try:
            model = load_model(path)
        except ModelFileError as exc:
            assert key in str(exc) or "payload refused" in str(exc)
            continue
        recommend(VALID, model=model).to_dict()  # loaded: then it must also work
