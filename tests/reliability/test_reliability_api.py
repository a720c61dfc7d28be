"""Issue 16: the Python API refuses what it cannot trust, accepts what a CSV cell would give, and warns
when the advice rests on a municipality the model has not seen.

Classes under test: objects that bypass validation (a ``Citizen`` subclass, a citizen altered after
validation, a path where a loaded model or rules belong); values of other Python types that mean what a
CSV cell means (numpy scalars, pandas NA, float NaN); and municipality names in other spellings (case,
missing ø/å/æ, decomposed letters, other dashes and spaces) against names the model has never seen.
"""

from __future__ import annotations

import dataclasses
import unicodedata

import numpy as np
import pandas as pd
import pytest

from recommender import Citizen, RecommenderError, recommend
from recommender.recommending.screen import render as render_screen
from recommender.vocab import MUNICIPALITIES
from tests._rules_support import STANDARD


class Sneaky(Citizen):
    @property
    def wants_employment(self):  # type: ignore[override]
        return "maybe"


def test_a_citizen_altered_after_validation_is_checked_again(default_model) -> None:
    citizen = Citizen.from_dict(STANDARD)
    object.__setattr__(citizen, "children_under_18", "lots")
    with pytest.raises(RecommenderError, match="children_under_18"):
        recommend(citizen, model=default_model)
    object.__setattr__(citizen, "children_under_18", 2)
    object.__setattr__(citizen, "citizen_id", "010190-1234")
    with pytest.raises(RecommenderError, match="CPR") as err:
        recommend(citizen, model=default_model)
    assert "1234" not in str(err.value)


class Plain(Citizen):
    pass


def test_a_citizen_subclass_is_validated_like_any_record(default_model) -> None:
    base = Citizen.from_dict(STANDARD)
    sneaky = Sneaky.__new__(Sneaky)  # built without validation; its property answers "maybe"
    for f in dataclasses.fields(Citizen):
        if f.name != "wants_employment":
            object.__setattr__(sneaky, f.name, getattr(base, f.name))
    with pytest.raises(RecommenderError, match="wants_employment"):
        recommend(sneaky, model=default_model)
    plain = Plain.__new__(Plain)
    for f in dataclasses.fields(Citizen):
        object.__setattr__(plain, f.name, getattr(base, f.name))
    object.__setattr__(plain, "danish_course", "du9")
    with pytest.raises(RecommenderError, match="danish_course"):
        recommend(plain, model=default_model)
    rec = recommend(Plain(**STANDARD), model=default_model)  # a valid subclass: validated again
    assert rec.citizen_id == "P500-0001"


@pytest.mark.parametrize("kind", ["model", "rules"])
@pytest.mark.parametrize("value", ["path/to/file", 3, {"a": 1}])
def test_a_path_or_other_object_for_model_or_rules_is_a_clear_error(default_model, kind, value) -> None:
    with pytest.raises(RecommenderError, match=f"{kind}: expected") as err:
        recommend(STANDARD, **({"model": default_model, kind: value}))
    assert "load_" in str(err.value)


@pytest.mark.parametrize(
    "field,value,expected",
    [
        ("years_in_denmark", np.int64(4), 4),
        ("children_under_18", np.int32(2), 2),
        ("children_under_18", np.uint8(0), 0),
        ("education_plan", np.bool_(False), False),
        ("wants_employment", np.str_("ja"), "yes"),
        ("job_goal", pd.NA, None),
        ("job_goal", np.nan, None),
        ("gender", None, None),
        ("nationality", pd.NaT, None),
        ("entrepreneurship_interest", np.bool_(True), True),
    ],
)
def test_numpy_scalars_and_pandas_na_are_read_like_csv_cells(field, value, expected) -> None:
    assert getattr(Citizen.from_dict({**STANDARD, field: value}), field) == expected


@pytest.mark.parametrize(
    "field,value",
    [
        ("years_in_denmark", np.float64(4.5)),
        ("children_under_18", np.int64(99)),
        ("wants_employment", pd.NA),
        ("years_in_denmark", np.nan),
        ("education_plan", np.int64(1)),
    ],
)
def test_numpy_and_pandas_values_a_csv_cell_would_not_give_are_refused(field, value) -> None:
    with pytest.raises(RecommenderError, match=field):
        Citizen.from_dict({**STANDARD, field: value})


def _spellings(name: str) -> list[str]:
    folded = name.replace("ø", "o").replace("æ", "ae").replace("å", "aa")
    return [
        name.upper(),
        name.lower(),
        folded,
        unicodedata.normalize("NFD", name),
        name.replace("-", "\u2013"),
        name.replace("-", " "),
        name.replace("-", "\u2011"),
        f"  {name}\u200b ",
        name.replace("Aa", "Å"),
    ]


@pytest.mark.parametrize("name", MUNICIPALITIES)
def test_every_spelling_of_a_known_municipality_is_that_municipality(name, default_model) -> None:
    plain = recommend({**STANDARD, "municipality": name}, model=default_model)
    assert not [w for w in plain.warnings if w.code == "unknown_municipality"]
    for spelling in _spellings(name):
        c = Citizen.from_dict({**STANDARD, "municipality": spelling})
        assert c.municipality == name, spelling
        assert recommend(c, model=default_model).to_dict()["offers"] == plain.to_dict()["offers"]


@pytest.mark.parametrize(
    "given,guess", [("Hjorringg", "Hjørring"), ("Frederiksbjerg", "Frederiksberg"), ("Odense", None)]
)
def test_a_municipality_the_model_has_not_seen_gets_a_warning_on_screen_and_in_json(
    given, guess, default_model
) -> None:
    rec = recommend({**STANDARD, "municipality": given}, model=default_model)
    warnings = [w for w in rec.to_dict()["warnings"] if w["code"] == "unknown_municipality"]
    assert len(warnings) == 1
    text = warnings[0]["da"] + warnings[0]["en"]
    assert given in text and (guess in text if guess else "Aarhus" in text)
    screen = render_screen(rec)
    assert given in screen and "kendes ikke" in screen
