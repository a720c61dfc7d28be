"""Shared by the rules tests: a standard record, random records, and the spec tables of §4–6 as plain if/else.

The ``spec_*`` functions are an independent re-implementation of domain.md §4–6, written from the
tables and not from ``rules.yaml``, so that the YAML, its compiler and its evaluator are checked
against the specification.
"""

from __future__ import annotations

import random
from pathlib import Path

from recommender.vocab import FIELDS, MUNICIPALITIES

DEFAULT_RULES = Path(__file__).resolve().parent.parent / "recommender" / "rules.yaml"

# A valid record in codes: flexible (unskilled goal), four of five criteria met, no guards.
STANDARD: dict[str, object] = {
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
    "searches_broadly": "yes",
    "can_start_within_14_days": "yes",
    "wants_employment": "yes",
    "language_sufficient": "some",
    "spouse_support": "high",
    "network_use": "some",
    "job_goal_level": "unskilled",
    "education_plan": False,
}


def random_record(rng: random.Random, index: int) -> tuple[dict[str, object], dict[str, object]]:
    """A random valid record twice: as input (codes, Danish or English labels mixed) and as codes."""
    codes: dict[str, object] = {"citizen_id": f"R{index:06d}", "municipality": rng.choice(MUNICIPALITIES)}
    given: dict[str, object] = dict(codes)
    for name, spec in FIELDS.items():
        if name in codes or spec.kind == "str" or spec.protected:
            continue
        if spec.kind == "code":
            item = rng.choice(spec.scale.items)
            codes[name] = item.code
            given[name] = rng.choice((item.code, item.da, item.da.upper(), item.en))
        elif spec.kind == "bool":
            codes[name] = rng.random() < 0.5
            given[name] = rng.choice((codes[name], "ja" if codes[name] else "nej"))
        else:
            codes[name] = given[name] = rng.randint(spec.low, spec.high)
    return given, codes


def spec_typology(r: dict[str, object]) -> tuple[str, int]:
    """§5: (typology, rule number), first rule that holds."""
    goal = r["job_goal_level"]
    if r["wants_employment"] == "no":
        return "no_goal", 1
    if goal in ("none", "unclear"):
        return "uncertain", 2
    if (
        goal == "higher"
        and r["education_home"] in ("none", "primary")
        and r["education_dk"] in ("none", "unknown")
        and r["education_plan"] is False
    ):
        return "unrealistic", 3
    if (
        goal in ("skilled", "higher")
        and r["language_sufficient"] in ("not_at_all", "low")
        and r["danish_course"] in ("none", "du1")
        and r["education_plan"] is False
    ):
        return "unrealistic", 4
    if goal in ("skilled", "higher") and r["searches_broadly"] in ("no", "partly"):
        return "ambitious", 5
    if goal == "unskilled" or r["searches_broadly"] == "yes":
        return "flexible", 6
    raise AssertionError(f"§5 leaves a gap for {r}")


CRITERIA = (
    "active_job_seeker",
    "geographically_mobile",
    "searches_broadly",
    "can_start_within_14_days",
    "wants_employment",
)


def spec_labour_force(r: dict[str, object]) -> tuple[bool, dict[str, bool]]:
    """§4: all five criteria 'yes'."""
    met = {name: r[name] == "yes" for name in CRITERIA}
    return all(met.values()), met


def spec_guards(r: dict[str, object]) -> dict[str, str | None]:
    """§6: wage subsidy blocked unless ready and willing; internship blocked or cautioned; issue 26: both
    blocked while health or social circumstances limit work to a high degree."""
    health = r.get("health_barrier") == "high"
    wage = (
        None
        if r["can_start_within_14_days"] == "yes" and r["wants_employment"] == "yes" and not health
        else "block"
    )
    if r["wants_employment"] == "no" or health:
        internship = "block"
    elif r["can_start_within_14_days"] == "no":
        internship = "caution"
    else:
        internship = None
    return {"wage_subsidy": wage, "internship": internship, "clarification": None, "counselling": None}


def spec_notes(r: dict[str, object]) -> list[str]:
    """§5 cross-cutting notes, in the spec's order."""
    notes = []
    if r["entrepreneurship_interest"]:
        notes.append("entrepreneurship")
    if r["network_use"] in ("not_at_all", "low"):
        notes.append("network")
    if r["spouse_support"] in ("not_at_all", "low", "lesser"):
        notes.append("family")
    if r.get("health_barrier") in ("some", "high"):  # issue 26
        notes.append("health_social")
    return notes


def write_rules(tmp_path: Path, *replacements: tuple[str, str], name: str = "rules.yaml") -> Path:
    """The default rules file with each ``(old, new)`` replaced once, written to ``tmp_path``."""
    text = DEFAULT_RULES.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, f"not in rules.yaml: {old!r}"
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(path: Path, needle: str, nth: int = 1) -> int:
    """The 1-based number of the ``nth`` line of ``path`` that reads ``needle`` (comments aside)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = [n for n, line in enumerate(lines, 1) if line.split("#")[0].strip() == needle]
    assert len(found) >= nth, f"{needle!r} not {nth} times in {path}"
    return found[nth - 1]


# The text of rule 6 in rules.yaml, for tests that remove or follow it.
RULE_6 = """  - name: open_to_realistic_jobs
    name_da: Åben for realistiske job
    typology: flexible
    description_da: Ufaglært jobmål, eller borgeren søger bredt efter alle rimelige job.
    description_en: An unskilled job goal, or the citizen searches broadly for all reasonable jobs.
    when:
      any:
        - field: job_goal_level
          equals: ufaglært
        - field: searches_broadly
          equals: ja
"""
