"""Step definitions for features/adfaerd.feature: the built-in model's behaviour (minimum cases,
invariances, directional expectations, and issue 24: one order, the verdict, provenance, the report's
directions, thin data), run against the built-in model and the default rules. The standard citizen is
the feature file's `Baggrund` table (Danish field names and values)."""

from __future__ import annotations

import numpy as np
from _rules_support import STANDARD
from pytest_bdd import given, parsers, scenarios, then, when

from recommender import Citizen, Recommendation, load_model, load_rules, recommend
from recommender.recommending.certainty import CLEAR_P_BEST
from recommender.recommending.directions import field_directions
from recommender.recommending.screen import render
from recommender.recommending.sparse import sparse_fields, thin_combinations
from recommender.vocab import CRITERIA, FIELDS, OFFER, OUTCOME, TYPOLOGY

scenarios("adfaerd.feature")

_FIELD_BY_DANISH = {spec.da.casefold(): name for name, spec in FIELDS.items()}


def _field(danish: str) -> str:
    name = _FIELD_BY_DANISH.get(danish.casefold())
    assert name is not None, f"ukendt felt {danish!r}"
    return name


def _value(name: str, text: str) -> object:
    spec = FIELDS[name]
    if spec.kind == "int":
        return int(text)
    if spec.kind == "bool":
        return text.casefold() in ("ja", "true", "yes")
    return text


def _offer(danish: str) -> str:
    code = OFFER.parse(danish)
    assert code is not None, f"ukendt tilbud {danish!r}"
    return code


def _outcome(danish: str) -> str:
    code = next(
        (c for c in OUTCOME.codes if OUTCOME.label(c, "da").casefold().startswith(danish.casefold())), None
    )
    assert code is not None, f"ukendt afslutning {danish!r}"
    return code


@given("standardborgeren:", target_fixture="standard")
def _standard_table(datatable: list[list[str]]) -> dict[str, object]:
    head, *rows = datatable
    assert head == ["felt", "værdi"], head
    record = {(name := _field(felt)): _value(name, vaerdi) for felt, vaerdi in rows}
    # the table is the same citizen as the Python tests' standard citizen
    assert Citizen.from_dict(record) == Citizen.from_dict(STANDARD)
    return record


@given("en borger med standardoplysninger", target_fixture="borger")
def _standard(standard: dict[str, object]) -> dict[str, object]:
    return dict(standard)


@given("en jobparat borger med fleksibelt jobmål", target_fixture="borger")
def _ready_flexible(standard: dict[str, object]) -> dict[str, object]:
    return dict(standard, **dict.fromkeys(CRITERIA, "yes"), job_goal_level="unskilled")


@given(parsers.parse('borgerens "{felt}" er "{vaerdi}"'))
def _set(borger: dict[str, object], felt: str, vaerdi: str) -> None:
    name = _field(felt)
    borger[name] = _value(name, vaerdi)


@when("anbefalingen beregnes", target_fixture="forslag")
def _recommend(borger: dict[str, object]) -> Recommendation:
    return recommend(borger)


@when(parsers.parse('borgerens "{felt}" ændres til "{vaerdi}"'), target_fixture="efter")
def _change(borger: dict[str, object], felt: str, vaerdi: str) -> Recommendation:
    name = _field(felt)
    return recommend(dict(borger, **{name: _value(name, vaerdi)}))


@then(parsers.parse('er typologien "{typologi}"'))
def _typology(forslag: Recommendation, typologi: str) -> None:
    assert forslag.typology.code == TYPOLOGY.parse(typologi)


@then(parsers.parse('er det første tilbud "{a}" eller "{b}"'))
def _first(forslag: Recommendation, a: str, b: str) -> None:
    assert forslag.top_offer in (_offer(a), _offer(b)), forslag


@then("vises alle fire tilbud i en rangordning")
def _four(forslag: Recommendation) -> None:
    assert sorted(o.offer for o in forslag.offers) == sorted(OFFER.codes)
    assert [o.rank for o in forslag.offers] == [1, 2, 3, 4]


@then("summer chancerne for hvert tilbud til 100 %")
def _sum_chances(forslag: Recommendation) -> None:
    for o in forslag.offers:
        assert abs(sum(o.probabilities.values()) - 1) < 1e-9


@then("summer andelene for de anbefalede tilbud til 100 %")
def _sum_p_best(forslag: Recommendation) -> None:
    assert abs(sum(o.p_best for o in forslag.offers if o.advised) - 1) < 1e-9


@then("har tilbud, der ikke anbefales, andelen 0 %")
def _blocked_zero(forslag: Recommendation) -> None:
    assert all(o.p_best == 0 for o in forslag.offers if not o.advised)


@then("står de frarådede tilbud sidst")
def _blocked_last(forslag: Recommendation) -> None:
    flags = [o.advised for o in forslag.offers]
    assert flags == sorted(flags, reverse=True) and not all(flags), forslag


@then("stiger den forventede værdi aldrig mere end tie-margenen ned gennem de anbefalede tilbud")
def _never_rises(forslag: Recommendation) -> None:
    advised = [o for o in forslag.offers if o.advised]
    margin = load_rules().tie_margin
    assert all(b.score - a.score < margin for a, b in zip(advised, advised[1:])), forslag


@then(parsers.parse('forklarer skærmen rækkefølgen med "{tekst}"'))
def _order_rule_shown(forslag: Recommendation, tekst: str) -> None:
    assert f"  {tekst}" in render(forslag)


@then("har hvert tilbud med lidt erfaring en advarsel om, at estimatet er trukket mod gennemsnittet")
def _low_evidence_warned(forslag: Recommendation) -> None:
    low = [o for o in forslag.offers if o.support == "low"]
    assert low, "the scenario needs an offer with little experience"
    for o in low:
        assert any(w.code == "low_support" and "trukket mod gennemsnittet" in w.da for w in o.warnings)


@then("nævner vurderingen det første tilbud først")
def _verdict_names_first(forslag: Recommendation) -> None:
    assert forslag.verdict is not None and forslag.verdict.indistinct[0] == forslag.top_offer
    label = OFFER.label(forslag.top_offer, "da")
    message = forslag.verdict_message.da if forslag.verdict_message else ""
    assert label in message and all(
        message.index(label) <= message.index(OFFER.label(o, "da")) for o in forslag.verdict.indistinct
    )


@then("er det første tilbud det, der oftest er bedst i modellens genberegninger")
def _first_is_most_often_best(forslag: Recommendation) -> None:
    assert forslag.offers[0].p_best == max(o.p_best for o in forslag.offers)


@then(parsers.parse('er linjen under overskriften "{linje}"'))
def _provenance_first(forslag: Recommendation, linje: str) -> None:
    assert render(forslag).splitlines()[2] == linje


@then("står vurderingen lige under den")
def _verdict_below(forslag: Recommendation) -> None:
    assert render(forslag).splitlines()[3].startswith("Vurdering: ")


@then(parsers.parse('giver reglen "{regel}" typologien "{typologi}"'))
def _rule_gives(forslag: Recommendation, regel: str, typologi: str) -> None:
    assert forslag.typology.rule_da == regel and forslag.typology.code == TYPOLOGY.parse(typologi)


@then(parsers.parse('siger ingen begrundelse om "{felt}" det modsatte af rapportens retning'))
def _not_against_report(borger: dict[str, object], forslag: Recommendation, felt: str) -> None:
    name = _field(felt)
    value = Citizen.from_dict(borger).to_dict()[name]
    common = load_model().manifest.baseline[name]
    directions = [d for d in field_directions() if d.field == name]
    assert directions, f"rapporten dokumenterer ingen retning for {felt!r}"
    for o in forslag.offers:
        for r in o.reasons:
            if r.code == f"input:{name}":
                said = 1 if "højere forventet værdi" in r.da else -1
                assert all(d.compare(value, common) in (0, said) for d in directions), r.da


@then(parsers.parse('advarer anbefalingen øverst om tynde data og nævner "{felt}"'))
def _thin_warned(forslag: Recommendation, felt: str) -> None:
    warning = next((w for w in forslag.warnings if w.code == "sparse_data"), None)
    assert warning is not None and felt in warning.da, forslag.warnings
    assert render(forslag).splitlines()[4] == f"Advarsel: {warning.da}"


@then(parsers.parse("gav mindst {n:d} tidligere borgere hvert af borgerens svar"))
def _answers_common(borger: dict[str, object], n: int) -> None:
    rules = load_rules()
    assert rules.sparse_data_min == n
    record = Citizen.from_dict(borger).to_dict()  # codes, as recommend() counts them
    assert sparse_fields(record, load_model(), rules.sparse_data_min) == ()


@then(
    parsers.parse(
        'advarer anbefalingen øverst om tynde data: få tidligere borgere med svaret "{svar}" på "{felt}" '
        'fik "{tilbud}"'
    )
)
def _thin_combination(forslag: Recommendation, svar: str, felt: str, tilbud: str) -> None:
    warning = next((w for w in forslag.warnings if w.code == "sparse_data"), None)
    assert warning is not None and warning.da.startswith("Tynde data: få tidligere borgere med svaret "), (
        warning
    )
    assert f"«{svar}» på «{felt}» fik «{OFFER.label(_offer(tilbud), 'da')}»" in warning.da, warning.da
    assert render(forslag).splitlines()[4] == f"Advarsel: {warning.da}"


@then(
    parsers.parse(
        'ændrer svaret på "{felt}" værdien af "{tilbud}" {grad} tie-margenen '
        "i forhold til de anbefalede tilbud"
    )
)
def _relied(borger: dict[str, object], forslag: Recommendation, felt: str, tilbud: str, grad: str) -> None:
    # the model's own effect of the answer (the value with it minus the value with the field at its
    # baseline), per offer, against its mean over the advised offers
    rules = load_rules()
    d = load_model().assess(borger, rules.outcome_weights).deltas[_field(felt)]
    advised = np.array([forslag.offer(o).advised for o in OFFER.codes])
    contrast = abs(d[OFFER.codes.index(_offer(tilbud))] - d[advised].mean())
    assert grad in ("mindst", "mindre end"), grad
    assert (contrast >= rules.tie_margin) == (grad == "mindst"), contrast


@then(
    parsers.parse(
        'havde færre end {n:d} af de tidligere borgere, der fik "{tilbud}", svaret "{svar}" på "{felt}"'
    )
)
def _thin_pair(borger: dict[str, object], n: int, tilbud: str, svar: str, felt: str) -> None:
    record = Citizen.from_dict(borger).to_dict()
    name = _field(felt)
    assert record[name] == _value(name, svar)
    found = dict(((f, o), c) for f, o, c in thin_combinations(record, load_model(), n, [_offer(tilbud)]))
    assert (name, _offer(tilbud)) in found, found


@then("advarer anbefalingen ikke om tynde data")
def _not_thin(forslag: Recommendation) -> None:
    assert not any(w.code == "sparse_data" for w in forslag.warnings), forslag.warnings


@then("er det første tilbud et klart førstevalg")
def _clear(forslag: Recommendation) -> None:
    assert forslag.verdict is not None and forslag.verdict.distinguishable
    assert forslag.verdict_message is not None and forslag.verdict_message.da.startswith("Klart førstevalg")


@then(parsers.parse('anbefales "{tilbud}" ikke'))
def _not_advised(forslag: Recommendation, tilbud: str) -> None:
    assert not forslag.offer(_offer(tilbud)).advised


@then(
    parsers.parse(
        'siger vurderingen "{klar}", når det første tilbud er bedst i mindst 60 % af '
        'genberegningerne og data ikke er tynde, og ellers "{uklar}"'
    )
)
def _verdict(forslag: Recommendation, klar: str, uklar: str) -> None:
    first = forslag.offers[0]
    thin = any(w.code == "sparse_data" for w in forslag.warnings)
    expected = klar if first.p_best >= CLEAR_P_BEST and not thin else uklar
    assert forslag.verdict_message is not None and forslag.verdict_message.da.startswith(expected)


@then(parsers.parse('lyder vurderingen "{tekst}"'))
def _verdict_says(forslag: Recommendation, tekst: str) -> None:
    assert forslag.verdict_message is not None and forslag.verdict_message.da.startswith(tekst)
    assert forslag.verdict is not None and not forslag.verdict.distinguishable


@then(parsers.parse('nævner ingen begrundelse "{a}" eller "{b}"'))
def _no_reason(forslag: Recommendation, a: str, b: str) -> None:
    for o in forslag.offers:
        for r in o.reasons:
            assert a not in r.da and b not in r.da, r.da


@then("er rangordningen, chancerne og andelene uændrede")
def _unchanged(forslag: Recommendation, efter: Recommendation) -> None:
    assert [o.offer for o in forslag.offers] == [o.offer for o in efter.offers]
    for a, b in zip(forslag.offers, efter.offers):
        assert np.allclose(list(a.probabilities.values()), list(b.probabilities.values()), atol=1e-12)
        assert abs(a.p_best - b.p_best) < 1e-12 and a.support == b.support
    assert forslag.verdict == efter.verdict


@then(parsers.parse('falder chancen for "{udfald}" ved "{tilbud}" ikke'))
def _not_lower(forslag: Recommendation, efter: Recommendation, udfald: str, tilbud: str) -> None:
    k, o = _outcome(udfald), _offer(tilbud)
    before, after = forslag.offer(o).probabilities[k], efter.offer(o).probabilities[k]
    assert after >= before - 1e-9, (before, after)


@then(parsers.parse('er chancen for "{udfald}" ved "{a}" større end ved "{b}"'))
def _greater(forslag: Recommendation, udfald: str, a: str, b: str) -> None:
    k = _outcome(udfald)
    assert forslag.offer(_offer(a)).probabilities[k] > forslag.offer(_offer(b)).probabilities[k]
