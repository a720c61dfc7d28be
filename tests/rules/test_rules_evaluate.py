"""Evaluating the rules (spec §4–6): one citizen and a whole table agree with the spec tables and each
other."""

from __future__ import annotations

import itertools
import json
import random
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest
from _rules_support import (
    RULE_6,
    STANDARD,
    random_record,
    spec_guards,
    spec_labour_force,
    spec_notes,
    spec_typology,
    write_rules,
)

from recommender import Citizen, RecommenderError
from recommender.errors import RulesError
from recommender.rules.conditions import Context, compile_condition
from recommender.typology import GuardResult, RuleResult, load_rules
from recommender.vocab import FIELDS, OFFER

N = 5000
RULES = load_rules()


@pytest.fixture(scope="module")
def sample() -> list[tuple[dict[str, object], dict[str, object]]]:
    rng = random.Random(20260101)
    return [random_record(rng, i) for i in range(N)]


def test_random_records_agree_with_the_spec_tables(sample) -> None:
    seen_rules = set()
    for given, codes in sample:
        result = RULES.evaluate(Citizen.from_dict(given))
        typology, number = spec_typology(codes)
        seen_rules.add(number)
        assert result.typology.code == typology, codes
        assert result.typology.rule == RULES.typology_rules[number - 1].name, codes
        active, met = spec_labour_force(codes)
        assert result.labour_force.active == active
        assert {name: r.met for name, r in result.labour_force.criteria.items()} == met
        assert {name: r.value for name, r in result.labour_force.criteria.items()} == {
            name: codes[name] for name in met
        }
        assert {o: (g.level if g else None) for o, g in result.guards.items()} == spec_guards(codes)
        assert [n.name for n in result.notes] == spec_notes(codes)
    assert seen_rules == {1, 2, 3, 4, 5, 6}


def test_every_combination_agrees_with_the_spec_tables() -> None:
    # All 94,500 combinations of the fields the typology rules read, through the vectorised path.
    names = sorted(RULES.fields_read | {"can_start_within_14_days"})
    options = [FIELDS[n].scale.codes if FIELDS[n].scale else (False, True) for n in names]
    rows = [dict(zip(names, combo, strict=True)) for combo in itertools.product(*options)]
    frame = pd.DataFrame(rows).astype({n: object for n in names if FIELDS[n].kind == "code"})
    frame = frame.assign(**{n: STANDARD[n] for n in RULES.frame_fields - set(names) if n in STANDARD})
    out = RULES.evaluate_frame(frame)
    expected = [spec_typology(r)[0] for r in rows]
    assert out["typology"].tolist() == expected
    assert out["wage_subsidy_guard"].tolist() == [spec_guards(r)["wage_subsidy"] for r in rows]
    assert out["internship_guard"].tolist() == [spec_guards(r)["internship"] for r in rows]


def _frame(records: list[dict[str, object]]) -> pd.DataFrame:
    return pd.DataFrame([Citizen.from_dict(r).to_dict() for r in records])


def test_the_table_path_agrees_with_the_one_citizen_path(sample) -> None:
    frame = _frame([given for given, _ in sample])
    frame.index = frame.index * 3 + 7  # any index is kept
    out = RULES.evaluate_frame(frame)
    assert list(out.index) == list(frame.index)
    expected_columns = [
        "typology",
        "rule",
        "labour_force_active",
        *[f"{c.name}_met" for c in RULES.criteria],
        *[f"{o}_guard" for o in OFFER.codes],
    ]
    assert list(out.columns) == expected_columns
    for (given, _), (_, row) in zip(sample, out.iterrows(), strict=True):
        result = RULES.evaluate(Citizen.from_dict(given))
        assert row["typology"] == result.typology.code and row["rule"] == result.typology.rule
        assert row["labour_force_active"] == result.labour_force.active
        for name, criterion in result.labour_force.criteria.items():
            assert row[f"{name}_met"] == criterion.met
        for offer, guard in result.guards.items():
            assert row[f"{offer}_guard"] == (guard.level if guard else None)
    assert out["wage_subsidy_guard"].dtype == object
    assert out["clarification_guard"].isna().all() and out["counselling_guard"].isna().all()


def _random_condition(rng: random.Random, depth: int = 0) -> dict:
    if depth < 3 and rng.random() < 0.45:
        word = rng.choice(("all", "any", "not"))
        if word == "not":
            return {"not": _random_condition(rng, depth + 1)}
        return {word: [_random_condition(rng, depth + 1) for _ in range(rng.randint(1, 3))]}
    name = rng.choice([n for n, s in FIELDS.items() if s.kind != "str" and not s.protected])
    spec = FIELDS[name]
    if spec.kind == "int":
        op = rng.choice(("equals", "in", "at_least", "at_most"))
        pick = lambda: rng.randint(spec.low, min(spec.high, 12))  # noqa: E731
    elif spec.kind == "bool":
        op, pick = rng.choice(("equals", "in")), lambda: rng.choice((True, False, "ja", "nej"))
    else:
        op = rng.choice(("equals", "in"))
        pick = lambda: rng.choice([w for i in spec.scale.items for w in (i.code, i.da)])  # noqa: E731
    return {"field": name, op: [pick() for _ in range(rng.randint(1, 3))] if op == "in" else pick()}


def test_scalar_and_vectorised_conditions_agree_on_random_records(sample) -> None:
    rng = random.Random(7)
    codes = [c for _, c in sample[:1000]]
    frame = _frame(codes)
    conditions = [compile_condition(_random_condition(rng), Context()) for _ in range(300)]
    conditions += [r.condition for r in RULES.typology_rules] + [g.condition for g in RULES.guards]
    conditions += [c.condition for c in RULES.criteria] + [n.condition for n in RULES.notes]
    mixed = 0
    for condition in conditions:
        scalar = np.array([condition.test(r) for r in codes])
        assert np.array_equal(condition.mask(frame), scalar), condition.describe()
        mixed += 0 < scalar.sum() < len(codes)
    assert mixed > len(conditions) // 2  # most conditions split the records, so agreement means something


def test_to_dict_has_the_contract_shape_and_is_json() -> None:
    citizen = Citizen.from_dict(
        dict(STANDARD, wants_employment="nej", can_start_within_14_days="nej", entrepreneurship_interest=True)
    )
    data = RULES.evaluate(citizen).to_dict()
    json.dumps(data)
    typology = data["typology"]
    assert {"code", "label_da", "label_en", "rule", "conditions"} <= set(typology)
    assert (typology["code"], typology["label_da"], typology["rule"]) == (
        "no_goal",
        "Intet jobmål",
        "no_wish_for_work",
    )
    assert typology["conditions"] == [
        {"field": "wants_employment", "operator": "equals", "expected": "no", "value": "no", "met": True}
    ]
    assert len(typology["notes"]) == 3 and all({"da", "en"} <= set(n) for n in typology["notes"])
    assert data["labour_force"]["active"] is False
    assert data["labour_force"]["criteria"]["wants_employment"] == {"value": "no", "met": False}
    assert set(data["guards"]) == set(OFFER.codes)
    assert data["guards"]["clarification"] is None and data["guards"]["counselling"] is None
    assert data["guards"]["wage_subsidy"]["level"] == "block"
    assert set(data["guards"]["wage_subsidy"]["reason"]) == {"da", "en"}
    assert [n["name"] for n in data["notes"]] == ["entrepreneurship"]


def test_block_wins_over_caution_and_every_reason_is_kept() -> None:
    citizen = Citizen.from_dict(dict(STANDARD, wants_employment="nej", can_start_within_14_days="nej"))
    guard = RULES.evaluate(citizen).guards["internship"]
    assert isinstance(guard, GuardResult)
    assert guard.level == "block"
    assert [h.guard for h in guard.hits] == [
        "internship_needs_wish_for_work",
        "internship_not_ready_to_start",
    ]
    assert [h.level for h in guard.hits] == ["block", "caution"]
    assert "ikke ønsker at komme i arbejde" in guard.reason_da and "14 dage" in guard.reason_da
    assert "does not want employment" in guard.reason_en and "14 days" in guard.reason_en
    frame = RULES.evaluate_frame(_frame([citizen.to_dict()]))
    assert frame["internship_guard"].iloc[0] == "block"


EARLY_CAUTION = """  - name: early_caution
    offer: wage_subsidy
    level: caution
    when: {field: children_under_18, at_least: 3}
    reason_da: Mange børn.
    reason_en: Many children.
"""


def test_a_caution_listed_before_a_block_still_loses(tmp_path) -> None:
    rules = load_rules(write_rules(tmp_path, ("guards:\n", "guards:\n" + EARLY_CAUTION)))
    worried = Citizen.from_dict(dict(STANDARD, children_under_18=4, wants_employment="delvist"))
    guard = rules.evaluate(worried).guards["wage_subsidy"]
    assert guard.level == "block" and [h.guard for h in guard.hits] == [
        "wage_subsidy_needs_readiness",
        "early_caution",
    ]
    assert (
        rules.evaluate(Citizen.from_dict(dict(STANDARD, children_under_18=4))).guards["wage_subsidy"].level
        == "caution"
    )
    frame = rules.evaluate_frame(_frame([worried.to_dict(), dict(STANDARD, children_under_18=4), STANDARD]))
    assert frame["wage_subsidy_guard"].tolist() == ["block", "caution", None]


def test_reprs_are_readable() -> None:
    result = RULES.evaluate(Citizen.from_dict(STANDARD))
    assert isinstance(result, RuleResult)
    text = repr(result)
    assert "typology='flexible'" in text and "open_to_realistic_jobs" in text
    assert "labour_force_active=False" in text
    assert "4/5 criteria met" in repr(result.labour_force)
    assert "Fleksibelt jobmål" in repr(result.typology)
    assert "version='2026.1+" in repr(RULES)


def test_evaluate_accepts_a_mapping_and_validates_it() -> None:
    assert RULES.evaluate(STANDARD).typology.code == "flexible"
    with pytest.raises(RecommenderError, match="job_goal_level"):
        RULES.evaluate(dict(STANDARD, job_goal_level="skiled"))


def test_evaluation_is_thread_safe(sample) -> None:
    citizens = [Citizen.from_dict(g) for g, _ in sample[:600]]
    sequential = [RULES.evaluate(c).to_dict() for c in citizens]
    with ThreadPoolExecutor(8) as pool:
        parallel = list(pool.map(lambda c: RULES.evaluate(c).to_dict(), citizens))
    assert parallel == sequential


def test_a_record_that_no_rule_covers_is_an_error_not_a_guess(tmp_path) -> None:
    gappy = load_rules(write_rules(tmp_path, (RULE_6, "")))
    with pytest.raises(RulesError, match="rules check"):
        gappy.evaluate(STANDARD)
    with pytest.raises(RulesError, match=r"1 of 2 rows, e.g. citizen 'P500-0001'"):
        gappy.evaluate_frame(_frame([STANDARD, dict(STANDARD, citizen_id="X", wants_employment="nej")]))


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda f: f.drop(columns=["job_goal_level", "danish_course"]), ["danish_course, job_goal_level"]),
        (lambda f: f.assign(wants_employment="ja"), ["'wants_employment'", "'ja'", "codes"]),
        (lambda f: f.assign(education_plan="nej"), ["'education_plan'", "'nej'"]),
        (lambda f: f.assign(job_goal_level=None), ["'job_goal_level'", "None"]),
    ],
)
def test_a_table_with_missing_or_unnormalised_columns_is_refused(change, words) -> None:
    frame = change(_frame([STANDARD, dict(STANDARD, citizen_id="P2")]))
    with pytest.raises(RecommenderError) as info:
        RULES.evaluate_frame(frame)
    for word in words:
        assert word in str(info.value)


def test_int_columns_are_checked_when_the_rules_read_them(tmp_path) -> None:
    rules = load_rules(write_rules(tmp_path, ("guards:\n", "guards:\n" + EARLY_CAUTION)))
    frame = _frame([STANDARD, dict(STANDARD, citizen_id="P2", children_under_18=3)])
    assert rules.evaluate_frame(frame)["wage_subsidy_guard"].tolist() == [None, "caution"]
    with pytest.raises(RecommenderError, match="children_under_18"):
        rules.evaluate_frame(frame.assign(children_under_18=[1, 99]))
    with pytest.raises(RecommenderError, match="whole numbers"):
        rules.evaluate_frame(frame.assign(children_under_18=["1", "2"]))
