"""Issue 16, privacy: one text normalisation wherever input enters (values and keys, JSON, cohort files).

The class under test: a CPR number (or any other check on text) must not be dodged by another spelling
of the same characters (dashes, digits of other scripts, invisible characters, other separators,
full-width forms), and look-alike spellings of one id are one citizen. Every spelling is tried through
every door: ``Citizen.from_dict`` values and keys, citizen JSON text, cohort cells (slow and fast path)
and cohort column names.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recommender import Citizen, RecommenderError
from recommender.cohort import read_cohort
from recommender.recommending.citizen_json import parse_citizen_json
from recommender.text import has_cpr, normalise, printable, show_key
from tests._rules_support import STANDARD

CPR = "010190-1234"
_ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")
_FULLWIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")

# Each way a word processor, a spreadsheet or a careless paste spells the same CPR number.
DISGUISES = {
    "en_dash": lambda s: s.replace("-", "\u2013"),
    "em_dash": lambda s: s.replace("-", "\u2014"),
    "non_breaking_hyphen": lambda s: s.replace("-", "\u2011"),
    "minus_sign": lambda s: s.replace("-", "\u2212"),
    "no_separator": lambda s: s.replace("-", ""),
    "space": lambda s: s.replace("-", " "),
    "no_break_space": lambda s: s.replace("-", "\u00a0"),
    "dot": lambda s: s.replace("-", "."),
    "slash": lambda s: s.replace("-", "/"),
    "arabic_digits": lambda s: s.translate(_ARABIC),
    "devanagari_digits": lambda s: s.translate(_DEVANAGARI),
    "fullwidth": lambda s: s.translate(_FULLWIDTH),
    "zero_width_space_inside": lambda s: s[:3] + "\u200b" + s[3:],
    "soft_hyphen_inside": lambda s: s[:2] + "\u00ad" + s[2:],
    "word_joiner_and_bom": lambda s: "\ufeff" + s[:5] + "\u2060" + s[5:],
    "rtl_mark": lambda s: "\u200f" + s,
    "prefixed_text": lambda s: "borger " + s,
}


def _digits_leak(text: str) -> bool:
    """Whether a message shows the CPR number in any spelling (6+ digits in a row after normalising)."""
    return re.search(r"\d{6}", normalise(text).replace("-", "")) is not None


@pytest.mark.parametrize("name", sorted(DISGUISES))
def test_every_spelling_of_a_cpr_number_is_refused_as_a_value_and_never_echoed(name) -> None:
    cpr = DISGUISES[name](CPR)
    assert has_cpr(cpr)
    for field in ("citizen_id", "job_goal", "nationality", "municipality"):
        with pytest.raises(RecommenderError) as err:
            Citizen.from_dict({**STANDARD, field: cpr})
        assert field in str(err.value) and "CPR" in str(err.value)
        assert not _digits_leak(str(err.value))


@pytest.mark.parametrize("name", sorted(DISGUISES))
def test_every_spelling_of_a_cpr_number_as_a_key_is_hidden(name) -> None:
    cpr = DISGUISES[name](CPR)
    for door in ("mapping", "json"):
        with pytest.raises(RecommenderError) as err:
            if door == "mapping":
                Citizen.from_dict({**STANDARD, cpr: "x"})
            else:
                parse_citizen_json(json.dumps({**STANDARD, cpr: "x"}, ensure_ascii=False))
        assert "CPR" in str(err.value) and not _digits_leak(str(err.value))


@pytest.mark.parametrize("name", sorted(DISGUISES))
def test_every_spelling_of_a_cpr_number_is_refused_in_a_cohort_cell_and_column(name) -> None:
    cpr = DISGUISES[name](CPR)
    row = {**STANDARD, "offer": "internship", "outcome": "job"}
    # slow path (few ids) and fast path (more than 1,000 distinct ids)
    for n in (3, 1200):
        frame = pd.DataFrame([{**row, "citizen_id": f"Q{i}"} for i in range(n)])
        frame.loc[n - 1, "citizen_id"] = cpr
        with pytest.raises(RecommenderError) as err:
            read_cohort(frame)
        assert f"line {n + 1}" in str(err.value) and not _digits_leak(str(err.value))
    with pytest.raises(RecommenderError) as err:
        read_cohort(pd.DataFrame([{**row, cpr: "x"}]))
    assert "CPR" in str(err.value) and not _digits_leak(str(err.value))


@given(
    st.sampled_from(sorted(DISGUISES)),
    st.sampled_from(sorted(DISGUISES)),
    st.dates().map(lambda d: d.strftime("%d%m%y")),
    st.integers(0, 9999),
)
@settings(max_examples=150, deadline=None)
def test_any_two_disguises_of_any_cpr_number_are_still_found(first, second, birth, serial) -> None:
    cpr = DISGUISES[second](DISGUISES[first](f"{birth}-{serial:04d}"))
    assert has_cpr(cpr)
    with pytest.raises(RecommenderError) as err:
        Citizen.from_dict({**STANDARD, "citizen_id": cpr})
    assert not _digits_leak(str(err.value))


LOOK_ALIKES = [
    ("P500-0001", "P500\u20110001"),  # non-breaking hyphen
    ("P500-0001", "P500\u20130001"),  # en dash
    ("P500-0001", "P500-0001\u200b"),  # zero-width space
    ("P500-0001", "Ｐ５００-０００１"),  # full width
    ("Frederiksberg-7", "Frederiksberg\u00ad-7"),  # soft hyphen
]


@pytest.mark.parametrize("plain,look_alike", LOOK_ALIKES)
def test_look_alike_ids_are_one_citizen(plain, look_alike) -> None:
    assert Citizen.from_dict({**STANDARD, "citizen_id": look_alike}).citizen_id == plain
    row = {**STANDARD, "offer": "internship", "outcome": "job"}
    for n in (2, 1200):  # slow and fast path of the cohort reader
        frame = pd.DataFrame([{**row, "citizen_id": f"Q{i}"} for i in range(n)])
        frame.loc[0, "citizen_id"], frame.loc[n - 1, "citizen_id"] = plain, look_alike
        with pytest.raises(RecommenderError, match="unique id"):
            read_cohort(frame)


def test_look_alike_keys_are_one_field() -> None:
    for key in ("citizen\u200b_id", "ｃｉｔｉｚｅｎ_id", "citizen\u00ad_id"):
        with pytest.raises(RecommenderError, match="each field once"):
            Citizen.from_dict({**STANDARD, key: "P-2"})
        assert (
            Citizen.from_dict(
                {**{k: v for k, v in STANDARD.items() if k != "citizen_id"}, key: "P-2"}
            ).citizen_id
            == "P-2"
        )
    frame = pd.DataFrame([{**STANDARD, "offer": "internship", "outcome": "job"}])
    frame = frame.rename(columns={"wants_employment": "wants\u2060_employment"})
    assert read_cohort(frame).frame.loc[0, "wants_employment"] == "yes"


def test_codes_and_numbers_in_other_spellings_are_read_as_the_same_value() -> None:
    c = Citizen.from_dict(
        {**STANDARD, "years_in_denmark": "٤", "wants_employment": "ｙｅｓ", "danish_course": "du\u200b2"}
    )
    assert (c.years_in_denmark, c.wants_employment, c.danish_course) == (4, "yes", "du2")


@pytest.mark.parametrize("key", ["\x1b[2J\x1b]0;owned\x07", "a\u202eevil", "x" * 2_000_000])
def test_keys_that_are_not_ours_are_shown_escaped_and_short(key) -> None:
    with pytest.raises(RecommenderError) as err:
        Citizen.from_dict({**STANDARD, key: 1})
    message = str(err.value)
    assert "\x1b" not in message and "\u202e" not in message and len(message) < 500
    assert printable(show_key(key)) == show_key(key)


ESCAPES = ["\x1b[2J", "\x1b]0;owned\x07", "\x9b31m", "\x1bP+q\x1b\\", "\u202e"]


@pytest.mark.parametrize("escape", ESCAPES)
def test_terminal_escapes_in_keys_values_rules_and_paths_never_reach_the_terminal(
    escape, tmp_path, capsys
) -> None:
    from pathlib import Path

    from recommender.cli import main
    from recommender.errors import RulesError
    from recommender.typology import load_rules

    record = {**STANDARD, f"key{escape}": 1, "job_goal": f"goal{escape}"}
    path = tmp_path / "c.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    odd = tmp_path / f"odd{escape}.json"
    odd.write_text("{", encoding="utf-8")
    rules_text = (Path(__file__).resolve().parents[2] / "recommender" / "rules.yaml").read_text(
        encoding="utf-8"
    )
    rules = tmp_path / "r.yaml"
    for argv in (["recommend", str(path)], ["recommend", str(odd)], ["recommend", str(tmp_path / escape)]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        visible = escape.replace("\u202e", "")
        assert (not visible or visible not in err) and "\u202e" not in err, (argv, err)
        assert err.count("\n") == 1
    # rules text is shown to advisers: control characters in it are refused (a YAML "\e" escape here)
    line = "    description_da: Borgeren ønsker ikke at komme i arbejde."
    assert line in rules_text
    rules.write_text(
        rules_text.replace(line, f"    description_da: {json.dumps('Borgeren' + escape)}"), encoding="utf-8"
    )
    # a bidirectional override is refused too (issue 28: it reverses text on screen), not removed
    with pytest.raises(RulesError, match="control characters"):
        load_rules(rules)
