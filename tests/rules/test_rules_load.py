"""Loading rules.yaml (spec §9): the default loads once; every kind of mistake names the line and a fix."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from _rules_support import DEFAULT_RULES, RULE_6, line_of, write_rules

from recommender import RecommenderError
from recommender import typology as typology_module
from recommender.errors import RulesError
from recommender.typology import RuleSet, load_rules
from recommender.vocab import CRITERIA, OFFER, TYPOLOGY


def test_default_rules_hold_the_spec_tables() -> None:
    rules = load_rules()
    assert isinstance(rules, RuleSet)
    assert re.fullmatch(r"2026\.1\+[0-9a-f]{8}", rules.version)
    assert [r.name for r in rules.typology_rules] == [
        "no_wish_for_work",
        "no_concrete_goal",
        "education_gap",
        "language_gap",
        "own_level_narrow_search",
        "open_to_realistic_jobs",
    ]
    assert [r.typology for r in rules.typology_rules] == [
        "no_goal",
        "uncertain",
        "unrealistic",
        "unrealistic",
        "ambitious",
        "flexible",
    ]
    assert tuple(c.name for c in rules.criteria) == CRITERIA
    assert dict(rules.outcome_weights) == {"job": 1.0, "education": 0.8, "active": 0.4, "other": 0.0}
    assert rules.tie_margin == 0.02
    assert rules.preferred_order["no_goal"] == ("counselling", "clarification", "internship", "wage_subsidy")
    assert set(rules.preferred_order) == set(TYPOLOGY.codes)
    assert all(sorted(order) == sorted(OFFER.codes) for order in rules.preferred_order.values())
    assert {(g.offer, g.level) for g in rules.guards} == {
        ("wage_subsidy", "block"),
        ("internship", "block"),
        ("internship", "caution"),
    }
    assert [n.name for n in rules.notes] == ["entrepreneurship", "network", "family", "health_social"]
    # issue 26: the target group, and the no-offer-fits threshold with its note
    assert [(t.name, t.verdict) for t in rules.target_group] == [
        ("integration_programme", "outside_target_group"),
        ("already_active", "already_active"),
    ]
    assert rules.no_offer_fits is not None and rules.no_offer_fits.note == "health_social"
    assert all(g.passage for g in rules.guards if "health" in g.name)
    assert all(len(rules.typology_notes[t]) >= 1 for t in TYPOLOGY.codes)
    assert rules.fields_read == {
        "wants_employment",
        "job_goal_level",
        "education_home",
        "education_dk",
        "education_plan",
        "language_sufficient",
        "danish_course",
        "searches_broadly",
    }
    # Danish labels in the YAML are stored as codes.
    assert rules.typology_rules[1].condition.describe() == "job_goal_level in [none, unclear]"


def test_the_ruleset_is_frozen() -> None:
    rules = load_rules()
    with pytest.raises(AttributeError):
        rules.tie_margin = 0.5  # type: ignore[misc]
    with pytest.raises(TypeError):
        rules.outcome_weights["job"] = 2.0  # type: ignore[index]


def test_default_is_loaded_once_even_from_many_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    from recommender import process_cache

    process_cache.reset()  # forget the loaded rules (and the rest of the process's caches)
    calls = []
    real_build = typology_module._build

    def counting_build(data: bytes, path: str) -> RuleSet:
        calls.append(threading.get_ident())
        return real_build(data, path)

    monkeypatch.setattr(typology_module, "_build", counting_build)
    with ThreadPoolExecutor(8) as pool:
        loaded = list(pool.map(lambda _: load_rules(), range(32)))
    assert len(calls) == 1
    assert all(r is loaded[0] for r in loaded)


def test_an_explicit_path_gives_the_same_version(tmp_path) -> None:
    assert load_rules(DEFAULT_RULES).version == load_rules().version
    edited = write_rules(tmp_path, ("tie_margin: 0.02", "tie_margin: 0.03"))
    other = load_rules(edited)
    assert other.tie_margin == 0.03
    assert other.version.split("+")[0] == "2026.1" and other.version != load_rules().version
    assert other.path == str(edited)


# (old text, new text, words the message must contain, the line the message must name: its text
#  without comment, or (text, n) for the n-th such line)
MISTAKES = [
    pytest.param(
        "field: wants_employment\n      equals: nej",
        "field: wants_employmnt\n      equals: nej",
        ["unknown field", "'wants_employmnt'", "did you mean 'wants_employment'", "rule 'no_wish_for_work'"],
        "field: wants_employmnt",
        id="misspelt-field",
    ),
    pytest.param(
        "equals: videregående",
        "equals: skiled",
        ["'skiled'", "did you mean 'skilled'", "rule 'education_gap'"],
        "equals: skiled",
        id="misspelt-code",
    ),
    pytest.param(
        "in: [faglært, videregående]\n        - field: searches_broadly",
        "in: [faglært, skiled]\n        - field: searches_broadly",
        ["'skiled'", "did you mean 'skilled'", "rule 'own_level_narrow_search'"],
        "in: [faglært, skiled]",
        id="misspelt-code-in-list",
    ),
    pytest.param(
        "field: wants_employment\n      equals: nej",
        "field: wants_employment\n      equals: yes",
        ["bare yes", "boolean", 'in quotes: "yes"', "rule 'no_wish_for_work'"],
        "equals: yes",
        id="bare-yes",
    ),
    pytest.param(
        "in: [nej, delvist]",
        "in: [no, delvist]",
        ["bare no", 'in quotes: "no"'],
        "in: [no, delvist]",
        id="bare-no-in-list",
    ),
    pytest.param(
        "equals: true",
        "equals: partly",
        ["entrepreneurship_interest", "'partly'", "true/false"],
        "equals: partly",
        id="code-on-bool-field",
    ),
    pytest.param(
        "          equals: ufaglært",
        "          equals: 3",
        ["job_goal_level", "3"],
        "equals: 3",
        id="number-on-code-field",
    ),
    pytest.param(
        "in: [ingen, grundskole]",
        "in: [ingen, grundskole]\n          equals: ingen",
        ["exactly one of", "'equals' and 'in'"],
        "- field: education_home",
        id="equals-and-in",
    ),
    pytest.param(
        "in: [ingen, grundskole]", "in: []", ["non-empty list", "empty list"], "in: []", id="empty-in"
    ),
    pytest.param(
        "in: [ingen, grundskole]",
        "inn: [ingen, grundskole]",
        ["unknown word 'inn'", "did you mean 'in'"],
        "inn: [ingen, grundskole]",
        id="unknown-operator",
    ),
    pytest.param(
        "      any:\n        - field: job_goal_level",
        "      anny:\n        - field: job_goal_level",
        ["unknown word 'anny'", "did you mean 'any'"],
        "anny:",
        id="unknown-combinator",
    ),
    pytest.param(
        "field: job_goal_level\n          equals: ufaglært",
        "field: job_goal_level\n          at_least: 3",
        ["'at_least' is only for whole-number fields"],
        "at_least: 3",
        id="at-least-on-code",
    ),
    pytest.param(
        "name: language_gap",
        "name: education_gap",
        ["duplicate rule name 'education_gap'", "first on line"],
        ("- name: education_gap", 2),
        id="duplicate-rule-name",
    ),
    pytest.param(
        "typology: ambitious",
        "typology: ambitous",
        ["unknown typology", "did you mean 'ambitious'"],
        "typology: ambitous",
        id="unknown-typology",
    ),
    pytest.param(
        "offer: internship\n    level: caution",
        "offer: intern\n    level: caution",
        ["unknown offer 'intern'", "did you mean 'internship'", "rule 'internship_not_ready_to_start'"],
        "offer: intern",
        id="unknown-offer",
    ),
    pytest.param(
        "level: caution",
        "level: cautoin",
        ["block or caution", "did you mean 'caution'"],
        "level: cautoin",
        id="unknown-level",
    ),
    pytest.param(
        "  education: 0.8",
        "  educaton: 0.8",
        ["unknown outcome", "did you mean 'education'"],
        "educaton: 0.8",
        id="unknown-outcome",
    ),
    pytest.param(
        "education: 0.8",
        "education: høj",
        ["weight of 'education' must be a number"],
        "education: høj",
        id="weight-not-a-number",
    ),
    pytest.param(
        "other: 0.0", "other: yes", ["weight of 'other' must be a number"], "other: yes", id="weight-boolean"
    ),
    pytest.param(
        "tie_margin: 0.02",
        "tie_margin: 1",
        ["tie_margin", "from 0 up to"],
        "tie_margin: 1",
        id="tie-margin-out-of-range",
    ),
    pytest.param(
        "ambitious:   [clarification, counselling, internship, wage_subsidy]",
        "ambitious:   [clarification, counselling, internship, internship]",
        ["preferred_order for ambitious", "missing: wage_subsidy", "twice: internship"],
        "ambitious:   [clarification, counselling, internship, internship]",
        id="order-not-a-permutation",
    ),
    pytest.param(
        "  no_goal:     [counselling, clarification, internship, wage_subsidy]\n",
        "",
        ["preferred_order lacks the typology no_goal"],
        "preferred_order:",
        id="order-missing-typology",
    ),
    pytest.param(
        "  uncertain:\n    - da: Et afklaringsforløb.",
        "  uncertan:\n    - da: Et afklaringsforløb.",
        ["'uncertan'", "did you mean 'uncertain'"],
        "uncertan:",
        id="notes-misspelt-typology",
    ),
    pytest.param(
        "preferred_order:",
        "prefered_order:",
        ["unknown key 'prefered_order'", "did you mean 'preferred_order'"],
        "prefered_order:",
        id="misspelt-section",
    ),
    pytest.param(
        "    description_en: The citizen does not want employment.\n",
        "",
        ["rule 'no_wish_for_work'", "lacks 'description_en'"],
        "- name: no_wish_for_work",
        id="rule-missing-key",
    ),
    pytest.param(
        'version: "2026.1"',
        "version: 2026.1",
        ["version must be text in quotes"],
        "version: 2026.1",
        id="version-not-text",
    ),
    pytest.param(
        "tie_margin: 0.02",
        "tie_margin: 0.02\ntie_margin: 0.03",
        ["'tie_margin' appears twice"],
        "tie_margin: 0.03",
        id="duplicate-key",
    ),
    pytest.param(
        "field: network_use", "field: gender", ["protected attribute"], "field: gender", id="protected-field"
    ),
    pytest.param(
        "field: network_use", "field: job_goal", ["free text"], "field: job_goal", id="free-text-field"
    ),
    pytest.param(
        "  - field: active_job_seeker          # er aktivt jobsøgende\n    equals: ja",
        "  - field: active_job_seeker\n    equals: ja\n  - field: active_job_seeker\n    equals: ja",
        ["criterion 'active_job_seeker' appears twice"],
        ("- field: active_job_seeker", 2),
        id="duplicate-criterion",
    ),
    pytest.param(
        "criteria:", "criteria: [", ["not valid YAML"], "- field: active_job_seeker", id="broken-yaml"
    ),
]


@pytest.mark.parametrize(("old", "new", "words", "on_line"), MISTAKES)
def test_a_mistake_names_the_word_the_line_and_a_fix(tmp_path, old, new, words, on_line) -> None:
    path = write_rules(tmp_path, (old, new))
    with pytest.raises(RulesError) as info:
        load_rules(path)
    message = str(info.value)
    for word in words:
        assert word in message, message
    line = line_of(path, *on_line) if isinstance(on_line, tuple) else line_of(path, on_line)
    assert f"{path}:{line}" in message, (line, message)
    assert info.value.line == line
    assert isinstance(info.value, RecommenderError) and isinstance(info.value, ValueError)


def test_the_error_carries_its_facts(tmp_path) -> None:
    path = write_rules(tmp_path, ("equals: videregående", "equals: skiled"))
    with pytest.raises(RulesError) as info:
        load_rules(path)
    error = info.value
    assert (error.rule, error.field, error.value, error.suggestion) == (
        "education_gap",
        "job_goal_level",
        "skiled",
        "skilled",
    )
    assert "skilled" in error.allowed


def test_a_gappy_ruleset_still_loads(tmp_path) -> None:
    # Completeness is the checker's job (rules check), not the loader's.
    assert len(load_rules(write_rules(tmp_path, (RULE_6, ""))).typology_rules) == 5


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"- just\n- a list\n", ["must be a mapping of sections"]),
        (b"", ["must be a mapping of sections"]),
        (b"version: [unclosed\n", ["not valid YAML", ":2"]),
        (b"\xff\xfe not utf-8", ["not UTF-8"]),
        (b"version: '1'\n", ["lacks 'criteria'"]),
    ],
)
def test_files_that_are_not_rules(tmp_path, content: bytes, words: list[str]) -> None:
    path = tmp_path / "rules.yaml"
    path.write_bytes(content)
    with pytest.raises(RulesError) as info:
        load_rules(path)
    for word in words:
        assert word in str(info.value)


def test_a_missing_file_or_a_directory_is_a_rules_error(tmp_path) -> None:
    with pytest.raises(RulesError, match="cannot read the rules file"):
        load_rules(tmp_path / "nope.yaml")
    with pytest.raises(RulesError, match="cannot read the rules file"):
        load_rules(tmp_path)


def test_codes_and_danish_labels_compile_to_the_same_rules(tmp_path) -> None:
    path = write_rules(
        tmp_path,
        ("in: [intet jobmål nævnt, uklart]", 'in: ["none", "UNCLEAR"]'),
        ("in: [slet ikke, i lav grad]", "in: [not_at_all, to a low degree, low]"),
        ("equals: false", "equals: nej"),
    )
    edited, default = load_rules(path), load_rules()
    for a, b in zip(edited.typology_rules, default.typology_rules, strict=True):
        assert a.condition.describe() == b.condition.describe()
