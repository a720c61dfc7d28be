"""Every field of a model manifest checked for type, vocabulary and consistency at load (issue 16).

The checksums in a model file prove only that it is whole: anyone can edit the manifest and recompute
them. :func:`check_manifest_contents` is a pure function over the manifest dict that refuses, with a
:class:`~recommender.errors.ModelFileError` naming the field, the value and what is allowed:

- a field of the wrong type, or a count, share or seed out of range;
- a feature, code or baseline value outside the intake vocabulary;
- inconsistent facts (rows with and without an offer not adding up, more evidence than cases with an
  offer, per-offer evidence not adding up to the evidence size, outcome shares not summing to one);
- protected attributes (gender, origin, nationality) among the features while ``allow_protected`` is
  false, or the schema and the manifest disagreeing about it;
- a file written by another build of this package: the package version and a fingerprint of the code
  that reads the model (:func:`reader_fingerprint`) must match, else "retrain with ``recommender train``".
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from recommender.errors import ModelFileError, RecommenderError, show_value
from recommender.text import CONTROL

__all__ = ["READER_SOURCES", "check_manifest_contents", "package_stamp", "reader_fingerprint"]

#: The code that gives a model file's contents their meaning when read (the sources of the payload's
#: classes, the manifest's reader and the fast path built from it). Another version of any of them may
#: read an old file differently, so a file records their fingerprint and is refused when it differs.
READER_SOURCES = (
    "model.py",
    "modelling/persist.py",
    "modelling/features.py",
    "modelling/linear.py",
    "modelling/trees.py",
    "modelling/tree_eval.py",
    "modelling/lean_blend.py",
    "modelling/blend.py",
    "modelling/offer_contrast.py",
    "modelling/fitted.py",
    "modelling/estimates.py",
    "modelling/schema.py",
    "modelling/manifest.py",
    "modelling/manifest_check.py",
)
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_VERSION = re.compile(r"^om-[0-9a-f]{12}$")
_fingerprint: str | None = None


def reader_fingerprint() -> str:
    """sha256 (16 hex) of the sources that read a model file; see :data:`READER_SOURCES`."""
    global _fingerprint
    if _fingerprint is None:
        package = Path(__file__).resolve().parent.parent
        digest = hashlib.sha256(b"p500-model-reader\n")
        for name in READER_SOURCES:
            digest.update(name.encode() + b"\0" + (package / name).read_bytes())
        _fingerprint = digest.hexdigest()[:16]
    return _fingerprint


def package_stamp() -> dict[str, str]:
    """What a new model file records about the build that wrote it."""
    from recommender import __version__

    return {"version": __version__, "reader": reader_fingerprint()}


def _is_int(value: object, low: int = 0, high: float = math.inf) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _is_number(value: object, low: float = -math.inf, high: float = math.inf) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
        and low <= value <= high
    )


def _is_text(value: object, limit: int = 500) -> bool:
    return isinstance(value, str) and len(value) <= limit and not CONTROL.search(value)


def check_manifest_contents(manifest: Mapping[str, object], where: str | None = None) -> None:
    """Refuse a manifest with a field of the wrong type or vocabulary, or inconsistent facts.

    Called by :func:`recommender.modelling.manifest.check_manifest` (train and load time); ``where``
    names the file being read (a :class:`ModelFileError`), else a :class:`RecommenderError`.

    >>> check_manifest_contents({"package": {"version": "0.0.1", "reader": "x"}})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    recommender.errors.ModelFileError: Modelfil afvist / model file refused: written by recommender 0.0.1 ...
    """
    from recommender import __version__
    from recommender.modelling.schema import OTHER, UNKNOWN
    from recommender.vocab import FIELDS, MUNICIPALITIES, OFFER, OUTCOME

    def refuse(key: str, expected: str, value: object = None) -> RecommenderError:
        got = show_value(manifest.get(key) if value is None else value)
        text = f"manifest field {key}: expected {expected}; got {got} / manifestets felt {key} er ugyldigt"
        return ModelFileError(text, path=where) if where is not None else RecommenderError(text)

    stamp = manifest.get("package")
    here = package_stamp()
    if (
        not isinstance(stamp, Mapping)
        or stamp.get("version") != here["version"]
        or stamp.get("reader") != here["reader"]
    ):
        old = (
            f"recommender "
            f"{show_value(stamp.get('version'))[1:-1] if isinstance(stamp.get('version'), str) else '?'}"
            f" (model code {show_value(stamp.get('reader'))})"
            if isinstance(stamp, Mapping)
            else "an older build of recommender (no build stamp)"
        )
        raise ModelFileError(
            f"written by {old}; this is recommender {__version__} (model code "
            f"{here['reader']}): retrain the model with this installation, `recommender "
            f"train COHORT.csv --out MODEL` / træn modellen igen med denne installation",
            path=where,
        )

    if not isinstance(manifest.get("version"), str) or not _VERSION.match(str(manifest["version"])):
        raise refuse("version", "om- and 12 hex digits")
    try:
        datetime.fromisoformat(str(manifest.get("created")))
    except ValueError:
        raise refuse("created", "an ISO date and time") from None
    if not isinstance(manifest.get("created"), str):
        raise refuse("created", "an ISO date and time")
    if manifest.get("rules_version") is not None and not _is_text(manifest.get("rules_version"), 100):
        raise refuse("rules_version", "text or null")
    for key in ("allow_protected", "synthetic"):
        if not isinstance(manifest.get(key, False), bool):
            raise refuse(key, "true or false")
    if not _is_int(manifest.get("seed", 0), 0, 2**32 - 1):
        raise refuse("seed", "a whole number 0–4294967295")
    for key in ("n_rows", "n_with_offer", "n_left_out", "evidence_size", "n_bootstrap"):
        if not _is_int(manifest.get(key), 0, 10**9):
            raise refuse(key, "a whole number ≥ 0")
    for key in ("bootstrap_C", "interaction_scale"):
        if manifest.get(key) is not None and not _is_number(manifest.get(key), 0):
            raise refuse(key, "a number ≥ 0 or null")
    n_offer = manifest["n_with_offer"]  # n_rows = n_with_offer + n_left_out: checked by check_manifest
    if not 20 <= manifest["evidence_size"] <= n_offer:  # type: ignore[operator]
        raise refuse("evidence_size", f"20–{n_offer} (at most the cases with an offer)")

    cohort = manifest.get("training_cohort")
    if (
        not isinstance(cohort, Mapping)
        or not _HEX64.match(str(cohort.get("fingerprint")))
        or not _is_text(cohort.get("source", ""), 4096)
    ):
        raise refuse("training_cohort", "an object with a 64-hex fingerprint and a source")
    evidence = manifest.get("offer_evidence")
    if (
        not isinstance(evidence, Mapping)
        or set(evidence) != set(OFFER.codes)
        or not all(_is_int(v) for v in evidence.values())
    ):
        raise refuse("offer_evidence", f"a whole number for each of {', '.join(OFFER.codes)}")
    if abs(sum(evidence.values()) - manifest["evidence_size"]) > len(OFFER.codes):  # type: ignore[operator]
        raise refuse(
            "offer_evidence",
            f"counts adding up to evidence_size {manifest['evidence_size']}",
            sum(evidence.values()),
        )
    prior = manifest.get("outcome_prior")
    if (
        not isinstance(prior, Mapping)
        or set(prior) != set(OUTCOME.codes)
        or not all(_is_number(v, 0, 1) for v in prior.values())
        or abs(sum(prior.values()) - 1) > 1e-6
    ):
        raise refuse("outcome_prior", f"shares of {', '.join(OUTCOME.codes)} summing to 1")
    libraries = manifest.get("libraries")
    if not isinstance(libraries, Mapping) or not all(_is_text(v, 50) for v in libraries.values()):
        raise refuse("libraries", "an object of library versions")
    selection = manifest.get("selection")
    if (
        not isinstance(selection, Mapping)
        or not _is_text(selection.get("selected"), 100)
        or not isinstance(selection.get("calibrated"), bool)
    ):
        raise refuse("selection", "the model-selection record (selected, calibrated, …)")

    schema = manifest.get("schema")
    if (
        not isinstance(schema, Mapping)
        or not isinstance(schema.get("categorical"), Mapping)
        or not isinstance(schema.get("numeric"), list)
    ):
        raise refuse("schema", "the feature schema object")
    allow = manifest.get("allow_protected")
    if schema.get("allow_protected") is not allow:
        raise refuse("schema", f"allow_protected {allow} like the manifest", schema.get("allow_protected"))
    features = [*schema["categorical"], *schema["numeric"]]
    for name in features:
        if not isinstance(name, str) or name not in FIELDS:
            raise refuse("schema", "features among the intake fields", name)
        if FIELDS[name].protected and allow is not True:
            raise refuse(
                "allow_protected",
                f"true, since the features include the protected attribute {name}"
                " / beskyttede oplysninger bruges som input",
                allow,
            )
    for name in schema["numeric"]:
        if FIELDS[name].kind != "int":
            raise refuse("schema", "numeric features that are whole-number fields", name)
    for name, codes in schema["categorical"].items():
        spec = FIELDS[name]
        if not isinstance(codes, list) or not codes or not all(_is_text(c, 100) for c in codes):
            raise refuse("schema", f"a list of categories for {name}", codes)
        if spec.kind == "bool":
            allowed = {"false", "true"}
        elif spec.kind == "code":
            allowed = {*spec.scale.codes, UNKNOWN}  # type: ignore[union-attr]
        elif name == "municipality":
            allowed = {*MUNICIPALITIES, OTHER}
        else:  # nationality: free text seen in the training cohort
            allowed = set(codes)
        if not set(codes) <= allowed | {OTHER, UNKNOWN} or len(set(codes)) != len(codes):
            raise refuse("schema", f"categories of {name} from its vocabulary", codes)
    baseline = manifest.get("baseline")
    if not isinstance(baseline, Mapping) or not set(features) <= set(baseline):
        raise refuse("baseline", "a value for every feature")
    for name in features:
        value = baseline[name]
        spec = FIELDS[name]
        ok = (
            _is_int(value, spec.low or 0, spec.high or 10**9)
            if spec.kind == "int"  # type: ignore[arg-type]
            else isinstance(value, bool)
            if spec.kind == "bool"
            else isinstance(value, str) and value in schema["categorical"][name]
        )
        if not ok:
            raise refuse("baseline", f"a value of {name} from its vocabulary", value)
