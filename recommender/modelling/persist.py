"""The model file: one file that cannot run code when loaded, checked before it is deserialised.

Layout (bytes, format version 2)::

    P500-RECOMMENDER-MODEL\\n        magic line
    {"format_version": 2, ...}\\n    manifest, canonical JSON on one line (UTF-8)
    <64 hex>\\n                      sha256 of the manifest line
    <tables>                        serving tables: a numpy ``.npz`` archive of plain number and
                                    text arrays (read with ``allow_pickle=False``); empty when the
                                    selected model is not linear
    <payload>                       skops archive of the scikit-learn estimators (no pickle)

The manifest holds each section's size and sha256. Reading checks, in order: the magic line, the
manifest's own checksum, the format version, the library versions (same scikit-learn, skops and
numpy major.minor as the writer), the manifest itself
(:func:`~recommender.modelling.manifest.check_manifest`), each section's size (truncation) and
sha256 (tampering), and that the tables are plain arrays. The
payload is deserialised only when the scikit-learn objects are first needed (training-side work:
batch scoring, evaluation, a non-linear model), with ``skops.io.loads`` trusting a fixed list of type
names; serving a recommendation from the tables needs neither scikit-learn nor pandas. Any failure
raises :class:`~recommender.errors.ModelFileError` saying why. Writes are atomic
(:func:`recommender.files.write_bytes_atomic`). This module knows nothing of
:class:`~recommender.model.OutcomeModel`:
:func:`recommender.model.load_model` builds the model from a :class:`ModelFile`.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sys
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from recommender.errors import ModelFileError, show_value
from recommender.files import read_input, write_bytes_atomic
from recommender.modelling.manifest import ModelManifest, check_manifest

__all__ = [
    "FORMAT_VERSION",
    "MAGIC",
    "MAX_MODEL_BYTES",
    "TRUSTED",
    "ModelFile",
    "library_versions",
    "load_objects",
    "read_model_file",
    "write_model_file",
]

MAGIC = b"P500-RECOMMENDER-MODEL\n"
FORMAT_VERSION = 2
MAX_MODEL_BYTES = 512 * 1024 * 1024  # a model file is a few MB; more is not one (and not read into memory)
# The only non-default types a payload may contain (besides skops's own safe defaults).
TRUSTED: tuple[str, ...] = (
    "recommender.modelling.features.OfferInteractions",
    "recommender.modelling.blend.AverageClassifier",
    "recommender.modelling.offer_contrast.OfferContrastTrees",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._TemperatureScaling",
    "sklearn.model_selection._split.StratifiedKFold",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn.utils.validation.check_array",
    "functools.partial",
)
_COMPATIBLE = ("sklearn", "skops", "numpy")  # must match major.minor
_DISTRIBUTIONS = {"sklearn": "scikit-learn", "numpy": "numpy", "pandas": "pandas", "skops": "skops"}
_FILE_KEYS = ("format_version", "tables_size", "tables_sha256", "payload_size", "payload_sha256")


def library_versions() -> dict[str, str]:
    """The installed versions of the libraries a model file depends on (read from the installed
    packages' metadata, so nothing heavy is imported)."""
    out = {key: metadata.version(dist) for key, dist in _DISTRIBUTIONS.items()}
    out["python"] = ".".join(map(str, sys.version_info[:3]))
    return out


@dataclass(frozen=True)
class ModelFile:
    """A checked model file: its manifest, its serving tables (``None`` when the model is not
    linear) and its still-serialised scikit-learn payload (see :func:`load_objects`)."""

    path: str
    manifest: ModelManifest
    tables: dict[str, np.ndarray] | None
    payload: bytes


def _major_minor(version: str) -> tuple[str, ...]:
    return tuple(version.split(".")[:2])


def _dump_json(data: dict) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode(
        "utf-8"
    )


def _tables_bytes(tables: Mapping[str, np.ndarray] | None) -> bytes:
    if tables is None:
        return b""
    buffer = io.BytesIO()
    np.savez(buffer, **{k: np.asarray(v) for k, v in tables.items()})  # type: ignore[arg-type]
    return buffer.getvalue()


def model_bytes(
    manifest: ModelManifest, tables: Mapping[str, np.ndarray] | None, objects: Mapping[str, object]
) -> list[bytes]:
    """The file's content as chunks: magic, manifest line, manifest checksum line, tables, payload."""
    import skops.io as sio

    payload = sio.dumps(dict(objects), compression=zipfile.ZIP_DEFLATED, compresslevel=6)
    table_bytes = _tables_bytes(tables)
    line = _dump_json(
        {
            **manifest.to_dict(),
            "format_version": FORMAT_VERSION,
            "tables_size": len(table_bytes),
            "tables_sha256": hashlib.sha256(table_bytes).hexdigest(),
            "payload_size": len(payload),
            "payload_sha256": hashlib.sha256(payload).hexdigest(),
        }
    )
    return [MAGIC, line + b"\n", hashlib.sha256(line).hexdigest().encode() + b"\n", table_bytes, payload]


def write_model_file(
    path: str | os.PathLike[str],
    manifest: ModelManifest,
    tables: Mapping[str, np.ndarray] | None,
    objects: Mapping[str, object],
    *,
    inputs: tuple = (),
) -> Path:
    """Save a model's manifest, serving tables and scikit-learn objects to ``path`` atomically.

    ``path`` must be a new path or a regular file that is none of ``inputs``
    (:func:`recommender.files.check_output`: never a link, device, FIFO or directory).
    """
    return write_bytes_atomic(path, model_bytes(manifest, tables, objects), inputs=inputs)


def _split(raw: bytes, where: str) -> tuple[dict, bytes]:
    if not raw.startswith(MAGIC):
        raise ModelFileError("not a recommender model file (wrong magic line) / ikke en modelfil", path=where)
    rest = raw[len(MAGIC) :]
    parts = rest.split(b"\n", 2)
    if len(parts) < 3:
        raise ModelFileError("truncated: the manifest is incomplete / afkortet fil", path=where)
    line, digest, payload = parts
    if hashlib.sha256(line).hexdigest().encode() != digest:
        raise ModelFileError(
            "manifest checksum mismatch: the file was altered or damaged / "
            "manifestets kontrolsum passer ikke",
            path=where,
        )
    try:
        manifest = json.loads(line.decode("utf-8"))
    except ValueError as exc:
        raise ModelFileError(f"unreadable manifest ({exc})", path=where) from None
    if not isinstance(manifest, dict):
        raise ModelFileError("unreadable manifest (not an object)", path=where)
    return manifest, payload


def check_compatible(manifest: dict, where: str) -> None:
    """Refuse another format version or other library versions than the ones installed."""
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise ModelFileError(
            f"format version {version!r} is not supported (this program reads "
            f"version {FORMAT_VERSION}) / formatversionen understøttes ikke",
            path=where,
        )
    here, there = library_versions(), manifest.get("libraries")
    if not isinstance(there, dict):  # a list or text here crashed with AttributeError
        raise ModelFileError(
            f"unreadable manifest: libraries must be an object; got "
            f"{show_value(there)} / manifestet kan ikke læses",
            path=where,
        )
    for lib in _COMPATIBLE:
        if _major_minor(str(there.get(lib, "?"))) != _major_minor(here[lib]):
            raise ModelFileError(
                f"written with {lib} {there.get(lib, '?')}, installed is {here[lib]}: retrain the "
                f"model with this installation / træn modellen igen",
                path=where,
            )


def _section(manifest: dict, name: str, data: bytes, where: str) -> bytes:
    """The first ``<name>_size`` bytes of ``data``, checked against ``<name>_sha256``."""
    size = manifest.get(f"{name}_size")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise ModelFileError(
            f"unreadable manifest: {name}_size must be a whole number ≥ 0; got "
            f"{show_value(size)} / manifestet kan ikke læses",
            path=where,
        )
    if len(data) < size:
        raise ModelFileError(
            f"truncated: the {name} section has {len(data)} bytes, the manifest says {size} / afkortet fil",
            path=where,
        )
    if hashlib.sha256(data[:size]).hexdigest() != manifest.get(f"{name}_sha256"):
        raise ModelFileError(
            f"{name} checksum mismatch: the file was altered or damaged / kontrolsummen passer ikke",
            path=where,
        )
    return data[:size]


def _read_tables(data: bytes, where: str) -> dict[str, np.ndarray] | None:
    if not data:
        return None
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            tables = {key: archive[key] for key in archive.files}
    except Exception as exc:  # not an npz of plain arrays (object arrays need pickle: refused)
        raise ModelFileError(
            f"serving tables refused ({type(exc).__name__}: {str(exc)[:200]})", path=where
        ) from None
    if any(a.dtype.kind not in "fiU" for a in tables.values()):
        raise ModelFileError("serving tables refused: only number and text arrays are allowed", path=where)
    return tables


def read_model_file(path: str | os.PathLike[str]) -> ModelFile:
    """Read and check a model file; see the module docstring for the checks. The payload stays
    serialised (see :func:`load_objects`)."""
    where = str(path)
    raw = read_input(
        path,
        limit=MAX_MODEL_BYTES,
        what="model file",
        error=lambda message: ModelFileError(message, path=where),
    )
    data, rest = _split(raw, where)
    check_compatible(data, where)
    manifest = check_manifest({k: v for k, v in data.items() if k not in _FILE_KEYS}, where=where)
    tables = _section(data, "tables", rest, where)
    payload = rest[len(tables) :]
    if len(payload) != data.get("payload_size"):
        raise ModelFileError(
            f"truncated or padded: payload has {len(payload)} bytes, the manifest "
            f"says {show_value(data.get('payload_size'))} / afkortet fil",
            path=where,
        )
    _section(data, "payload", payload, where)
    return ModelFile(where, manifest, _read_tables(tables, where), payload)


def load_objects(payload: bytes, where: str) -> dict[str, Any]:
    """Deserialise a model file's scikit-learn objects, trusting only :data:`TRUSTED` types."""
    import skops.io as sio

    try:
        objects = sio.loads(payload, trusted=list(TRUSTED))
        if not isinstance(objects, dict):
            raise TypeError("not a mapping of objects")
    except Exception as exc:  # an untrusted type or a malformed archive: refuse, never run it
        raise ModelFileError(
            f"payload refused ({type(exc).__name__}: {str(exc)[:200]})", path=where
        ) from None
    return objects
