"""The rule checker (spec §9): every record gets exactly one typology; gaps and dead rules are found."""

from __future__ import annotations

import json

import pytest
from _rules_support import RULE_6, spec_typology, write_rules

from recommender.cli import main
from recommender.errors import RulesError
from recommender.rules.check import CheckReport, check_rules, field_values
from recommender.typology import load_rules

SHADOWED = """  - name: unclear_but_broad
    typology: flexible
    description_da: Uklart jobmål, men søger bredt.
    description_en: An unclear goal but a broad search.
    when:
      all:
        - {field: job_goal_level, equals: uklart}
        - {field: searches_broadly, equals: ja}

"""


def test_the_default_rules_are_complete_and_every_rule_can_fire() -> None:
    report = check_rules(load_rules())
    assert isinstance(report, CheckReport)
    assert report.complete and report.n_uncovered == 0 and report.uncovered_example is None
    # the eight fields the rules read, and (issue 26) every value of the three rules-only fields
    assert report.n_records == 3 * 5 * 7 * 5 * 2 * 6 * 5 * 3 * (3 * 7 * 5)
    assert dict(report.free_fields) == {"integration_programme": 3, "health_barrier": 7, "work_experience": 5}
    assert report.never_fires == ()
    assert sum(report.fires_first.values()) == report.n_records
    assert report.fires_first["education_gap"] == 2 * 2 * 2 * 5 * 6 * 3 * (3 * 7 * 5)  # wants yes/partly × …
    # Overlaps are information: rule 1 and rule 6 both hold for a citizen who wants no work but searches
    # broadly; first match gives no_goal.
    pairs = {(o.rule_a, o.rule_b): o for o in report.overlaps}
    overlap = pairs[("no_wish_for_work", "open_to_realistic_jobs")]
    assert overlap.records > 0 and overlap.example["wants_employment"] == "no"
    assert ("education_gap", "language_gap") not in pairs  # same typology: not an overlap
    assert report.n_several_typologies > 0
    data = report.to_dict()
    json.dumps(data)
    assert data["complete"] is True and data["records"] == report.n_records


def test_removing_rule_6_leaves_a_gap_with_an_example(tmp_path) -> None:
    default = check_rules(load_rules())
    report = check_rules(load_rules(write_rules(tmp_path, (RULE_6, ""))))
    assert not report.complete
    assert report.n_uncovered == default.fires_first["open_to_realistic_jobs"]
    example = dict(report.uncovered_example)
    assert set(example) == set(report.fields)
    assert spec_typology(example) == ("flexible", 6)  # the spec sends it to rule 6, which is gone
    assert "uncovered" in repr(report)


def test_a_rule_hidden_behind_earlier_rules_is_listed_as_never_firing(tmp_path) -> None:
    path = write_rules(tmp_path, ("  - name: education_gap\n", SHADOWED + "  - name: education_gap\n"))
    report = check_rules(load_rules(path))
    assert report.complete
    assert report.never_fires == ("unclear_but_broad",)
    assert report.fires_first["unclear_but_broad"] == 0


def test_whole_number_fields_are_enumerated_at_their_boundaries(tmp_path) -> None:
    # Rule 6 replaced by two rules on years in Denmark that leave exactly 4 years uncovered.
    split = """  - name: long_stay
    typology: flexible
    description_da: Mindst 5 år i Danmark.
    description_en: At least 5 years in Denmark.
    when: {field: years_in_denmark, at_least: 5}
  - name: short_stay
    typology: flexible
    description_da: Højst 3 år i Danmark.
    description_en: At most 3 years in Denmark.
    when: {field: years_in_denmark, at_most: 3}
"""
    rules = load_rules(write_rules(tmp_path, (RULE_6, split)))
    assert field_values(rules)["years_in_denmark"] == (0, 2, 3, 4, 5, 6, 80)
    report = check_rules(rules)
    assert not report.complete
    assert report.uncovered_example["years_in_denmark"] == 4


def test_too_many_combinations_are_refused_before_enumerating(tmp_path) -> None:
    every_field = """  - name: everything
    typology: flexible
    description_da: Alle felter.
    description_en: Every field.
    when:
      any:
""" + "".join(
        f"        - {{field: {name}, in: [{value}]}}\n"
        for name, value in [
            ("contact_route", "outreach"),
            ("active_job_seeker", "ja"),
            ("geographically_mobile", "ja"),
            ("can_start_within_14_days", "ja"),
            ("spouse_support", "i høj grad"),
            ("network_use", "i høj grad"),
            ("years_in_denmark", "3"),
            ("children_under_18", "2"),
        ]
    )
    rules = load_rules(write_rules(tmp_path, (RULE_6, RULE_6 + every_field)))
    with pytest.raises(RulesError, match="too many fields to enumerate"):
        check_rules(rules)


def test_cli_rules_check_exits_0_for_the_default_rules(capsys) -> None:
    assert main(["rules", "check"]) == 0
    out = capsys.readouterr().out
    assert "9,922,500" in out and "OK" in out and "never fires: ingen / none" in out


def test_cli_rules_check_exits_2_and_names_an_example_for_a_gap(tmp_path, capsys) -> None:
    path = write_rules(tmp_path, (RULE_6, ""))
    assert main(["rules", "check", str(path)]) == 2
    captured = capsys.readouterr()
    assert "FEJL / ERROR" in captured.out
    for text in (captured.out, captured.err):
        assert "job_goal_level=" in text and "searches_broadly=" in text
    assert len(captured.err.strip().splitlines()) == 1


def test_cli_rules_check_json_and_bad_files(tmp_path, capsys) -> None:
    assert main(["rules", "check", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["complete"] is True
    assert main(["rules", "check", str(tmp_path / "missing.yaml")]) == 2
    err = capsys.readouterr().err
    assert "missing.yaml" in err and "Traceback" not in err
    bad = write_rules(tmp_path, ("equals: videregående", "equals: skiled"))
    assert main(["rules", "check", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "did you mean 'skilled'" in err and f"{bad}:" in err
    assert main(["rules"]) == 2
