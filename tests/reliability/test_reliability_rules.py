"""Random mutations of ``rules.yaml`` (issue 7): each gives RulesError or loads fine, never another
exception; a mutated ruleset that loads also evaluates citizens without crashing.

The mutations are seeded, so a failure names a reproducible case: delete, duplicate or swap lines,
change indentation, replace a value with a boolean, list, mapping, number, null or a huge string,
misspell or swap a token, and insert YAML syntax (anchors, tags, quotes) anywhere.
"""

from __future__ import annotations

import random
import re
from importlib.resources import files

import pytest
from test_recommend import random_record

from recommender import RecommenderError
from recommender.errors import RulesError
from recommender.typology import RuleSet, _build

TEXT = files("recommender").joinpath("rules.yaml").read_text(encoding="utf-8")
LINES = TEXT.splitlines(keepends=True)
TOKEN = re.compile(r"[A-Za-zæøåÆØÅ_][\wæøåÆØÅ\-]*|\d+(?:\.\d+)?")
VALUE = re.compile(r"^(\s*(?:- )?[\w]+:)\s*(\S.*)?$")
REPLACEMENTS = (
    "true",
    "false",
    "yes",
    "no",
    "on",
    "null",
    "~",
    "''",
    "[]",
    "{}",
    "[1, 2]",
    "{a: 1}",
    "[ja, [nej]]",
    "0",
    "-1",
    "3",
    "0.5",
    "1e308",
    "-.inf",
    ".nan",
    "2026-01-01",
    "x" * 20_000,
    "'" + "y" * 5000 + "'",
    "!!python/object/apply:os.system ['echo pwned']",
    "!!binary aGVq",
    "&anchor x",
    "*anchor",
    "*undefined",
    "'",
    '"',
    "- ",
    ": ",
    "? key",
    "|",
    ">-",
    "%YAML 1.2",
    "---",
    "...",
    "\t",
    "#",
)
N_MUTATIONS = 360


def _mutate(rng: random.Random) -> tuple[str, bytes]:
    lines = list(LINES)
    i = rng.randrange(len(lines))
    kind = rng.choice(
        ["delete", "duplicate", "swap", "indent", "value", "misspell", "token", "insert", "key"]
    )
    if kind == "delete":
        del lines[i]
    elif kind == "duplicate":
        lines.insert(i, lines[i])
    elif kind == "swap":
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "indent":
        shift = rng.choice([-4, -2, -1, 1, 2, 3, 4])
        if shift > 0:
            lines[i] = " " * shift + lines[i]
        else:
            lines[i] = re.sub(r"^ {1,%d}" % -shift, "", lines[i])
    elif kind in ("value", "key"):
        candidates = [k for k, line in enumerate(lines) if VALUE.match(line.rstrip("\n"))]
        i = rng.choice(candidates)
        head, _ = VALUE.match(lines[i].rstrip("\n")).groups()  # type: ignore[union-attr]
        if kind == "value":
            lines[i] = f"{head} {rng.choice(REPLACEMENTS)}\n"
        else:  # misspell the key
            key = head.rstrip(":")
            cut = rng.randrange(len(key.strip(" -")))
            stem = key.strip(" -")
            lines[i] = lines[i].replace(stem + ":", stem[:cut] + stem[cut + 1 :] + ":", 1)
    elif kind in ("misspell", "token"):
        tokens = list(TOKEN.finditer(lines[i]))
        if tokens:
            m = rng.choice(tokens)
            word = m.group()
            if kind == "misspell":
                cut = rng.randrange(len(word))
                new = word[:cut] + word[cut + 1 :] if len(word) > 1 else word + "x"
            else:
                other = list(TOKEN.finditer(rng.choice(LINES))) or [m]
                new = rng.choice(other).group()
            lines[i] = lines[i][: m.start()] + new + lines[i][m.end() :]
    else:
        text = "".join(lines)
        at = rng.randrange(len(text))
        return kind, (text[:at] + rng.choice(REPLACEMENTS) + text[at:]).encode("utf-8")
    return kind, "".join(lines).encode("utf-8")


@pytest.fixture(scope="module")
def citizens():
    rng = random.Random(4)
    return [random_record(rng, i) for i in range(6)]


@pytest.mark.slow  # the inner loop's budget; CI runs it
def test_random_mutations_load_or_raise_rules_error(citizens) -> None:
    rng = random.Random(2026)
    tally = {"refused": 0, "loaded": 0, "gap": 0}
    for n in range(N_MUTATIONS):
        kind, data = _mutate(rng)
        try:
            rules = _build(data, "rules.yaml")
        except RulesError as exc:
            tally["refused"] += 1
            message = str(exc)
            assert "rules.yaml" in message, (n, kind, message)
            assert len(message) < 2000, (n, kind, "a huge value was echoed in full")
            continue
        except Exception as exc:  # noqa: BLE001 - the point of the test
            pytest.fail(f"mutation {n} ({kind}) raised {type(exc).__name__}: {exc}")
        tally["loaded"] += 1
        assert isinstance(rules, RuleSet)
        for record in citizens:
            try:
                result = rules.evaluate(record)
            except RecommenderError:  # a gap the checker would report: still a RulesError
                tally["gap"] += 1
                continue
            assert result.typology.code in ("flexible", "ambitious", "unrealistic", "uncertain", "no_goal")
    # The mutations must exercise both sides, or the test proves nothing.
    assert tally["refused"] > N_MUTATIONS // 4 and tally["loaded"] > N_MUTATIONS // 10, tally


@pytest.mark.parametrize(
    "section, value",
    [
        ("version", "[1, 2]"),
        ("version", "2026"),
        ("version", "{a: 1}"),
        ("tie_margin", "-0.1"),
        ("tie_margin", ".nan"),
        ("tie_margin", "ja"),
        ("tie_margin", "'0.02'"),
        ("tie_margin", "1e999"),
        ("outcome_weights", "[1, 2]"),
        ("outcome_weights", "7"),
        ("preferred_order", "true"),
        ("criteria", "{}"),
        ("criteria", "null"),
        ("typology_rules", "'tekst'"),
        ("guards", "3"),
        ("typology_notes", "[]"),
        ("cross_cutting_notes", "x"),
    ],
)
def test_each_section_replaced_by_a_wrong_type_is_refused(section, value) -> None:
    """Every top-level section given a value of the wrong type: a RulesError naming the section."""
    pattern = re.compile(rf"^{section}:.*?(?=^\S|\Z)", re.M | re.S)
    mutated = pattern.sub(f"{section}: {value}\n\n", TEXT, count=1)
    assert mutated != TEXT
    with pytest.raises(RulesError) as info:
        _build(mutated.encode("utf-8"), "rules.yaml")
    assert "rules.yaml" in str(info.value)


@pytest.mark.parametrize("weight", [".nan", ".inf", "ja", "[1]", "'1.0'", "null", "1e400"])
def test_a_bad_outcome_weight_is_refused(weight) -> None:
    mutated = re.sub(r"^(\s+job:)\s*\S+", rf"\1 {weight}", TEXT, count=1, flags=re.M)
    assert mutated != TEXT
    with pytest.raises(RulesError, match="job"):
        _build(mutated.encode("utf-8"), "rules.yaml")
