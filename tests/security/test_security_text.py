"""Issue 28, privacy (points 5 and 6): disguised CPR numbers and CPR numbers echoed back.

Point 6: the CPR check missed the combining grapheme joiner U+034F, the variation selectors
U+FE00–FE0F, the Hangul fillers U+3164 and U+FFA0, a number reversed by U+202E (stored, then shown as
010190-1234 by a browser) and comma or middle-dot separators. Every default-ignorable character is now
removed before the check, any separator may stand between the digits, and text holding a bidirectional
control is refused outright.

Point 5: :func:`recommender.text.redact` is the one function every outgoing message passes through;
:func:`recommender.errors.show_value` (every value a message shows) uses it, so a value refused for
another reason (too long, a control character) no longer shows the CPR number inside it.
"""

from __future__ import annotations

import re

import pytest

from recommender import Citizen, RecommenderError
from recommender.errors import show_value
from recommender.text import CPR_SHOWN, has_cpr, normalise, redact
from tests._rules_support import STANDARD

CPR = "010190-1234"

# The disguises the third attack found (each missed by the check before issue 28), and relatives.
DISGUISES = {
    "combining_grapheme_joiner": lambda s: s[:4] + "\u034f" + s[4:],
    **{f"variation_selector_{i:x}": lambda s, i=i: s[:2] + chr(0xFE00 + i) + s[2:] for i in (0, 7, 15)},
    "hangul_filler": lambda s: s[:6] + "\u3164" + s[6:],
    "halfwidth_hangul_filler": lambda s: s + "\uffa0",
    "mongolian_selector": lambda s: s[:3] + "\u180b" + s[3:],
    "comma": lambda s: s.replace("-", ","),
    "middle_dot": lambda s: s.replace("-", "\u00b7"),
    "dots_everywhere": lambda s: "01.01.90.12.34",
    "spaced_pairs": lambda s: "01 01 90 12 34",
    "spaced_dash": lambda s: s.replace("-", " - "),
    "after_a_number": lambda s: "børn: 2, " + s,
}
REVERSED = "\u202e" + "4321-091010"  # shown as 010190-1234 by a browser


def _digits_leak(text: str) -> bool:
    """Whether a message shows the CPR number in any spelling (its ten digits after normalising)."""
    return "0101901234" in re.sub(r"\D", "", normalise(text)) or "4321091010" in re.sub(r"\D", "", text)


@pytest.mark.parametrize("name", sorted(DISGUISES))
def test_every_new_disguise_is_found_refused_in_every_free_text_field_and_never_echoed(name) -> None:
    cpr = DISGUISES[name](CPR)
    assert has_cpr(cpr)
    for field in ("citizen_id", "job_goal", "nationality", "municipality"):
        with pytest.raises(RecommenderError) as err:
            Citizen.from_dict({**STANDARD, field: cpr})
        assert field in str(err.value) and "CPR" in str(err.value)
        assert not _digits_leak(str(err.value))
        assert redact(f"got {cpr!s} here") == f"got {CPR_SHOWN} here" or not _digits_leak(
            redact(f"got {cpr!s} here")
        )


@pytest.mark.parametrize(
    "text", [REVERSED, "Lager\u202emedarbejder", "a\u2066b\u2069", "x\u200fy", "\u061cx", "kok\u202a"]
)
def test_text_with_a_bidirectional_control_is_refused_outright(text) -> None:
    for field in ("job_goal", "nationality"):
        with pytest.raises(RecommenderError) as err:
            Citizen.from_dict({**STANDARD, field: text})
        assert field in str(err.value)
        assert not _digits_leak(str(err.value))
    assert has_cpr(REVERSED)


@pytest.mark.parametrize(
    "text",
    [
        "P500-0001",
        "2026-01-01",
        "ring +45 20 12 34 56",
        "01.01.1990",
        "12345678901",
        "Lyngby-Taarbæk",
        "kok 😀\ufe0f",
        "3 børn, 12 år",
    ],
)
def test_ordinary_text_is_not_taken_for_a_cpr_number(text) -> None:
    assert not has_cpr(text)
    assert redact(text) == text


@pytest.mark.parametrize("value", ["\x01" + CPR, CPR + "x" * 300, "0101\u034f90,1234\x1b[2J"])
def test_a_value_refused_for_another_reason_does_not_show_the_cpr_number_inside_it(value) -> None:
    for field in ("job_goal", "citizen_id"):
        with pytest.raises(RecommenderError) as err:
            Citizen.from_dict({**STANDARD, field: value})
        assert not _digits_leak(str(err.value)), str(err.value)
    assert not _digits_leak(show_value(value))


@pytest.mark.parametrize("name", sorted(DISGUISES))
def test_redact_keeps_the_rest_of_the_message_exactly(name) -> None:
    message = f"comment: forventede/expected text; fik/got {DISGUISES[name](CPR)!r}; P500-7 ok"
    shown = redact(message)
    assert not _digits_leak(shown)
    assert shown.startswith("comment: forventede/expected text; fik/got ") and shown.endswith("; P500-7 ok")
    assert CPR_SHOWN in shown
