"""Step definitions for the Danish rule scenarios: typologi, arbejdsstyrke and tilbudsvagter.

A citizen starts from a standard valid record; each step sets one field by its Danish name (as in the
intake form) to a Danish label; the default rules are applied; the steps check the result.
"""

from __future__ import annotations

from _rules_support import STANDARD
from pytest_bdd import given, parsers, scenarios, then, when

from recommender import Citizen
from recommender.errors import did_you_mean
from recommender.typology import RuleResult, load_rules
from recommender.vocab import CRITERIA, FIELDS, OFFER, TYPOLOGY

scenarios("typologi.feature", "arbejdsstyrke.feature", "tilbudsvagter.feature")

_FIELD_BY_DANISH = {spec.da.casefold(): name for name, spec in FIELDS.items()}
_GUARD_WORDS = {"frarådes": "block", "advarsel": "caution", "ingen": None}


def _field(danish: str) -> str:
    name = _FIELD_BY_DANISH.get(danish.casefold())
    assert name is not None, f"ukendt felt {danish!r}; mente du {did_you_mean(danish, _FIELD_BY_DANISH)!r}?"
    return name


def _offer(danish: str) -> str:
    code = OFFER.parse(danish)
    assert code is not None, f"ukendt tilbud {danish!r}"
    return code


@given("en borger med standardoplysninger", target_fixture="borger")
def _standard() -> dict[str, object]:
    return dict(STANDARD)


@given('en borger, der svarer "ja" til alle fem kriterier', target_fixture="borger")
def _all_criteria() -> dict[str, object]:
    return dict(STANDARD, **dict.fromkeys(CRITERIA, "ja"))


@given(parsers.parse('borgerens "{felt}" er "{vaerdi}"'))
def _set(borger: dict[str, object], felt: str, vaerdi: str) -> None:
    borger[_field(felt)] = vaerdi


@when("reglerne anvendes", target_fixture="resultat")
def _apply(borger: dict[str, object]) -> RuleResult:
    return load_rules().evaluate(Citizen.from_dict(borger))


@then(parsers.parse('er typologien "{typologi}"'))
def _typology(resultat: RuleResult, typologi: str) -> None:
    assert resultat.typology.code == TYPOLOGY.parse(typologi), resultat.typology


@then(parsers.parse('kommer typologien fra reglen "{regel}"'))
def _rule(resultat: RuleResult, regel: str) -> None:
    assert resultat.typology.rule == regel


@then("er borgeren i arbejdsstyrken")
def _active(resultat: RuleResult) -> None:
    assert resultat.labour_force.active is True


@then("er borgeren ikke i arbejdsstyrken")
def _not_active(resultat: RuleResult) -> None:
    assert resultat.labour_force.active is False


@then(parsers.parse('er kriteriet "{kriterium}" ikke opfyldt'))
def _criterion_unmet(resultat: RuleResult, kriterium: str) -> None:
    assert resultat.labour_force.criteria[_field(kriterium)].met is False


@then(parsers.parse("er {antal:d} af {i_alt:d} kriterier opfyldt"))
def _criteria_met(resultat: RuleResult, antal: int, i_alt: int) -> None:
    criteria = resultat.labour_force.criteria
    assert (sum(r.met for r in criteria.values()), len(criteria)) == (antal, i_alt)


@then(parsers.parse('gælder for "{tilbud}" "{vagt}"'))
def _guard(resultat: RuleResult, tilbud: str, vagt: str) -> None:
    guard = resultat.guards[_offer(tilbud)]
    assert (guard.level if guard else None) == _GUARD_WORDS[vagt], guard


@then(parsers.parse('nævner begrundelsen for "{tilbud}" "{tekst}"'))
def _reason(resultat: RuleResult, tilbud: str, tekst: str) -> None:
    guard = resultat.guards[_offer(tilbud)]
    assert guard is not None and tekst in guard.reason_da, guard
