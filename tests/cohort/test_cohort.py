"""Cohort files (spec §10): codes or Danish labels, canonical dtypes, bad rows named by file line."""

from __future__ import annotations

import pandas as pd
import pytest

from recommender.cohort import COHORT_COLUMNS, Cohort, read_cohort, write_cohort
from recommender.errors import CohortError, RecommenderError
from recommender.vocab import ANSWER, FIELDS, OFFER, OUTCOME

ROW = {
    "citizen_id": "P500-0001",
    "municipality": "Aarhus",
    "years_in_denmark": 4,
    "children_under_18": 2,
    "danish_course": "du2",
    "education_home": "primary",
    "education_dk": "none",
    "contact_route": "outreach",
    "active_job_seeker": "partly",
    "geographically_mobile": "yes",
    "searches_broadly": "no",
    "can_start_within_14_days": "yes",
    "wants_employment": "yes",
    "language_sufficient": "some",
    "spouse_support": "high",
    "network_use": "low",
    "job_goal_level": "unskilled",
    "job_goal": "rengøringsassistent",
    "education_plan": False,
    "entrepreneurship_interest": False,
    "gender": "female",
    "origin": "non_western",
    "nationality": "Tyrkiet",
    "offer": "internship",
    "outcome": "job",
    "duration_days": 120,
    "enrolled_on": "2015-03-02",
    "closed_on": "2015-06-30",
    "active_job_seeker_closing": "yes",
    "geographically_mobile_closing": "",
    "searches_broadly_closing": "partly",
    "can_start_within_14_days_closing": "yes",
    "wants_employment_closing": "yes",
    "network_use_closing": "some",
}
DANISH = {
    "danish_course": "Danskuddannelse 2",
    "education_home": "grundskole",
    "education_dk": "ingen",
    "contact_route": "opsøgende kontakt",
    "active_job_seeker": "Delvist",
    "geographically_mobile": "JA",
    "searches_broadly": "nej",
    "can_start_within_14_days": "ja",
    "wants_employment": " ja ",
    "language_sufficient": "i nogen grad",
    "spouse_support": "i høj grad",
    "network_use": "i lav grad",
    "job_goal_level": "ufaglært",
    "education_plan": "nej",
    "entrepreneurship_interest": "nej",
    "gender": "kvinde",
    "origin": "ikke-vestlig",
    "offer": "virksomhedspraktik",
    "outcome": "ordinær beskæftigelse / selvstændig",
    "active_job_seeker_closing": "ja",
    "searches_broadly_closing": "delvist",
    "can_start_within_14_days_closing": "Ja",
    "wants_employment_closing": "ja",
    "network_use_closing": "i nogen grad",
}


def _rows(n: int, **changes: object) -> list[dict]:
    rows = []
    for i in range(n):
        row = dict(ROW, citizen_id=f"P500-{i:05d}", **changes)
        row["offer"] = "" if i % 5 == 0 else row["offer"]
        rows.append(row)
    return rows


def _write(path, rows) -> None:
    pd.DataFrame(rows).to_csv(path, index=False)


def test_canonical_columns_and_dtypes(tmp_path) -> None:
    path = tmp_path / "c.csv"
    _write(path, _rows(10))
    cohort = read_cohort(path)
    frame = cohort.frame
    assert tuple(frame.columns[: len(COHORT_COLUMNS)]) == COHORT_COLUMNS
    assert list(frame.columns[len(COHORT_COLUMNS) :])[:3] == ["duration_days", "enrolled_on", "closed_on"]
    assert list(frame["active_job_seeker"].cat.categories) == list(ANSWER.codes)
    assert list(frame["offer"].cat.categories) == list(OFFER.codes)
    assert list(frame["outcome"].cat.categories) == list(OUTCOME.codes)
    assert frame["years_in_denmark"].dtype == "int64"
    assert frame["education_plan"].dtype == bool
    assert str(frame["duration_days"].dtype) == "Int64"
    assert pd.api.types.is_datetime64_any_dtype(frame["enrolled_on"])
    assert frame["geographically_mobile_closing"].isna().all()
    assert cohort.n_rows == 10 and cohort.n_with_offer == 8
    assert frame["offer"].isna().sum() == 2
    assert len(cohort.fingerprint) == 64 and cohort.source == str(path)
    assert cohort.to_dict()["outcome_counts"]["job"] == 10
    assert "n_rows=10" in repr(cohort)


def test_danish_labels_give_the_same_frame_as_codes(tmp_path) -> None:
    codes, danish = tmp_path / "codes.csv", tmp_path / "danish.csv"
    _write(codes, _rows(30))
    _write(danish, _rows(30, **DANISH))
    a, b = read_cohort(codes), read_cohort(danish)
    pd.testing.assert_frame_equal(a.frame, b.frame)
    assert a.fingerprint == b.fingerprint and a == b


def test_semicolon_files_and_frames_are_accepted(tmp_path) -> None:
    path = tmp_path / "semi.csv"
    pd.DataFrame(_rows(5)).to_csv(path, index=False, sep=";")
    assert read_cohort(path) == read_cohort(pd.DataFrame(_rows(5)))


def test_optional_intake_columns_may_be_absent() -> None:
    frame = pd.DataFrame(_rows(3)).drop(
        columns=["job_goal", "entrepreneurship_interest", "gender", "origin", "nationality", "duration_days"]
    )
    cohort = read_cohort(frame)
    assert tuple(cohort.frame.columns[: len(COHORT_COLUMNS)]) == COHORT_COLUMNS
    assert not cohort.frame["entrepreneurship_interest"].any()
    assert cohort.frame["gender"].isna().all() and cohort.frame["job_goal"].isna().all()
    assert "duration_days" not in cohort.frame


def test_bad_value_on_data_row_7312_names_file_line_7312(tmp_path) -> None:
    # "data row 7,312" here means the FILE LINE 7,312, counting the header as line 1:
    # it is the 7,311th data row, position 7,310 in the frame.
    rows = _rows(8000)
    rows[7310]["searches_broadly"] = "måske"
    path = tmp_path / "bad.csv"
    _write(path, rows)
    with pytest.raises(CohortError) as info:
        read_cohort(path)
    err = info.value
    assert (err.line, err.field, err.value) == (7312, "searches_broadly", "måske")
    assert "line 7312: searches_broadly" in str(err) and "'måske'" in str(err)
    assert err.n_bad_rows == 1
    lines = path.read_text(encoding="utf-8").splitlines()
    assert "måske" in lines[7312 - 1]


def test_every_kind_of_bad_value_is_reported_and_nothing_dropped() -> None:
    rows = _rows(8)
    rows[1]["years_in_denmark"] = "81"
    rows[2]["children_under_18"] = "2.5"
    rows[3]["citizen_id"] = "010190-1234"
    rows[4]["outcome"] = ""
    rows[5]["enrolled_on"] = "2015-13-01"
    rows[6]["citizen_id"] = rows[0]["citizen_id"]
    rows[7]["closed_on"] = "2015-01-01"
    with pytest.raises(CohortError) as info:
        read_cohort(pd.DataFrame(rows))
    err = info.value
    found = {(line, p.field) for line, p in err.problems}
    assert found == {
        (3, "years_in_denmark"),
        (4, "children_under_18"),
        (5, "citizen_id"),
        (6, "outcome"),
        (7, "enrolled_on"),
        (8, "citizen_id"),
        (9, "closed_on"),
    }
    assert err.n_bad_rows == 7
    assert "010190-1234" not in str(err)  # CPR-shaped ids are never echoed


def test_unknown_and_missing_columns(tmp_path) -> None:
    with pytest.raises(CohortError, match="wants_employmnt.*did you mean.*'wants_employment'"):
        read_cohort(pd.DataFrame(_rows(2)).rename(columns={"wants_employment": "wants_employmnt"}))
    with pytest.raises(CohortError, match="missing columns.*outcome"):
        read_cohort(pd.DataFrame(_rows(2)).drop(columns=["outcome"]))


@pytest.mark.parametrize("content", [None, "", "\n\n", "\x00\x01binary", "a,b\n1,2\n"])
def test_missing_empty_and_non_csv_files_are_cohort_errors(tmp_path, content) -> None:
    path = tmp_path / "x.csv"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(CohortError):
        read_cohort(path)
    with pytest.raises(RecommenderError):
        read_cohort(tmp_path)  # a directory


def test_blank_line_inside_data_is_refused_trailing_is_not(tmp_path) -> None:
    path = tmp_path / "b.csv"
    _write(path, _rows(3))
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\n\n", encoding="utf-8")
    assert read_cohort(path).n_rows == 3
    head, *rest = text.splitlines()
    path.write_text("\n".join([head, rest[0], "", *rest[1:]]) + "\n", encoding="utf-8")
    with pytest.raises(CohortError) as info:
        read_cohort(path)
    assert info.value.line == 3


def test_write_is_canonical_atomic_and_round_trips(tmp_path) -> None:
    danish = read_cohort(pd.DataFrame(_rows(20, **DANISH)))
    out = tmp_path / "out.csv"
    written = write_cohort(danish, out)
    assert isinstance(written, Cohort) and written.source == str(out)
    again = read_cohort(out)
    assert again == danish
    pd.testing.assert_frame_equal(again.frame, danish.frame)
    first = out.read_bytes()
    write_cohort(pd.DataFrame(_rows(20)), out)
    assert out.read_bytes() == first
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]  # no temp file left behind
    assert b"virksomhedspraktik" not in first and b"internship" in first


def test_all_intake_fields_are_in_the_frame() -> None:
    cohort = read_cohort(pd.DataFrame(_rows(2)))
    assert set(FIELDS) <= set(cohort.frame.columns)


def test_cpr_shaped_id_is_found_among_many_ids() -> None:
    rows = _rows(3000)
    rows[2500]["citizen_id"] = " 311299 1234 "
    rows[2600]["citizen_id"] = "x" * 70
    with pytest.raises(CohortError) as info:
        read_cohort(pd.DataFrame(rows))
    assert [(line, p.field) for line, p in info.value.problems] == [
        (2502, "citizen_id"),
        (2602, "citizen_id"),
    ]
    assert "311299" not in str(info.value)


def test_many_distinct_free_texts_are_kept_stripped() -> None:
    rows = _rows(2500)
    for i, row in enumerate(rows):
        row["job_goal"] = f" mål {i} " if i % 3 else ""
    frame = read_cohort(pd.DataFrame(rows)).frame
    assert frame.loc[1, "job_goal"] == "mål 1" and frame.loc[0, "job_goal"] is None


def test_dates_held_as_objects_in_a_frame_are_read_like_iso_text() -> None:
    from recommender.synth import generate_cohort

    frame = generate_cohort(50, seed=3).frame
    as_objects = frame.astype(object)
    assert read_cohort(as_objects).fingerprint == read_cohort(frame).fingerprint
