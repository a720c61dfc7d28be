"""Step definitions for issue 26's Danish scenarios: maalgruppe.feature (target group, health and social
barriers, no offer fits), raadgivers_typologi.feature (the adviser's typology) and hvad_hvis.feature
(what-if). The citizen is the ``Baggrund`` table of each feature (Danish field names and labels); the
built-in model and the default rules (or a copy with one threshold changed) are used."""

from __future__ import annotations

import pytest
from _rules_support import write_rules
from pytest_bdd import given, parsers, scenarios, then, when

from recommender import Citizen, Recommendation, recommend
from recommender.errors import InvalidOverrideError
from recommender.recommending.whatif import WhatIf, what_if
from recommender.typology import load_rules
from recommender.vocab import FIELDS, OFFER, TYPOLOGY

scenarios("maalgruppe.feature", "raadgivers_typologi.feature", "hvad_hvis.feature")

_FIELD_BY_DANISH = {spec.da.casefold(): name for name, spec in FIELDS.items()}


def _field(danish: str) -> str:
    name = _FIELD_BY_DANISH.get(danish.casefold().strip())
    assert name is not None, f"ukendt felt {danish!r}"
    return name


def _offer(danish: str) -> str:
    code = OFFER.parse(danish)
    assert code is not None, f"ukendt tilbud {danish!r}"
    return code


def _yes(text: str) -> bool:
    assert text in ("ja", "nej"), text
    return text == "ja"


@pytest.fixture
def ctx() -> dict[str, object]:
    return {}


@given("en borger med disse svar:", target_fixture="borger")
def _citizen(datatable: list[list[str]]) -> dict[str, object]:
    return {_field(felt): svar.strip() for felt, svar in datatable[1:]}


@given(parsers.parse('borgerens "{felt}" er "{vaerdi}"'))
def _set(borger: dict[str, object], felt: str, vaerdi: str) -> None:
    borger[_field(felt)] = vaerdi


@given(parsers.parse('reglernes tærskel for "anden årsag" er "{taerskel}"'))
def _threshold(ctx: dict[str, object], tmp_path, taerskel: str) -> None:
    path = write_rules(tmp_path, ("  other_at_least: 0.8", f"  other_at_least: {taerskel}"))
    ctx["rules"] = load_rules(path)


@when("anbefalingen laves", target_fixture="anbefaling")
def _recommend(borger: dict[str, object], ctx: dict[str, object]) -> Recommendation:
    return recommend(borger, rules=ctx.get("rules"))  # type: ignore[arg-type]


# --- target group, health, no offer fits ----------------------------------------------------------


@then(parsers.re(r'er vurderingen "(?P<kode>[^"]+)"$'))
def _verdict(anbefaling: Recommendation, kode: str) -> None:
    assert anbefaling.verdict_message is not None
    if kode.startswith("ikke "):
        assert anbefaling.verdict_message.code != kode[5:], anbefaling.verdict_message
    else:
        assert anbefaling.verdict_message.code == kode, anbefaling.verdict_message
        assert anbefaling.to_dict()["verdict"]["code"] == kode


@then(parsers.parse('er vurderingen ikke "{kode}"'))
def _verdict_not(anbefaling: Recommendation, kode: str) -> None:
    assert anbefaling.verdict_message is not None and anbefaling.verdict_message.code != kode


@then(parsers.parse('nævner vurderingen "{tekst}"'))
def _verdict_mentions(anbefaling: Recommendation, tekst: str) -> None:
    assert anbefaling.verdict_message is not None and tekst in anbefaling.verdict_message.da


@then("vises alle fire tilbud stadig, rangeret")
def _offers_listed(anbefaling: Recommendation) -> None:
    assert sorted(o.offer for o in anbefaling.offers) == sorted(OFFER.codes)
    assert [o.rank for o in anbefaling.offers] == [1, 2, 3, 4]


@then("vises rangordningens egen vurdering til orientering")
def _ranking_shown(anbefaling: Recommendation) -> None:
    assert anbefaling.ranking_message is not None
    assert anbefaling.ranking_message.code in ("clear_first_choice", "no_clear_difference")


@then(parsers.parse('er noten om "{tekst}" vist: "{vist}"'))
def _note(anbefaling: Recommendation, tekst: str, vist: str) -> None:
    assert any(tekst in n.da for n in anbefaling.notes) == _yes(vist), anbefaling.notes


@then(parsers.parse('"{tilbud}" frarådes: "{svar}"'))
def _advised_against(anbefaling: Recommendation, tilbud: str, svar: str) -> None:
    assert (not anbefaling.offer(_offer(tilbud)).advised) == _yes(svar)


@then(
    parsers.parse(
        'er vurderingen "no_offer_fits" præcis når hvert anbefalet tilbuds chance for "anden '
        'årsag" er mindst "{taerskel}"'
    )
)
def _no_offer_fits_rule(anbefaling: Recommendation, taerskel: str) -> None:
    advised = [o for o in anbefaling.offers if o.advised]
    expected = bool(advised) and all(o.probabilities["other"] >= float(taerskel) for o in advised)
    assert anbefaling.verdict_message is not None
    assert (anbefaling.verdict_message.code == "no_offer_fits") == expected
    if expected:
        assert any("sundhedsfaglig" in n.da for n in anbefaling.notes)


# --- the adviser's typology --------------------------------------------------------------------------


@when(
    parsers.parse('rådgiveren sætter typologien "{typologi}" med begrundelsen "{begrundelse}"'),
    target_fixture="anbefaling",
)
def _override(
    borger: dict[str, object], ctx: dict[str, object], typologi: str, begrundelse: str
) -> Recommendation | None:
    ctx["plain"] = recommend(borger)
    try:
        return recommend(borger, typology=typologi, reason=begrundelse)
    except InvalidOverrideError as exc:
        ctx["error"] = exc
        return None


@when(parsers.parse('rådgiveren sætter typologien "{typologi}" uden begrundelse'))
def _override_no_reason(borger: dict[str, object], ctx: dict[str, object], typologi: str) -> None:
    with pytest.raises(InvalidOverrideError) as caught:
        recommend(borger, typology=typologi)
    ctx["error"] = caught.value


@then(parsers.parse('er typologien "{typologi}"'))
def _typology(anbefaling: Recommendation, typologi: str) -> None:
    assert anbefaling.typology.code == TYPOLOGY.parse(typologi)


@then("kommer typologien fra reglerne")
def _from_rules(anbefaling: Recommendation) -> None:
    assert anbefaling.typology_override is None and anbefaling.typology.rule != "adviser"


@then(parsers.parse('kommer typologien fra rådgiveren, og reglerne gav "{typologi}"'))
def _from_adviser(anbefaling: Recommendation, typologi: str) -> None:
    override = anbefaling.typology_override
    assert override is not None and override.rules_code == TYPOLOGY.parse(typologi)
    assert anbefaling.typology.rule == "adviser" and override.reason in anbefaling.typology.description_da
    assert anbefaling.to_dict()["typology_override"]["rules_code"] == override.rules_code


@then(parsers.parse('vises vejledningen for "{typologi}"'))
def _guidance(anbefaling: Recommendation, typologi: str) -> None:
    code = TYPOLOGY.parse(typologi)
    assert code is not None
    assert anbefaling.typology.notes == load_rules().typology_notes[code]


@then(parsers.parse('følger rangordningen rækkefølgen for "{typologi}" ved næsten lige værdier'))
def _order(anbefaling: Recommendation, typologi: str) -> None:
    code = TYPOLOGY.parse(typologi)
    assert code is not None
    # recomputed: the same as the rules would give a citizen of that typology with these estimates
    preferred = load_rules().preferred_order[code]
    advised = [o for o in anbefaling.offers if o.advised]
    for a, b in zip(advised, advised[1:]):
        if abs(a.score - b.score) < load_rules().tie_margin and a.support == b.support:
            assert preferred.index(a.offer) < preferred.index(b.offer) or a.score > b.score


@then("er chancerne for hvert tilbud de samme som uden rådgiverens typologi")
def _same_chances(anbefaling: Recommendation, ctx: dict[str, object]) -> None:
    plain = ctx["plain"]
    assert isinstance(plain, Recommendation)
    for o in anbefaling.offers:
        assert o.probabilities == plain.offer(o.offer).probabilities


@then(parsers.parse('afvises det med en fejl, der nævner feltet "{felt}"'))
def _refused(ctx: dict[str, object], felt: str) -> None:
    error = ctx.get("error")
    assert isinstance(error, InvalidOverrideError) and error.field == felt and felt in str(error)


@then(parsers.parse('nævner fejlen "{tekst}"'))
def _error_mentions(ctx: dict[str, object], tekst: str) -> None:
    assert tekst in str(ctx["error"])


# --- what-if ------------------------------------------------------------------------------------------


@when("hvad-nu-hvis beregnes", target_fixture="hvis")
def _what_if(borger: dict[str, object]) -> WhatIf:
    return what_if(borger)


@then("dækker det felterne:")
def _levers(hvis: WhatIf, datatable: list[list[str]]) -> None:
    wanted = {_field(row[0]) for row in datatable[1:]}
    levers = {lv.field for lv in hvis.levers}
    assert wanted <= levers
    assert all(lv.options for lv in hvis.levers)


@then(parsers.parse('siger ændringen af "{felt}" til "{vaerdi}", at typologien bliver "{typologi}"'))
def _changes_typology(hvis: WhatIf, felt: str, vaerdi: str, typologi: str, ctx: dict[str, object]) -> None:
    name = _field(felt)
    option = hvis.lever(name).option(str(FIELDS[name].scale.parse(vaerdi)))  # type: ignore[union-attr]
    assert option.typology is not None and option.typology[1] == TYPOLOGY.parse(typologi)
    ctx["option"] = option


@then(parsers.parse("at antallet af opfyldte kriterier går fra {fra:d} til {til:d}"))
def _changes_criteria(ctx: dict[str, object], fra: int, til: int) -> None:
    assert ctx["option"].criteria_met == (fra, til)  # type: ignore[attr-defined]


@then(parsers.parse('siger ændringen af "{felt}" til "{vaerdi}", at "{tilbud}" frarådes'))
def _changes_guard(hvis: WhatIf, felt: str, vaerdi: str, tilbud: str) -> None:
    name = _field(felt)
    option = hvis.lever(name).option(str(FIELDS[name].scale.parse(vaerdi)))  # type: ignore[union-attr]
    assert (_offer(tilbud), None, "block") in option.guards
    assert "frarådes" in option.message.da


@then(
    "giver hver ændring samme typologi, kriterier, frarådede tilbud, vurdering og estimat som en ny "
    "anbefaling"
)
def _exact(hvis: WhatIf, borger: dict[str, object]) -> None:
    record = Citizen.from_dict(borger).to_dict()
    for lever in hvis.levers:
        for option in lever.options:
            fresh = recommend({**record, lever.field: option.value})
            if option.typology is not None:
                assert fresh.typology.code == option.typology[1]
            assert sum(r.met for r in fresh.labour_force.criteria.values()) == option.criteria_met[1]
            for offer, _, after in option.guards:
                guard = fresh.offer(offer).guard
                assert (None if guard is None else guard.level) == after
            if option.verdict is not None:
                assert fresh.verdict_message is not None and fresh.verdict_message.code == option.verdict[1]
            assert option.estimate is not None and option.estimate[0] == fresh.top_offer
            assert option.estimate[2] == fresh.offer(option.estimate[0]).score


@then("er hver ændring i estimatet mærket som en sammenhæng med sit interval")
def _association(hvis: WhatIf) -> None:
    for lever in hvis.to_dict()["levers"]:  # type: ignore[union-attr]
        for option in lever["options"]:
            assert option["estimate"]["kind"] == "association"
            low, high = option["estimate"]["interval"]
            assert low <= option["estimate"]["after"] <= high
            assert "sammenhæng, ikke en virkning" in option["message"]["da"]
