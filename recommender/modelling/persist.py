"""The model file: one file that cannot run code when loaded, checked before it is deserialised.

Layout (bytes)::

    P500-RECOMMENDER-MODEL\\n        magic line
    {"format_version": 1, ...}\\n    manifest, canonical JSON on one line (UTF-8)
    <64 hex>\\n                      sha256 of the manifest line
    <payload>                       skops archive of the sklearn estimators (no pickle)

The manifest holds the payload's size and sha256. Loading checks, in order: the magic line, the
manifest's own checksum, the format version, the library versions (same scikit-learn, skops and
numpy major.minor as the writer), the shape of the manifest's fields, the payload's size
(truncation) and sha256 (tampering), and only then deserialises with ``skops.io.loads`` trusting a
fixed list of type names. Any failure raises :class:`~recommender.errors.ModelFileError` saying why.
Writes are atomic (temp file + os.replace).
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from pathlib import Path

from recommender.errors import ModelFileError, show_value
from recommender.files import read_input, write_bytes_atomic
from recommender.modelling.manifest_check import check_manifest_contents

__all__ = ["FORMAT_VERSION", "MAGIC", "MAX_MODEL_BYTES", "TRUSTED", "read_model", "write_model"]

MAGIC = b"P500-RECOMMENDER-MODEL\n"
MAX_MODEL_BYTES = 512 * 1024 * 1024  # a model file is a few MB; more is not one (and not read into memory)
FORMAT_VERSION = 1
# The only non-default types a payload may contain (besides skops's own safe defaults).
TRUSTED: tuple[str, ...] = (
    "recommender.modelling.features.OfferInteractions",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._TemperatureScaling",
    "sklearn.model_selection._split.StratifiedKFold",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn.utils.validation.check_array",
    "functools.partial",
)
_COMPATIBLE = ("sklearn", "skops", "numpy")  # must match major.minor


def _major_minor(version: str) -> tuple[str, ...]:
    return tuple(version.split(".")[:2])


def _dump_json(data: dict) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=str).encode("utf-8")


def model_bytes(model) -> list[bytes]:
    """The file's content as chunks: magic, manifest line, manifest checksum line, payload."""
    import skops.io as sio

    payload = sio.dumps({"estimator": model.estimator, "boot": list(model.boot),
                         "propensity": model.propensity},
                        compression=zipfile.ZIP_DEFLATED, compresslevel=6)
    manifest = {**model.manifest, "format_version": FORMAT_VERSION, "payload_size": len(payload),
                "payload_sha256": hashlib.sha256(payload).hexdigest()}
    line = _dump_json(manifest)
    return [MAGIC, line + b"\n", hashlib.sha256(line).hexdigest().encode() + b"\n", payload]


def write_model(model, path: str | os.PathLike[str], *, inputs: tuple = ()) -> Path:
    """Save ``model`` to ``path`` atomically; returns the path.

    ``path`` must be a new path or a regular file that is none of ``inputs`` (see
    :func:`recommender.files.check_output`).
    """
    return write_bytes_atomic(path, model_bytes(model), inputs=inputs)


def _split(raw: bytes, where: str) -> tuple[dict, bytes]:
    if not raw.startswith(MAGIC):
        raise ModelFileError("not a recommender model file (wrong magic line) / ikke en modelfil",
                             path=where)
    rest = raw[len(MAGIC):]
    parts = rest.split(b"\n", 2)
    if len(parts) < 3:
        raise ModelFileError("truncated: the manifest is incomplete / afkortet fil", path=where)
    line, digest, payload = parts
    if hashlib.sha256(line).hexdigest().encode() != digest:
        raise ModelFileError("manifest checksum mismatch: the file was altered or damaged / "
                             "manifestets kontrolsum passer ikke", path=where)
    try:
        manifest = json.loads(line.decode("utf-8"))
    except ValueError as exc:
        raise ModelFileError(f"unreadable manifest ({exc})", path=where) from None
    if not isinstance(manifest, dict):
        raise ModelFileError("unreadable manifest (not an object)", path=where)
    return manifest, payload


def check_compatible(manifest: dict, where: str) -> None:
    """Refuse another format version or other library versions than the ones installed."""
    from recommender.model import _library_versions

    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise ModelFileError(f"format version {version!r} is not supported (this program reads "
                             f"version {FORMAT_VERSION}) / formatversionen understøttes ikke",
                             path=where)
    here, there = _library_versions(), manifest.get("libraries")
    if not isinstance(there, dict):  # a list or text here crashed with AttributeError
        raise ModelFileError(f"unreadable manifest: libraries must be an object; got "
                             f"{show_value(there)} / manifestet kan ikke læses", path=where)
    for lib in _COMPATIBLE:
        if _major_minor(str(there.get(lib, "?"))) != _major_minor(here[lib]):
            raise ModelFileError(
                f"written with {lib} {there.get(lib, '?')}, installed is {here[lib]}: retrain the "
                f"model with this installation / træn modellen igen", path=where)


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_share(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < 1


def check_manifest(manifest: dict, where: str) -> None:
    """Refuse a manifest whose fields the model and every recommendation read have the wrong shape.

    The checksums prove only that the file is whole, not who wrote it: a hand-edited manifest with
    recomputed checksums must be refused here, not crash a later recommendation.
    """
    from recommender.vocab import OFFER

    def bad(key: str, expected: str) -> ModelFileError:
        return ModelFileError(f"unreadable manifest: {key} must be {expected}; got "
                              f"{show_value(manifest.get(key))} / manifestet kan ikke læses", path=where)

    for key in ("version", "created"):
        if not isinstance(manifest.get(key), str):
            raise bad(key, "text")
    if not isinstance(manifest.get("rules_version"), (str, type(None))):
        raise bad("rules_version", "text")
    for key in ("n_rows", "n_with_offer", "evidence_size"):
        if not _is_count(manifest.get(key)):
            raise bad(key, "a whole number ≥ 0")
    for key in ("support_threshold", "interval_level"):
        if not _is_share(manifest.get(key)):
            raise bad(key, "a number between 0 and 1")
    if not isinstance(manifest.get("allow_protected"), bool):
        raise bad("allow_protected", "true/false")
    cohort = manifest.get("training_cohort")
    if not isinstance(cohort, dict) or not isinstance(cohort.get("fingerprint"), str):
        raise bad("training_cohort", "an object with a fingerprint")
    evidence = manifest.get("offer_evidence")
    if not isinstance(evidence, dict) or not all(_is_count(evidence.get(o)) for o in OFFER.codes):
        raise bad("offer_evidence", "a count per offer")
    schema, baseline = manifest.get("schema"), manifest.get("baseline")
    if (not isinstance(schema, dict) or not isinstance(schema.get("categorical"), dict)
            or not isinstance(schema.get("numeric"), list)
            or not all(isinstance(v, list) for v in schema["categorical"].values())):
        raise bad("schema", "the feature schema object")
    if not isinstance(baseline, dict) or not set(schema["categorical"]) | set(
            map(str, schema["numeric"])) <= set(baseline):
        raise bad("baseline", "a value for every feature")


def read_model(path: str | os.PathLike[str]):
    """Load and check a model file; see the module docstring for the checks."""
    import skops.io as sio

    from recommender.model import OutcomeModel

    where = str(path)
    raw = read_input(path, limit=MAX_MODEL_BYTES, what="model file",
                     error=lambda message: ModelFileError(message, path=where))
    manifest, payload = _split(raw, where)
    check_compatible(manifest, where)
    check_manifest_contents(manifest, where)  # every field's type, vocabulary, consistency, build
    check_manifest(manifest, where)
    if len(payload) != manifest.get("payload_size"):
        raise ModelFileError(f"truncated or padded: payload has {len(payload)} bytes, the manifest "
                             f"says {manifest.get('payload_size')} / afkortet fil", path=where)
    if hashlib.sha256(payload).hexdigest() != manifest.get("payload_sha256"):
        raise ModelFileError("payload checksum mismatch: the file was altered or damaged / "
                             "kontrolsummen passer ikke", path=where)
    try:
        objects = sio.loads(payload, trusted=list(TRUSTED))
        model = OutcomeModel(estimator=objects["estimator"], boot=objects["boot"],
                             propensity=objects["propensity"], manifest=manifest)
    except Exception as exc:  # an untrusted type or a malformed archive: refuse, never run it
        raise ModelFileError(f"payload refused ({type(exc).__name__}: {str(exc)[:200]})",
                             path=where) from None
    return model
