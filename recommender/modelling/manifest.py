"""The model manifest: what a trained outcome model is, as one typed, checked, frozen object.

:func:`check_manifest` is the one place a manifest is checked: at train time (a setting the file
could not hold back is refused before anything is fitted or saved) and at load time (a hand-edited
manifest with recomputed checksums is refused before it can crash a recommendation). It checks the
types, the vocabularies (offer, outcome and field codes) and the consistency of the counts. The
file-level keys (format version, section sizes and checksums) belong to
:mod:`recommender.modelling.persist`, not here.

>>> data = example_manifest()
>>> manifest = check_manifest(data)
>>> manifest.offer_evidence["internship"], manifest.synthetic
(60, True)
>>> check_manifest({**data, "support_threshold": 1.5})
Traceback (most recent call last):
recommender.errors.RecommenderError: support_threshold: expected a number between 0 and 1 (exclusive); got 1.5
>>> check_manifest({**data, "n_left_out": 3}, where="m.p500")
Traceback (most recent call last):
recommender.errors.ModelFileError: Modelfil afvist / model file refused: m.p500: unreadable manifest: n_left_out: expected n_rows - n_with_offer (20); got 3 / manifestet kan ikke læses
"""  # noqa: E501

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import NoReturn

from recommender.errors import ModelFileError, RecommenderError, show_value
from recommender.modelling.manifest_check import check_manifest_contents, package_stamp
from recommender.modelling.schema import FeatureSchema
from recommender.vocab import FIELDS, OFFER, OUTCOME

__all__ = ["ModelManifest", "check_manifest", "check_settings", "example_manifest"]


@dataclass(frozen=True)
class ModelManifest:
    """Everything recorded about a trained model besides its fitted numbers.

    ``selection`` is the model-selection record (candidates' CV figures, the choice; see
    :class:`~recommender.modelling.selection.Selection`), ``baseline`` each feature's typical value
    (the reference of ``explain``), ``offer_evidence`` about how many evidence citizens had each offer,
    ``libraries`` the versions of the libraries that fitted it.
    """

    version: str
    created: str
    schema: FeatureSchema
    training_cohort: Mapping[str, str]
    n_rows: int
    n_with_offer: int
    n_left_out: int
    evidence_size: int
    n_bootstrap: int
    bootstrap_C: float | None
    interval_level: float
    selection: Mapping[str, object]
    interaction_scale: float | None
    seed: int
    allow_protected: bool
    support_threshold: float
    offer_evidence: Mapping[str, int]
    baseline: Mapping[str, object]
    outcome_prior: Mapping[str, float]
    rules_version: str | None
    synthetic: bool
    libraries: Mapping[str, str]
    package: Mapping[str, str]  # the build that wrote it: package version, model-reading code fingerprint
    #: The training cohort's intake profile (:mod:`recommender.modelling.profile`), the reference of
    #: drift monitoring; ``None`` in model files written before it was recorded.
    intake_profile: Mapping[str, Mapping[str, float]] | None = None
    #: Per offer, the intake profile of the training citizens who received it (the answer × offer
    #: combinations of thin data, :mod:`recommender.recommending.sparse`; issue 24); ``None`` in model
    #: files written before it was recorded (they are not checked for thin combinations).
    offer_profile: Mapping[str, Mapping[str, Mapping[str, float]]] | None = None

    @property
    def selected(self) -> str:
        """The name of the selected candidate."""
        return str(self.selection["selected"])

    @property
    def calibrated(self) -> bool:
        return bool(self.selection["calibrated"])

    def to_dict(self) -> dict[str, object]:
        """The JSON form written to a model file (inverse of :func:`check_manifest`)."""
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        out["schema"] = self.schema.to_dict()
        for key in (
            "training_cohort",
            "selection",
            "offer_evidence",
            "baseline",
            "outcome_prior",
            "libraries",
            "package",
        ):
            out[key] = dict(out[key])  # type: ignore[call-overload]
        if self.intake_profile is None:
            del out["intake_profile"]  # files written before it existed keep their exact bytes
        else:
            out["intake_profile"] = {f: dict(s) for f, s in self.intake_profile.items()}
        if self.offer_profile is None:
            del out["offer_profile"]  # likewise (issue 24)
        else:
            out["offer_profile"] = {
                o: {f: dict(s) for f, s in p.items()} for o, p in self.offer_profile.items()
            }
        return out


def _fail(where: str | None, key: str, expected: str, got: object) -> NoReturn:
    if where is None:
        raise RecommenderError(f"{key}: expected {expected}; got {show_value(got)}")
    raise ModelFileError(
        f"unreadable manifest: {key}: expected {expected}; got {show_value(got)} / manifestet kan ikke læses",
        path=where,
    )


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value


def _is_profile(profile: object) -> bool:
    """Whether ``profile`` is an intake profile: per intake field, a share between 0 and 1 per category."""
    return (
        isinstance(profile, Mapping)
        and all(f in FIELDS for f in profile)
        and all(
            isinstance(s, Mapping)
            and all(isinstance(c, str) and _is_number(v) and 0 <= v <= 1 for c, v in s.items())
            for s in profile.values()
        )
    )


class _Reader:
    """Reads the keys of a manifest mapping, failing with the key, what was expected and the value."""

    def __init__(self, data: Mapping[str, object], where: str | None):
        self.data, self.where = data, where

    def fail(self, key: str, expected: str) -> NoReturn:
        _fail(self.where, key, expected, self.data.get(key))

    def text(self, key: str, *, optional: bool = False) -> str | None:
        value = self.data.get(key)
        if isinstance(value, str) or (optional and value is None):
            return value
        self.fail(key, "text" + (" or null" if optional else ""))

    def count(self, key: str, minimum: int = 0) -> int:
        value = self.data.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value >= minimum:
            return value
        self.fail(key, f"a whole number ≥ {minimum}")

    def number(self, key: str, *, optional: bool = False) -> float | None:
        value = self.data.get(key)
        if optional and value is None:
            return None
        if isinstance(value, (int, float)) and _is_number(value):
            return float(value)
        self.fail(key, "a number" + (" or null" if optional else ""))

    def share(self, key: str) -> float:
        value = self.data.get(key)
        if isinstance(value, (int, float)) and _is_number(value) and 0 < value < 1:
            return float(value)
        self.fail(key, "a number between 0 and 1 (exclusive)")

    def flag(self, key: str) -> bool:
        value = self.data.get(key)
        if isinstance(value, bool):
            return value
        self.fail(key, "true/false")

    def mapping(
        self, key: str, keys: tuple[str, ...] | None, check: Callable[[object], bool], expected: str
    ) -> dict:
        value = self.data.get(key)
        if (
            isinstance(value, Mapping)
            and all(isinstance(k, str) for k in value)
            and (keys is None or set(value) == set(keys))
            and all(check(v) for v in value.values())
        ):
            return dict(value)
        self.fail(key, expected)


def _schema(r: _Reader) -> FeatureSchema:
    data = r.data.get("schema")
    ok = (
        isinstance(data, Mapping)
        and isinstance(data.get("categorical"), Mapping)
        and isinstance(data.get("numeric"), list)
        and isinstance(data.get("allow_protected"), bool)
        and all(
            name in FIELDS and isinstance(cats, list) and cats and all(isinstance(c, str) for c in cats)
            for name, cats in data["categorical"].items()
        )
        and all(name in FIELDS and FIELDS[name].kind == "int" for name in data["numeric"])
    )
    if not ok:
        r.fail("schema", "the feature schema object (known fields, a list of categories each)")
    return FeatureSchema.from_dict(data)  # type: ignore[arg-type]


def check_manifest(data: object, *, where: str | None = None) -> ModelManifest:
    """Check a manifest mapping and return it typed; the one check at train time and at load time.

    ``where`` names the model file being read: problems then raise
    :class:`~recommender.errors.ModelFileError` for that file; without it (train time) a
    :class:`~recommender.errors.RecommenderError` naming the setting.
    """
    if not isinstance(data, Mapping):
        _fail(where, "manifest", "an object", data)
    known = {f.name for f in dataclasses.fields(ModelManifest)}
    unknown = sorted(set(map(str, data)) - known)
    if unknown:
        _fail(where, unknown[0], f"one of the manifest's keys {sorted(known)}", data.get(unknown[0]))
    # Every field's type, vocabulary and consistency, protected features, and the build that wrote it
    # (issue 16); the typed reading below then cannot meet a value it does not expect.
    check_manifest_contents(data, where)
    r = _Reader(data, where)
    schema = _schema(r)
    features = schema.fields
    n_rows, n_with_offer = r.count("n_rows"), r.count("n_with_offer")
    if n_with_offer > n_rows:
        r.fail("n_with_offer", f"at most n_rows ({n_rows})")
    if r.count("n_left_out") != n_rows - n_with_offer:
        r.fail("n_left_out", f"n_rows - n_with_offer ({n_rows - n_with_offer})")
    allow_protected = r.flag("allow_protected")
    if allow_protected != schema.allow_protected:
        r.fail("allow_protected", f"the schema's allow_protected ({schema.allow_protected})")
    cohort = r.mapping(
        "training_cohort",
        None,
        lambda v: isinstance(v, str),
        "an object with a fingerprint and a source (text)",
    )
    if "fingerprint" not in cohort:
        r.fail("training_cohort", "an object with a fingerprint and a source (text)")
    selection = r.mapping("selection", None, lambda v: True, "the model-selection record")
    if not isinstance(selection.get("selected"), str) or not isinstance(selection.get("calibrated"), bool):
        r.fail("selection", "the model-selection record (selected: text, calibrated: true/false)")
    prior = r.mapping(
        "outcome_prior",
        OUTCOME.codes,
        lambda v: isinstance(v, (int, float)) and _is_number(v) and 0 <= v <= 1,
        f"a share between 0 and 1 for each outcome {list(OUTCOME.codes)}",
    )
    baseline = r.mapping(
        "baseline",
        None,
        lambda v: isinstance(v, (str, int, float, bool)),
        "a value (text, number or true/false) for every feature",
    )
    if not set(features) <= set(baseline):
        r.fail("baseline", f"a value for every feature ({sorted(set(features) - set(baseline))} missing)")
    profile = data.get("intake_profile")
    if profile is not None and not _is_profile(profile):
        r.fail("intake_profile", "per intake field, a share between 0 and 1 per category")
    offer_profile = data.get("offer_profile")
    if offer_profile is not None and not (
        isinstance(offer_profile, Mapping)
        and set(offer_profile) == set(OFFER.codes)
        and all(_is_profile(p) for p in offer_profile.values())
    ):
        r.fail(
            "offer_profile",
            f"per offer ({', '.join(OFFER.codes)}), per intake field, a share between 0 and 1 per category",
        )
    return ModelManifest(
        version=r.text("version") or "",
        created=r.text("created") or "",
        schema=schema,
        training_cohort=cohort,
        n_rows=n_rows,
        n_with_offer=n_with_offer,
        n_left_out=n_rows - n_with_offer,
        evidence_size=r.count("evidence_size"),
        n_bootstrap=r.count("n_bootstrap", 1),
        bootstrap_C=r.number("bootstrap_C", optional=True),
        interval_level=r.share("interval_level"),
        selection=selection,
        interaction_scale=r.number("interaction_scale", optional=True),
        seed=r.count("seed"),
        allow_protected=allow_protected,
        support_threshold=r.share("support_threshold"),
        offer_evidence=r.mapping(
            "offer_evidence",
            OFFER.codes,
            lambda v: isinstance(v, int) and _is_int(v) and v >= 0,
            "a count (whole number ≥ 0) per offer",
        ),
        baseline=baseline,
        outcome_prior=prior,
        rules_version=r.text("rules_version", optional=True),
        synthetic=r.flag("synthetic"),
        libraries=r.mapping(
            "libraries", None, lambda v: isinstance(v, str), "an object of library versions (text)"
        ),
        package=r.mapping(
            "package",
            ("version", "reader"),
            lambda v: isinstance(v, str),
            "the build that wrote the model (version, reader)",
        ),
        intake_profile=None if profile is None else {f: dict(s) for f, s in profile.items()},
        offer_profile=None
        if offer_profile is None
        else {o: {f: dict(s) for f, s in p.items()} for o, p in offer_profile.items()},
    )


def check_settings(*, support_threshold: object, n_bootstrap: object, seed: object) -> None:
    """The training settings the manifest records, checked as :func:`check_manifest` checks them
    (before anything is fitted: a model that trains also saves and loads).

    >>> check_settings(support_threshold=0.1, n_bootstrap=0, seed=0)
    Traceback (most recent call last):
    recommender.errors.RecommenderError: n_bootstrap: expected a whole number ≥ 1; got 0
    """
    r = _Reader({"support_threshold": support_threshold, "n_bootstrap": n_bootstrap, "seed": seed}, None)
    r.share("support_threshold")
    r.count("n_bootstrap", 1)
    r.count("seed")


def example_manifest() -> dict[str, object]:
    """A small valid manifest mapping (for examples and tests)."""
    from recommender.modelling.features import build_schema

    schema = build_schema()
    baseline: dict[str, object] = {}
    for name, categories in schema.categorical:
        baseline[name] = (categories[0] == "true") if FIELDS[name].kind == "bool" else categories[0]
    for name in schema.numeric:
        baseline[name] = FIELDS[name].low or 0
    return {
        "version": "om-000000000000",
        "created": "2026-01-01T00:00:00+00:00",
        "schema": schema.to_dict(),
        "training_cohort": {"fingerprint": "ab" * 32, "source": "<synth>"},
        "n_rows": 240,
        "n_with_offer": 220,
        "n_left_out": 20,
        "evidence_size": 220,
        "n_bootstrap": 5,
        "bootstrap_C": None,
        "interval_level": 0.9,
        "selection": {"selected": "logit", "calibrated": False},
        "interaction_scale": 0.15,
        "seed": 0,
        "allow_protected": False,
        "support_threshold": 0.1,
        "offer_evidence": {"wage_subsidy": 53, "internship": 60, "clarification": 53, "counselling": 54},
        "baseline": baseline,
        "outcome_prior": {k: 0.25 for k in OUTCOME.codes},
        "rules_version": None,
        "synthetic": True,
        "libraries": {"numpy": "2.0"},
        "package": package_stamp(),
    }
