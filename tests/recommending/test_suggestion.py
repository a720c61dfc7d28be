"""Issue 24 acceptance: one order, a verdict that agrees with it, where the numbers come from, the
report's directions and thin data (points 1-5; the BDD scenarios are in features/adfaerd.feature)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import numpy as np
import pytest
from _rules_support import STANDARD
from _service_support import engine  # noqa: F401

from recommender import recommend
from recommender.analysis.directions import direction_signs
from recommender.analysis.suggestion import order_figures, random_intake
from recommender.errors import RecommenderError
from recommender.model import load_model, train
from recommender.modelling.estimates import OfferEstimates, Reason
from recommender.recommending.certainty import NAMED_P_BEST
from recommender.recommending.directions import (
    against_report,
    field_directions,
    offer_directions,
)
from recommender.recommending.evidence import shrink_estimates
from recommender.recommending.screen import render
from recommender.recommending.sparse import combination_counts, sparse_fields, thin_combinations
from recommender.synth import generate_cohort
from recommender.typology import load_rules
from recommender.vocab import LABOUR_FORCE_OUTCOMES, OFFER

ROOT = Path(__file__).resolve().parents[2]
CASE_COLUMNS = ("offer", "outcome", "duration_days", "enrolled_on", "closed_on")
DEMO = "Demonstrationsmodel: trænet på syntetiske data, ikke på rigtige forløb"


@pytest.fixture(scope="module")
def figures() -> dict:
    return order_figures(random_intake(2000, seed=24), load_model(), load_rules())


# --- 1 and 2: one order, p_best and the verdict agree with it ------------------------------------


def test_no_list_shows_a_lower_value_above_a_higher_one_by_more_than_the_margin(figures) -> None:
    assert figures["n"] == 2000 and figures["inversions"] == 0


def test_p_best_agrees_with_the_order_and_no_offer_dominates(figures) -> None:
    assert figures["top_p_best_is_rank_1"] >= 0.9, figures
    assert max(figures["rank_1_share"].values()) <= 0.5, figures
    assert max(figures["top_p_best_share"].values()) <= 0.6, figures


def _estimates(score: list[float], propensity: list[float]) -> OfferEstimates:
    w = np.array([1.0, 0.8, 0.4, 0.0])
    proba = np.zeros((1, 4, 4))
    for j, s in enumerate(score):  # job share s, the rest "other": expected value s
        proba[0, j] = [s, 0.0, 0.0, 1 - s]
    sc = proba @ w
    return OfferEstimates(
        proba,
        proba - 0.05,
        np.minimum(proba + 0.05, 1),
        sc,
        sc - 0.05,
        sc + 0.05,
        np.array([propensity]),
        np.array([["ok", "ok", "ok", "low"]]),
        np.array([36, 58, 28, 97]),
    )


def test_an_offer_few_citizens_had_is_pulled_towards_the_centre_and_its_interval_reaches_the_model() -> None:
    raw = _estimates([0.5, 0.5, 0.5, 0.9], [0.3, 0.3, 0.38, 0.02])
    shrunk = shrink_estimates(raw, 219.0, np.array([1.0, 0.8, 0.4, 0.0]))
    centre = float((raw.score * raw.propensity).sum() / raw.propensity.sum())
    # about 4 citizens like this one had it (0.02 x 219): its contrast keeps 4.4 / (4.4 + 20) of itself
    assert shrunk.score[0, 3] - centre < 0.19 * (raw.score[0, 3] - centre)
    assert abs(shrunk.score[0, 0] - centre) < abs(raw.score[0, 0] - centre)
    assert shrunk.score_low[0, 3] <= shrunk.score[0, 3] and shrunk.score_high[0, 3] >= 0.9
    assert np.allclose(shrunk.proba.sum(axis=2), 1) and (shrunk.proba >= 0).all()
    assert np.allclose(shrunk.score, shrunk.proba @ np.array([1.0, 0.8, 0.4, 0.0]))
    plenty = shrink_estimates(raw, 1e9, np.array([1.0, 0.8, 0.4, 0.0]))
    assert np.allclose(plenty.score, raw.score, atol=1e-6), "with plenty of evidence, the model's estimate"


@pytest.mark.parametrize("name", ["flexible", "ambitious", "uncertain", "unrealistic", "no_goal"])
def test_the_verdict_names_rank_one_or_a_group_containing_it(name) -> None:
    rec = recommend(json.loads((ROOT / "examples" / f"{name}.json").read_text(encoding="utf-8")))
    assert rec.verdict is not None and rec.verdict.first == rec.top_offer
    assert rec.verdict.indistinct[0] == rec.top_offer
    if rec.verdict.distinguishable:
        assert rec.verdict.indistinct == (rec.top_offer,)
        assert rec.offers[0].p_best == max(o.p_best for o in rec.offers)
    advised = [o for o in rec.offers if o.advised]
    assert all(b.score - a.score < load_rules().tie_margin for a, b in zip(advised, advised[1:]))


# --- 3: provenance first -------------------------------------------------------------------------


def test_a_synthetic_model_says_so_first_on_the_screen_and_in_the_json() -> None:
    rec = recommend(dict(STANDARD))
    contract = json.loads(json.dumps(rec.to_dict()))
    assert contract["model"]["synthetic"] is True
    assert contract["provenance"]["code"] == "synthetic_model" and contract["provenance"]["da"].startswith(
        DEMO
    )
    lines = render(rec).splitlines()
    assert lines[2].startswith(DEMO) and lines[3].startswith("Vurdering: ")
    assert render(rec, "en").splitlines()[2].startswith("Demonstration model: trained on synthetic data")


def test_a_model_trained_on_real_cases_names_its_cohort(tmp_path) -> None:
    frame = generate_cohort(400, seed=5).frame
    frame["citizen_id"] = [f"K{i:05d}" for i in range(len(frame))]  # not the generator's ids: "real"
    model = train(frame, n_bootstrap=2)
    assert model.manifest.synthetic is False
    rec = recommend(dict(STANDARD), model=model)
    line = rec.provenance.da
    assert rec.provenance.code == "cohort_model" and "Demonstrationsmodel" not in line
    assert "400 afsluttede forløb" in line and "Aarhus" in line and "Rødovre" in line
    start, end = frame["closed_on"].min(), frame["closed_on"].max()
    assert f"afsluttet {start:%Y-%m-%d} til {end:%Y-%m-%d}" in line
    assert render(rec).splitlines()[2] == line


def test_page_cli_screen_and_api_say_the_same(tmp_path, engine) -> None:  # noqa: F811
    from test_web import Web, running

    gen = running(Web(tmp_path, engine))
    web = next(gen)
    try:
        headers = web.user("anna")
        web.login("anna")
        record = json.loads((ROOT / "examples" / "flexible.json").read_text(encoding="utf-8"))
        api = web.client.post("/api/v1/recommendations", json=record, headers=headers).json()
        contract = api["recommendation"]
        page = web.client.get(f"/recommendations/{api['id']}").text
        screen = render(recommend(record))
    finally:
        gen.close()

    def page_text(da: str) -> str:
        return re.sub(r"(?<=\d) %", "\u00a0%", html.escape(da, quote=False))

    # provenance: first on the screen, above the verdict on the page, the same words in the API
    provenance = contract["provenance"]["da"]
    assert screen.splitlines()[2] == provenance
    assert page.index(page_text(provenance)) < page.index("data-verdict=")
    # verdict
    verdict = contract["verdict"]["message"]["da"]
    assert f"Vurdering: {verdict}" in screen and page_text(verdict) in page
    # the thin-data warning (for this citizen an answer x offer combination): the same words, near the top
    thin = next(w["da"] for w in contract["warnings"] if w["code"] == "sparse_data")
    assert "fik «" in thin and screen.splitlines()[4] == f"Advarsel: {thin}" and page_text(thin) in page
    assert page.index(page_text(thin)) < page.index('data-offer="')
    # order
    order = [o["offer"] for o in contract["offers"]]
    assert re.findall(r'data-offer="([a-z_]+)" data-rank="\d"', page) == order
    screen_order = re.findall(r"^  (\d)  (\S+)", screen, flags=re.MULTILINE)
    assert [OFFER.parse(label) for _, label in screen_order] == order
    assert page_text(contract["order_rule"]["da"]) in page and contract["order_rule"]["da"] in screen


# --- 4: the report's directions ------------------------------------------------------------------


def test_the_directions_file_quotes_the_report() -> None:
    report = Path("/work/shared/projekt500/evalueringsrapport.txt")
    names = {d.name for d in field_directions()} | {d.name for d in offer_directions()}
    assert {"danish_course", "education_home_some", "long_higher_education", "labour_force_by_offer"} <= names
    sources = " ".join(d.source for d in (*field_directions(), *offer_directions()))
    for must in ("Tabel 4", "Figur 1", "Afsnit 7", "Tabel 38"):
        assert must in sources
    if report.exists():  # the quotes are the report's own words (line breaks and their hyphens aside)
        text = " ".join(re.sub(r"-\s*\n\s*", "", report.read_text(encoding="utf-8")).split())
        for d in (*field_directions(), *offer_directions()):
            assert d.quote in text, d.name


@pytest.fixture(scope="module")
def synthetic() -> object:
    return generate_cohort(2000, seed=2024).frame


def test_the_built_in_model_agrees_in_sign_with_every_documented_direction(synthetic) -> None:
    signs = direction_signs(load_model(), synthetic)
    assert len(signs) == len(field_directions()) + len(offer_directions())
    for name, s in signs.items():
        assert s["sign"] == 1 and s["mean"] > 0, (name, s)


def test_the_synthetic_generator_follows_every_documented_direction() -> None:
    frame = generate_cohort(50_000, seed=11).frame
    lf = frame["outcome"].isin(LABOUR_FORCE_OUTCOMES)
    measure = {"labour_force": lf, "job_or_education": frame["outcome"].isin(["job", "education"])}
    for d in field_directions():
        share = measure[d.measure].groupby(frame[d.field].astype(str), observed=True).mean()
        levels = dict(d.levels)
        for hi in levels:
            for lo in levels:
                if levels[hi] > levels[lo]:
                    assert share[hi] > share[lo], (d.name, hi, lo, share.to_dict())
    for o in offer_directions():
        had = frame[frame["offer"].astype(str) == (o.offer or "")]
        if o.recipients:
            shares = [lf[frame["offer"].astype(str) == code].mean() for code in o.recipients]
            assert shares == sorted(shares, reverse=True), (o.name, shares)
        else:
            counts = had["outcome"].astype(str).value_counts()
            assert counts[o.more] > counts[o.less], o.name


def test_a_reason_against_a_documented_direction_is_recognised() -> None:
    du3_lower = Reason("danish_course", "du3", "du2", "", "", "-", 0.02, -0.1)
    assert against_report(du3_lower) is not None and against_report(du3_lower).source.startswith("Tabel 4")
    assert against_report(Reason("danish_course", "du3", "du2", "", "", "+", 0.02, 0.1)) is None
    assert against_report(Reason("danish_course", "du1", "none", "", "", "-", 0.02, 0.1)) is None
    assert against_report(Reason("education_home", "long_higher", "vocational", "", "", "+", 0.02, 0.1))


def test_no_why_line_states_an_association_against_the_report() -> None:
    baseline = load_model().manifest.baseline
    frame = random_intake(40, seed=4)
    homes = ["none", "primary", "long_higher", "vocational"]
    checked = 0
    for i, record in enumerate(frame.to_dict("records")):
        record["danish_course"] = "du3"  # the case: 77,3 % in the labour force (tabel 4)
        record["education_home"] = homes[i % len(homes)]
        for o in recommend(record).offers:
            for r in o.reasons:
                field = r.code.split(":", 1)[1] if r.code.startswith("input:") else None
                for d in field_directions():
                    if d.field != field:
                        continue
                    checked += 1
                    said = 1 if "højere forventet værdi" in r.da else -1
                    assert d.compare(record[field], baseline[field]) in (0, said), (d.name, r.da)
    assert checked > 0


# --- 5: thin data --------------------------------------------------------------------------------


def test_an_answer_few_earlier_citizens_gave_warns_and_is_never_clear() -> None:
    for field, value, words in (
        ("wants_employment", "no", "ønsker overordnet set at komme i arbejde"),
        ("spouse_support", "not_at_all", "ægtefælle og familie bakker op om arbejde"),
    ):
        rec = recommend(dict(STANDARD, **{field: value}))
        warning = next(w for w in rec.warnings if w.code == "sparse_data")
        assert words in warning.da and "færre end 10" in warning.da
        assert rec.verdict is not None and rec.verdict.distinguishable is False
        assert rec.verdict_message is not None and rec.verdict_message.da.startswith("Ingen klar forskel")
        lines = render(rec).splitlines()
        assert lines[4].startswith("Advarsel: Tynde data"), lines[:6]
    # the standard citizen's single answers are all common (its combinations are not: see below)
    assert sparse_fields(dict(STANDARD), load_model(), load_rules().sparse_data_min) == ()


# Issue 24 (combinations): the standard citizen searches broadly (searches_broadly = yes), a common
# answer, but few of the earlier citizens who received internship or counselling had given it; and the
# model relies on that answer for the ranking: it moves those offers against the others by more than the
# tie margin.
BROAD = "«ja» på «søger bredt ift. alle rimelige job» fik «virksomhedspraktik»"


def _contrasts(record: dict, model, rules) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The model's own effect of each answer against the baseline, per offer, minus its mean over the
    advised offers (field -> (k,)), and the advised offers, computed here from ``assess``."""
    rec = recommend(record, model=model, rules=rules)
    advised = np.array([next(o for o in rec.offers if o.offer == c).advised for c in OFFER.codes])
    deltas = model.assess(record, rules.outcome_weights).deltas
    return {f: d - d[advised].mean() for f, d in deltas.items()}, advised


def test_a_common_answer_with_an_offer_few_such_citizens_had_warns_and_is_never_clear() -> None:
    model, rules = load_model(), load_rules()
    minimum = rules.sparse_data_min
    record = dict(STANDARD)
    assert sparse_fields(record, model, minimum) == ()
    rec = recommend(record)
    about = [o.offer for o in rec.offers if o.advised and (o.rank == 1 or o.p_best >= NAMED_P_BEST)]
    # the model relies on the answer for internship: the answer moves internship's value against the
    # other advised offers' by at least the tie margin (the model's own effects, computed here)
    contrast, advised = _contrasts(record, model, rules)
    j = OFFER.codes.index("internship")
    assert "internship" in about and abs(contrast["searches_broadly"][j]) >= rules.tie_margin
    # and the reasons' sizes are the same effects (the top reason of each offer is its largest |delta|)
    deltas = model.assess(record, rules.outcome_weights).deltas
    for o in OFFER.codes:
        top = model.explain(record, o, weights=rules.outcome_weights)[0]
        assert top.size == pytest.approx(abs(deltas[top.field][OFFER.codes.index(o)]), abs=1e-12)
    warning = next(w for w in rec.warnings if w.code == "sparse_data")
    assert warning.da.startswith("Tynde data: få tidligere borgere med svaret ") and BROAD in warning.da
    assert "færre end 10" in warning.da and "svarede som denne borger på" not in warning.da
    assert "«yes» to «searches broadly" in warning.en and "had «internship»" in warning.en
    assert rec.verdict is not None and rec.verdict.distinguishable is False
    assert rec.verdict_message is not None and rec.verdict_message.da.startswith("Ingen klar forskel")
    assert set(rec.verdict.indistinct) >= {
        o for o in OFFER.codes if f"fik «{OFFER.label(o, 'da')}»" in warning.da
    }
    assert render(rec).splitlines()[4].startswith(f"Advarsel: {warning.da[:40]}")
    # the number named is the training cohort's: the answer's share among the offer's recipients times
    # the offer's recipients on the real scale (about 58 of the 219 citizens with an offer)
    frame = generate_cohort(20_000, seed=500).frame
    had = frame[frame["offer"].astype(str) == "internship"]
    expected = (
        had["searches_broadly"].astype(str).eq("yes").mean() * model.manifest.offer_evidence["internship"]
    )
    named = dict(((f, o), n) for f, o, n in thin_combinations(record, model, minimum, ["internship"]))
    assert (
        named[("searches_broadly", "internship")] == pytest.approx(expected, abs=1e-6) and expected < minimum
    )
    assert f"(ca. {round(expected)})" in warning.da
    # only the offers the verdict is about are checked, and of their thin combinations only those the
    # model relies on are named: exactly the ones whose contrast reaches the margin
    relied = {
        (f, o)
        for f, o, _ in thin_combinations(record, model, minimum, about)
        if f in contrast and abs(contrast[f][OFFER.codes.index(o)]) >= rules.tie_margin
    }
    assert relied and all(f"fik «{OFFER.label(o, 'da')}»" in warning.da for _, o in relied)
    for o in set(OFFER.codes) - {o for _, o in relied}:
        assert f"fik «{OFFER.label(o, 'da')}»" not in warning.da


def test_a_thin_combination_the_ranking_does_not_rely_on_gives_no_warning() -> None:
    # Two of the earlier citizens who received internship had an education plan, but having one moves
    # internship's value about as much as the other offers' (contrast far below the tie margin): thin
    # evidence for an effect alike on every offer does not make the choice unclear.
    model, rules = load_model(), load_rules()
    minimum = rules.sparse_data_min
    record = dict(STANDARD, searches_broadly="partly", education_plan=True)
    assert sparse_fields(record, model, minimum) == ()
    rec = recommend(record)
    about = [o.offer for o in rec.offers if o.advised and (o.rank == 1 or o.p_best >= NAMED_P_BEST)]
    thin = thin_combinations(record, model, minimum, about)
    assert ("education_plan", "internship") in {(f, o) for f, o, _ in thin}  # a thin combination ...
    contrast, _ = _contrasts(record, model, rules)
    for f, o, _ in thin:  # ... that the ranking does not rely on
        assert f not in contrast or abs(contrast[f][OFFER.codes.index(o)]) < rules.tie_margin
    assert contrast["education_plan"][OFFER.codes.index("internship")] != 0
    assert not any(w.code == "sparse_data" for w in rec.warnings)
    assert rec.verdict is not None and rec.verdict.distinguishable is True
    # the combinations the ranking relies on (the recommendation's own check) are none
    relied = {f: abs(c) >= rules.tie_margin for f, c in contrast.items()}
    assert thin_combinations(record, model, minimum, about, relied) == ()


@pytest.fixture(scope="module")
def without_offer_profile(tmp_path_factory) -> object:
    """The built-in model written to a file without the manifest's offer_profile (as before issue 24's
    combinations), checksums recomputed."""
    import hashlib

    from recommender.model import save_model
    from recommender.modelling import persist

    path = save_model(load_model(), tmp_path_factory.mktemp("old") / "model.p500")
    line, _digest, payload = path.read_bytes()[len(persist.MAGIC) :].split(b"\n", 2)
    manifest = json.loads(line)
    del manifest["offer_profile"]
    new = json.dumps(manifest, sort_keys=True).encode()
    path.write_bytes(persist.MAGIC + new + b"\n" + hashlib.sha256(new).hexdigest().encode() + b"\n" + payload)
    return load_model(path)


def test_a_model_file_without_the_offer_profile_loads_and_is_not_checked_for_combinations(
    without_offer_profile,
) -> None:
    old = without_offer_profile
    assert old.manifest.offer_profile is None and old.manifest.intake_profile is not None
    assert combination_counts(old) == {} and thin_combinations(dict(STANDARD), old, 10, OFFER.codes) == ()
    rec = recommend(dict(STANDARD), model=old)
    assert not any(w.code == "sparse_data" for w in rec.warnings)
    assert rec.verdict is not None and rec.verdict.distinguishable is True  # as before the combinations
    # single answers are still checked
    thin = recommend(dict(STANDARD, wants_employment="no"), model=old)
    warning = next(w for w in thin.warnings if w.code == "sparse_data")
    assert "svarede som denne borger på" in warning.da and "fik «" not in warning.da


def test_the_threshold_is_the_rules_file_s(tmp_path) -> None:
    text = (ROOT / "recommender" / "rules.yaml").read_text(encoding="utf-8")
    zero = tmp_path / "rules.yaml"
    zero.write_text(text.replace("sparse_data_min: 10", "sparse_data_min: 0"), encoding="utf-8")
    rec = recommend(dict(STANDARD, wants_employment="no"), rules=load_rules(zero))
    assert not any(w.code == "sparse_data" for w in rec.warnings)
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("sparse_data_min: 10", "sparse_data_min: ti"), encoding="utf-8")
    with pytest.raises(RecommenderError, match="sparse_data_min"):
        load_rules(bad)
    assert load_rules().sparse_data_min == 10


def test_the_score_file_agrees_with_recommend_on_thin_data(without_offer_profile) -> None:
    import pandas as pd

    from recommender.recommending.scoring import score_frame

    records = [
        dict(STANDARD, citizen_id=f"T{i}", **extra)
        for i, extra in enumerate(
            (
                {},  # a thin combination the ranking relies on
                {"searches_broadly": "partly", "education_plan": True},  # one it does not rely on
                {"wants_employment": "no"},
                {"spouse_support": "not_at_all"},
                {"children_under_18": 6},
            )
        )
    ]
    synthetic = generate_cohort(60, seed=24).frame  # realistic intake: some clear, some thin
    case = [c for c in synthetic.columns if c in CASE_COLUMNS or c.endswith("_closing")]
    intake = synthetic.drop(columns=case)
    seen = set()
    for model in (load_model(), without_offer_profile):
        for frame in (pd.DataFrame(records), intake):
            scored = score_frame(frame, model, load_rules())
            for i, record in enumerate(frame.to_dict("records")):
                record = {k: v for k, v in record.items() if not (isinstance(v, float) and v != v)}
                rec = recommend(record, model=model)
                assert bool(scored.loc[i, "distinguishable"]) == rec.verdict.distinguishable
                seen.add((rec.verdict.distinguishable, any(w.code == "sparse_data" for w in rec.warnings)))
                for o in rec.offers:
                    assert scored.loc[i, f"{o.offer}_rank"] == o.rank
                    assert abs(scored.loc[i, f"{o.offer}_score"] - o.score) < 1e-9
                    assert abs(scored.loc[i, f"{o.offer}_p_best"] - o.p_best) < 1e-9
    assert {(True, False), (False, True)} <= seen, "clear and thin citizens both checked"


def test_a_thin_count_under_five_is_never_shown_as_a_number() -> None:
    """Counts behind the thin-data warning are people when the model is trained on real cases: under 5
    they read "under 5", as the monitor and the export hide small cells (issue 28 #7)."""
    record = json.loads((Path(__file__).parents[2] / "examples/target_group/no_offer_fits.json").read_text())
    warning = next(w for w in recommend(record).warnings if w.code == "sparse_data")
    assert "(under 5)" in warning.da and "(under 5)" in warning.en
    assert not re.search(r"\((ca\.|about) [0-4]\)", warning.da + warning.en)
