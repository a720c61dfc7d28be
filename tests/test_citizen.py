"""The intake record (spec §3): codes and labels accepted, every bad field named, nothing guessed."""

from __future__ import annotations

import pytest
from _rules_support import STANDARD

from recommender import Citizen, RecommenderError
from recommender.errors import InvalidCitizenError

VALID = dict(STANDARD, network_use="low")


def test_codes_danish_and_english_labels_mean_the_same() -> None:
    danish = dict(
        VALID,
        danish_course=" Danskuddannelse 2",
        education_home="GRUNDSKOLE",
        active_job_seeker="Delvist",
        language_sufficient="i nogen grad",
        job_goal_level="ufaglært",
        education_plan="Nej",
        contact_route="opsøgende kontakt",
    )
    english = dict(
        VALID,
        education_home="primary school",
        language_sufficient="to some degree",
        job_goal_level="Unskilled",
        education_plan="no",
    )
    assert Citizen.from_dict(danish) == Citizen.from_dict(VALID) == Citizen.from_dict(english)


def test_optional_fields_have_documented_defaults() -> None:
    c = Citizen.from_dict(VALID)
    assert c.entrepreneurship_interest is False
    assert c.job_goal is None and c.gender is None and c.origin is None and c.nationality is None


def test_constructor_validates_like_from_dict() -> None:
    assert Citizen(**VALID) == Citizen.from_dict(VALID)
    with pytest.raises(InvalidCitizenError, match="danish_course"):
        Citizen(**dict(VALID, danish_course="du9"))


def test_every_bad_field_is_named_in_one_error() -> None:
    bad = dict(
        VALID, years_in_denmark=True, children_under_18=2.0, danish_course="du4", wants_employmnt="yes"
    )
    del bad["network_use"]
    with pytest.raises(RecommenderError) as info:
        Citizen.from_dict(bad)
    message = str(info.value)
    for field in ("years_in_denmark", "children_under_18", "danish_course", "wants_employmnt", "network_use"):
        assert field in message
    assert "fik/got 'du4'; mente du/did you mean 'du" in message
    assert "did you mean 'wants_employment'" in message
    assert {p.field for p in info.value.problems} == {
        "years_in_denmark",
        "children_under_18",
        "danish_course",
        "wants_employmnt",
        "network_use",
    }


@pytest.mark.parametrize("value", [81, -1, "81", 3.5, "tre", [], {}])
def test_out_of_range_and_wrong_type_numbers_are_refused(value: object) -> None:
    with pytest.raises(InvalidCitizenError) as info:
        Citizen.from_dict(dict(VALID, years_in_denmark=value))
    assert info.value.field == "years_in_denmark"
    assert "0–80" in str(info.value)


def test_null_for_a_required_field_is_missing_not_defaulted() -> None:
    with pytest.raises(InvalidCitizenError, match=r"years_in_denmark .*required.*got None"):
        Citizen.from_dict(dict(VALID, years_in_denmark=None))


def test_numbers_as_digit_strings_are_accepted() -> None:
    assert Citizen.from_dict(dict(VALID, years_in_denmark=" 12 ")).years_in_denmark == 12


@pytest.mark.parametrize("value", [True, False, 1, "maybe", ""])
def test_yaml_booleans_and_junk_are_not_codes(value: object) -> None:
    with pytest.raises(InvalidCitizenError, match="wants_employment"):
        Citizen.from_dict(dict(VALID, wants_employment=value))


@pytest.mark.parametrize("cpr", ["010190-1234", "0101901234", "ID 311299 1234"])
def test_cpr_shaped_ids_are_refused_without_echoing_them(cpr: str) -> None:
    with pytest.raises(InvalidCitizenError) as info:
        Citizen.from_dict(dict(VALID, citizen_id=cpr))
    assert info.value.field == "citizen_id"
    assert "CPR" in str(info.value)
    assert cpr not in str(info.value)


def test_huge_strings_are_refused_and_shortened_in_the_message() -> None:
    with pytest.raises(InvalidCitizenError) as info:
        Citizen.from_dict(dict(VALID, job_goal="x" * 2_000_000))
    assert len(str(info.value)) < 500


def test_not_a_mapping_is_refused() -> None:
    with pytest.raises(InvalidCitizenError):
        Citizen.from_dict(["not", "a", "record"])  # type: ignore[arg-type]


def test_citizen_is_frozen_and_round_trips() -> None:
    c = Citizen.from_dict(VALID)
    with pytest.raises(AttributeError):
        c.years_in_denmark = 3  # type: ignore[misc]
    assert Citizen.from_dict(c.to_dict()) == c
    assert "P500-0001" in repr(c)


def test_a_validated_citizen_is_trusted_once_and_rechecked_when_altered() -> None:
    """Validated at the boundary once: from_dict returns the same object while its fields are the ones it
    checked (the service validates the intake, then recommend() does not parse it again, issue 27);
    altered afterwards, it is parsed again (tests/reliability/test_reliability_api.py)."""
    citizen = Citizen.from_dict(STANDARD)
    assert Citizen.from_dict(citizen) is citizen
    object.__setattr__(citizen, "children_under_18", 3)  # a valid value, but not the one checked
    again = Citizen.from_dict(citizen)
    assert again is not citizen and again.children_under_18 == 3
