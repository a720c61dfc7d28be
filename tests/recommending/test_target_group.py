"""Issue 26: the new intake fields, the target group, health and social barriers, no offer fits, the
adviser's typology and what-if (domain and CLI; the service parts are in the service tests)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from _rules_support import STANDARD, write_rules

from recommender import Citizen, recommend
from recommender.cli import main
from recommender.cohort import read_cohort, write_cohort
from recommender.errors import (
    CohortError,
    InvalidCitizenError,
    InvalidOverrideError,
    RulesError,
)
from recommender.modelling.features import build_schema
from recommender.recommending.whatif import LEVERS, what_if
from recommender.rules.check import check_rules
from recommender.synth import generate_cohort
from recommender.typology import load_rules
from recommender.vocab import FIELDS, RULE_ONLY

NEW = ("integration_programme", "health_barrier", "work_experience")


# --- the intake fields ---------------------------------------------------------------------------------


def test_the_new_fields_are_optional_and_default_to_unknown() -> None:
    citizen = Citizen.from_dict(STANDARD)
    assert [getattr(citizen, n) for n in NEW] == ["unknown"] * 3
    given = Citizen.from_dict(
        {
            **STANDARD,
            "integration_programme": "Nej",
            "health_barrier": "i nogen grad",
            "work_experience": "fra Danmark",
        }
    )
    assert (given.integration_programme, given.health_barrier, given.work_experience) == (
        "no",
        "some",
        "denmark",
    )
    assert RULE_ONLY == NEW


@pytest.mark.parametrize(
    ("field", "value", "allowed"),
    [
        ("integration_programme", "måske", "yes (ja), no (nej), unknown (uoplyst)"),
        ("health_barrier", "meget", "high (i høj grad)"),
        ("work_experience", "lidt", "home_country (fra hjemlandet)"),
    ],
)
def test_a_bad_value_names_the_field_the_value_and_the_allowed_codes(field, value, allowed) -> None:
    with pytest.raises(InvalidCitizenError) as caught:
        Citizen.from_dict({**STANDARD, field: value})
    text = str(caught.value)
    assert text.startswith("Ugyldigt borgerdata")
    assert f"{field} ({FIELDS[field].da})" in text and repr(value) in text and allowed in text
    assert caught.value.field == field and "unknown" in caught.value.allowed


def test_the_model_does_not_read_the_rules_only_fields() -> None:
    schema = build_schema()
    assert not set(NEW) & {name for name, _ in schema.categorical}


# --- cohort files ---------------------------------------------------------------------------------------


def test_an_old_cohort_file_reads_with_unknown_and_keeps_its_fingerprint(tmp_path: Path) -> None:
    cohort = generate_cohort(300, seed=4)
    frame = cohort.frame.drop(columns=list(NEW))
    old = read_cohort(frame)
    assert all((old.frame[n] == "unknown").all() for n in NEW)
    explicit = read_cohort(frame.assign(**dict.fromkeys(NEW, "uoplyst")))
    assert explicit.fingerprint == old.fingerprint  # a missing column is "uoplyst": the same cohort
    assert cohort.fingerprint != old.fingerprint  # drawn values are content
    path = tmp_path / "c.csv"
    write_cohort(cohort, path)
    assert read_cohort(path).fingerprint == cohort.fingerprint
    assert "health_barrier" in path.read_text(encoding="utf-8").splitlines()[0]


def test_a_bad_value_in_a_new_column_is_refused_with_its_line(tmp_path: Path) -> None:
    frame = generate_cohort(50, seed=2).frame.astype({"health_barrier": object})
    frame.loc[6, "health_barrier"] = "meget"
    with pytest.raises(CohortError) as caught:
        read_cohort(frame)
    text = str(caught.value)
    assert "line 8" in text and "health_barrier" in text and "'meget'" in text


def test_the_generator_draws_the_new_fields_from_the_report_shares() -> None:
    frame = generate_cohort(4000, seed=9).frame
    assert set(frame["integration_programme"].astype(str)) <= {"no", "unknown"}  # the project's target group
    heavy = frame["health_barrier"].isin(["some", "high"])
    other = frame["outcome"] == "other"
    assert heavy[other].mean() > 0.4 and heavy[~other].mean() < 0.2  # sickness dominates "anden årsag"
    assert set(frame["work_experience"].astype(str)) == {"none", "home_country", "denmark", "both", "unknown"}


def test_rules_evaluate_a_table_without_the_new_columns() -> None:
    frame = generate_cohort(200, seed=5).frame.drop(columns=list(NEW))
    out = load_rules().evaluate_frame(frame)
    assert len(out) == 200


# --- rules.yaml: target group, health, no offer fits ---------------------------------------------------


def test_an_older_rules_file_without_the_new_sections_still_loads(tmp_path: Path) -> None:
    text = Path(load_rules().path).read_text(encoding="utf-8")
    head, rest = text.split("# --- Målgruppen", 1)
    tail = rest[rest.index("# --- Vægte") :]
    path = tmp_path / "old.yaml"
    path.write_text(head + tail, encoding="utf-8")
    rules = load_rules(path)
    assert rules.target_group == () and rules.no_offer_fits is None
    rec = recommend({**STANDARD, "integration_programme": "yes"}, rules=rules)
    assert rec.verdict_message is not None and rec.verdict_message.code != "outside_target_group"


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        ("    verdict: already_active\n", "    verdict: already_aktiv\n", "did you mean"),
        (
            "    all_criteria_met: true\n",
            "    all_criteria_met: true\n    when: {field: wants_employment, equals: ja}\n",
            "exactly one of",
        ),
        ("  note: health_social\n", "  note: health\n", "ukendt note"),
        ("  other_at_least: 0.8\n", "  other_at_least: 80\n", "share above 0"),
    ],
)
def test_bad_target_group_and_threshold_sections_are_refused(tmp_path, old, new, says) -> None:
    with pytest.raises(RulesError) as caught:
        load_rules(write_rules(tmp_path, (old, new)))
    line = caught.value.line
    assert says in str(caught.value) and line and f"rules.yaml:{line}" in str(caught.value)


def test_outside_target_group_comes_before_already_active() -> None:
    ready = {**STANDARD, "active_job_seeker": "yes"}
    assert recommend(ready).verdict_message.code == "already_active"  # type: ignore[union-attr]
    both = recommend({**ready, "integration_programme": "ja"})
    assert both.verdict_message.code == "outside_target_group"  # type: ignore[union-attr]
    data = both.to_dict()
    assert data["verdict"]["code"] == "outside_target_group"
    assert data["verdict"]["ranking_message"]["code"] in ("clear_first_choice", "no_clear_difference")
    assert len(data["offers"]) == 4


def test_the_health_guard_carries_its_report_passage() -> None:
    rules = load_rules()
    health = [g for g in rules.guards if g.condition.fields == {"health_barrier"}]
    assert {g.offer for g in health} == {"wage_subsidy", "internship"}
    assert all("social-/sundhedsfaglig indsats" in str(g.passage) for g in health)
    note = next(n for n in rules.notes if n.name == "health_social")
    assert "social- eller sundhedsfaglig indsats" in note.da and note.passage


def test_no_offer_fits_follows_the_threshold_and_brings_the_note(tmp_path: Path) -> None:
    low = load_rules(write_rules(tmp_path, ("  other_at_least: 0.8\n", "  other_at_least: 0.0001\n")))
    rec = recommend(STANDARD, rules=low)
    assert rec.verdict_message.code == "no_offer_fits"  # type: ignore[union-attr]
    assert "0 %" in rec.verdict_message.da  # type: ignore[union-attr]
    assert any(n.name == "health_social" for n in rec.notes)
    assert recommend(STANDARD).verdict_message.code != "no_offer_fits"  # type: ignore[union-attr]


# --- the rule checker ----------------------------------------------------------------------------------


def test_rules_check_covers_a_new_field_a_typology_rule_reads(tmp_path: Path) -> None:
    rule = (
        "  - name: no_wish_for_work\n",
        "  - name: health_first\n    typology: no_goal\n"
        "    description_da: Helbred først.\n    description_en: Health first.\n"
        "    when: {field: health_barrier, equals: i høj grad}\n\n  - name: no_wish_for_work\n",
    )
    report = check_rules(load_rules(write_rules(tmp_path, rule)))
    assert report.complete and "health_barrier" in report.fields
    assert dict(report.free_fields) == {"integration_programme": 3, "work_experience": 5}
    assert report.n_records == check_rules(load_rules()).n_records
    assert report.fires_first["health_first"] == report.n_records // 7


# --- the adviser's typology ----------------------------------------------------------------------------


def test_the_override_recomputes_the_ranking_with_that_typologys_order() -> None:
    rules = load_rules()
    plain = recommend(STANDARD)
    for code in ("flexible", "ambitious", "unrealistic", "uncertain", "no_goal"):
        rec = recommend(STANDARD, typology=code, reason="Rådgiverens vurdering efter samtalen")
        assert rec.typology.code == code and rec.typology.notes == rules.typology_notes[code]
        assert rec.typology_override is not None and rec.typology_override.rules_code == plain.typology.code
        # the same estimates, ranked by that typology's preferred order within the tie margin
        assert {o.offer: o.score for o in rec.offers} == {o.offer: o.score for o in plain.offers}
    a = recommend(STANDARD, typology="flexible", reason="r")
    b = recommend(STANDARD, typology="no_goal", reason="r")
    assert [o.offer for o in a.offers] != [o.offer for o in b.offers] or all(
        abs(x.score - y.score) >= rules.tie_margin for x, y in zip(a.offers, a.offers[1:])
    )


@pytest.mark.parametrize(
    ("typology", "reason", "field"),
    [
        ("superflexible", "r", "typology"),
        ("flexible", None, "typology_reason"),
        ("flexible", "  ", "typology_reason"),
        (None, "a reason", "typology"),
        ("flexible", "Borger 010203-1234 sagde", "typology_reason"),
    ],
)
def test_a_bad_override_is_refused_naming_the_field(typology, reason, field) -> None:
    with pytest.raises(InvalidOverrideError) as caught:
        recommend(STANDARD, typology=typology, reason=reason)
    assert caught.value.field == field
    assert "010203-1234" not in str(caught.value)


# --- what-if -------------------------------------------------------------------------------------------


def test_what_if_covers_the_levers_and_is_exact() -> None:
    wi = what_if(STANDARD)
    assert [lv.field for lv in wi.levers] == list(LEVERS)
    option = wi.lever("can_start_within_14_days").option("no")
    fresh = recommend({**STANDARD, "can_start_within_14_days": "no"})
    assert ("wage_subsidy", None, "block") in option.guards
    assert option.criteria_met == (4, sum(r.met for r in fresh.labour_force.criteria.values()))
    assert json.loads(json.dumps(wi.to_dict()))["levers"][0]["options"]


def test_what_if_reaches_the_target_group_verdict() -> None:
    option = what_if(STANDARD).lever("active_job_seeker").option("yes")
    before = recommend(STANDARD).verdict_message
    assert before is not None and option.verdict == (before.code, "already_active")
    assert "allerede erhvervsaktiv" in option.message.da


# --- CLI -------------------------------------------------------------------------------------------------


def _write(tmp_path: Path, record: dict) -> str:
    path = tmp_path / "c.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    return str(path)


def test_cli_typology_override_and_what_if(tmp_path: Path, capsys) -> None:
    path = _write(tmp_path, STANDARD)
    assert main(["recommend", path, "--typology", "Ambitiøst jobmål", "--reason", "Faglært mål"]) == 0
    out = capsys.readouterr().out
    assert "Jobmålstypologi: Ambitiøst jobmål" in out and "Faglært mål" in out
    assert main(["recommend", path, "--what-if", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {lv["field"] for lv in data["what_if"]["levers"]} == set(LEVERS)
    assert main(["recommend", path, "--what-if"]) == 0
    assert "Hvad kunne ændre anbefalingen?" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--typology", "flexible"], "typology_reason"),
        (["--typology", "flexi", "--reason", "x"], "did you mean 'flexible'"),
    ],
)
def test_cli_bad_override_is_one_line_exit_2(tmp_path: Path, capsys, args, says) -> None:
    assert main(["recommend", _write(tmp_path, STANDARD), *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and says in err


def test_a_cohort_frame_round_trips_with_and_without_the_new_columns(tmp_path: Path) -> None:
    cohort = generate_cohort(200, seed=8)
    for frame in (cohort.frame, cohort.frame.drop(columns=list(NEW))):
        path = tmp_path / "x.csv"
        written = write_cohort(pd.DataFrame(frame), path)
        assert read_cohort(path).fingerprint == written.fingerprint


@pytest.mark.parametrize("name", ["outside_target_group", "already_active", "no_offer_fits"])
def test_the_three_example_citizens_get_their_verdict(name: str) -> None:
    folder = Path(__file__).resolve().parents[2] / "examples" / "target_group"
    record = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
    rec = recommend(record)
    assert rec.verdict_message is not None and rec.verdict_message.code == name
    screen = (folder / f"{name}.txt").read_text(encoding="utf-8")
    assert screen.splitlines()[2].startswith("Demonstrationsmodel:")  # provenance first (issue 24)
    assert screen.splitlines()[3] == f"Vurdering: {rec.verdict_message.da}"
