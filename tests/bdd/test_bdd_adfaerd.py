"""Step definitions for features/adfaerd.feature: the built-in model's behaviour (minimum cases,
invariances, directional expectations), run against the built-in model and the default rules."""

from __future__ import annotations

import numpy as np
from pytest_bdd import given, parsers, scenarios, then, when

from _rules_support import STANDARD
from recommender import Recommendation, recommend
from recommender.recommending.certainty import CLEAR_P_BEST
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
    code = next((c for c in OUTCOME.codes if OUTCOME.label(c, "da").casefold().startswith(danish.casefold())),
                None)
    assert code is not None, f"ukendt afslutning {danish!r}"
    return code


@given("en borger med standardoplysninger", target_fixture="borger")
def _standard() -> dict[str, object]:
    return dict(STANDARD)


@given("en jobparat borger med fleksibelt jobmål", target_fixture="borger")
def _ready_flexible() -> dict[str, object]:
    return dict(STANDARD, **dict.fromkeys(CRITERIA, "yes"), job_goal_level="unskilled")


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


@then("kommer alle anbefalede tilbud med tilstrækkelig erfaring før anbefalede tilbud med lidt erfaring")
def _evidence_first(forslag: Recommendation) -> None:
    flags = [o.support == "low" for o in forslag.offers if o.advised]
    assert flags == sorted(flags), forslag


@then(parsers.parse('anbefales "{tilbud}" ikke'))
def _not_advised(forslag: Recommendation, tilbud: str) -> None:
    assert not forslag.offer(_offer(tilbud)).advised


@then(parsers.parse('siger vurderingen "{klar}", når det første tilbud er bedst i mindst 60 % af '
                    'genberegningerne, og ellers "{uklar}"'))
def _verdict(forslag: Recommendation, klar: str, uklar: str) -> None:
    first = forslag.offers[0]
    expected = klar if first.p_best >= CLEAR_P_BEST else uklar
    assert forslag.verdict_message is not None and forslag.verdict_message.da.startswith(expected)


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
