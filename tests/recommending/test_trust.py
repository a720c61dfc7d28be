"""Issue 12 acceptance: a suggestion an adviser can trust (built-in model, p_best and verdict, true and
usable reasons, plain Danish). Issue 24 replaced the evidence rule by one ordering rule with evidence
shrinkage (tests/test_suggestion.py); the assertions here follow it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from recommender import recommend
from recommender.cli import main
from recommender.model import load_model
from recommender.recommending.certainty import CLEAR_P_BEST, NAMED_P_BEST, p_best
from recommender.recommending.ranking import REASON_CODES, rank_matrix, rank_offers, rank_reasons
from recommender.recommending.scoring import score_frame
from recommender.recommending.screen import render
from recommender.recommending.sparse import fewest_answers, thin_relied
from recommender.synth import generate_cohort
from recommender.typology import load_rules
from recommender.vocab import FIELDS, OFFER

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.json"))
_CASE_COLUMNS = ["offer", "outcome", "duration_days", "enrolled_on", "closed_on"]


@pytest.fixture(scope="module")
def intake() -> pd.DataFrame:
    frame = generate_cohort(5_000, seed=12).frame
    return frame.drop(columns=[c for c in frame.columns if c in _CASE_COLUMNS or c.endswith("_closing")])


@pytest.fixture(scope="module")
def scored(intake) -> pd.DataFrame:
    return score_frame(intake, load_model(), load_rules())


@pytest.mark.slow
def test_no_offer_is_first_for_nearly_every_citizen(scored) -> None:
    # Issue 24 changed this bound: it was "at most half" of this synthetic intake, met by the evidence
    # rule that issue 24 removed. With one ordering rule, afklaringsforløb is first for about 55 % of
    # this intake (ambitious and uncertain, the common typologies here, prefer it within the tie
    # margin); the "at most half" bound now holds on random intake records (tests/test_suggestion.py).
    shares = scored["top_offer"].value_counts(normalize=True)
    assert shares.max() <= 0.6, shares.to_dict()
    assert set(shares.index) == set(OFFER.codes), "every offer is first for someone"


@pytest.mark.slow
def test_down_the_advised_list_the_value_never_rises_by_the_tie_margin(scored) -> None:
    codes, margin = OFFER.codes, load_rules().tie_margin
    score = np.column_stack([scored[f"{o}_score"].to_numpy(float) for o in codes])
    rank = np.column_stack([scored[f"{o}_rank"].to_numpy() for o in codes])
    advised = np.column_stack([scored[f"{o}_advised"].to_numpy(bool) for o in codes])
    order = np.argsort(rank, axis=1)
    rows = np.arange(len(score))[:, None]
    s, a = score[rows, order], advised[rows, order]
    assert (a[:, :-1] | ~a[:, 1:]).all(), "advised before blocked"
    rises = np.where(a[:, 1:], s[:, 1:] - s[:, :-1], -np.inf)
    assert rises.max() < margin


@pytest.mark.slow
def test_rank_reason_codes_agree_with_the_values_in_every_row(scored) -> None:
    margin = load_rules().tie_margin
    codes = OFFER.codes
    score = np.column_stack([scored[f"{o}_score"].to_numpy(float) for o in codes])
    rank = np.column_stack([scored[f"{o}_rank"].to_numpy() for o in codes])
    advised = np.column_stack([scored[f"{o}_advised"].to_numpy(bool) for o in codes])
    why = np.column_stack([scored[f"{o}_rank_reason"].to_numpy(object) for o in codes])
    assert set(np.unique(why)) <= set(REASON_CODES)
    for i in range(len(scored)):
        order = np.argsort(rank[i])
        for pos, j in enumerate(order):
            code, s = why[i, j], score[i, j]
            others = [k for k in range(4) if advised[i, k] and k != j]
            prev = order[pos - 1] if pos else None
            if code == "blocked":
                assert not advised[i, j]
            elif code == "highest_score":
                assert pos == 0 and all(s >= score[i, k] for k in others)
            elif code == "tie_preferred_order":
                assert pos == 0 and any(0 < score[i, k] - s < margin for k in others)
            elif code == "lower_score":
                assert score[i, prev] >= s
            elif code == "tie_after":
                assert 0 < s - score[i, prev] < margin


@pytest.mark.slow
def test_p_best_sums_to_one_and_distinguishable_follows_it(scored, intake) -> None:
    codes = OFFER.codes
    pb = np.column_stack([scored[f"{o}_p_best"].to_numpy(float) for o in codes])
    advised = np.column_stack([scored[f"{o}_advised"].to_numpy(bool) for o in codes])
    rank = np.column_stack([scored[f"{o}_rank"].to_numpy() for o in codes])
    some = advised.any(axis=1)
    assert np.allclose(pb[some].sum(axis=1), 1.0) and (pb[~advised] == 0).all()
    first = pb[np.arange(len(pb)), rank.argmin(axis=1)]
    minimum = load_rules().sparse_data_min
    thin = fewest_answers(intake, load_model()) < minimum
    # issue 24 changed this assertion: a rare answer x offer combination of an offer the verdict is about
    # (rank 1 or best in at least 10 % of the draws) that the model relies on for the ranking (the answer
    # moves the offer against the other advised offers by at least the tie margin) also makes the data thin
    about = advised & ((rank == 1) | (pb >= NAMED_P_BEST))
    model, rules = load_model(), load_rules()
    raw = model.point_scores(intake, rules)
    thin |= thin_relied(intake, model, rules, raw, advised, about, skip=thin)
    assert (scored["distinguishable"].to_numpy(bool) == (some & (first >= CLEAR_P_BEST) & ~thin)).all()
    # both verdicts occur in a real intake (docs/model.md gives the shares)
    assert 0 < scored["distinguishable"].mean() < 1


def test_p_best_from_recommend_and_from_score_agree(intake, tmp_path) -> None:
    rows = intake.head(25)
    path = tmp_path / "in.csv"
    rows.to_csv(path, index=False)
    out = tmp_path / "out.csv"
    assert main(["score", str(path), "--out", str(out)]) == 0
    written = pd.read_csv(out)
    for i, record in enumerate(rows.to_dict(orient="records")):
        record = {k: v for k, v in record.items() if not (isinstance(v, float) and np.isnan(v))}
        rec = recommend(record)
        for o in rec.offers:
            assert abs(o.p_best - written.loc[i, f"{o.offer}_p_best"]) < 1e-9
            assert o.reasons[0].code == written.loc[i, f"{o.offer}_rank_reason"]
            assert o.rank == written.loc[i, f"{o.offer}_rank"]
        assert bool(written.loc[i, "distinguishable"]) == rec.verdict.distinguishable


def test_p_best_counts_draws_where_the_offer_is_best_among_advised() -> None:
    draws = np.array(
        [[[0.9, 0.5, 0.4, 0.1]], [[0.2, 0.5, 0.6, 0.1]], [[0.2, 0.7, 0.6, 0.1]], [[0.2, 0.7, 0.6, 0.1]]]
    )
    assert p_best(draws, np.array([[False, True, True, True]])).tolist() == [[0.0, 0.75, 0.25, 0.0]]
    assert p_best(draws, np.zeros((1, 4), bool)).tolist() == [[0.0, 0.0, 0.0, 0.0]]


def test_the_order_follows_the_value_whatever_the_evidence() -> None:
    scores = {"a": 0.9, "b": 0.5, "c": 0.4}
    assert rank_offers(scores, {}, ["c", "b", "a"], 0.02) == ["a", "b", "c"]
    s = np.array([[0.9, 0.5, 0.4]])
    r = rank_matrix(s, np.zeros((1, 3), bool), np.array([[2, 1, 0]]), 0.02)
    assert r.tolist() == [[1, 2, 3]]
    assert rank_reasons(s, np.zeros((1, 3), bool), r).tolist() == [
        ["highest_score", "lower_score", "lower_score"]
    ]


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_example_reads_true_and_plain(path) -> None:
    rec = recommend(json.loads(path.read_text(encoding="utf-8")))
    text = render(rec)
    assert text.splitlines()[2].startswith("Demonstrationsmodel: trænet på syntetiske data")
    head = text.splitlines()[3]
    assert head.startswith("Vurdering: ")
    if rec.ranking_message is not None:  # a target-group or no-offer-fits verdict first (issue 26)
        head = text.splitlines()[4]
        assert head.startswith("  Rangordningen nedenfor, til orientering: ")
    assert "Klart førstevalg" in head or "Ingen klar forskel" in head
    assert "Advarsel: Forsigtighed" not in text and "sandsynlighed for tilbuddet" not in text
    assert "typology" not in text and "partly" not in text
    reasons = " ".join(r.da for o in rec.offers for r in o.reasons)
    assert not re.search(r"\b(øger|sænker)\b", reasons), "associations, not effects"
    assert rec.typology.rule_da and f"«{rec.typology.rule_da}»" in text
    for o in rec.offers:
        fields = [r.code.split(":", 1)[1] for r in o.reasons if r.code.startswith("input:")]
        assert not {"municipality", "years_in_denmark"} & set(fields)
        assert all("hænger sammen med" in r.da for r in o.reasons if r.code.startswith("input:"))
        if o.reasons[0].code == "lower_score":
            assert f"{o.score:.2f}".replace(".", ",") in o.reasons[0].da
        if o.advised:
            assert f"bedst i {100 * o.p_best:.0f} %" in text
    first = rec.offers[0]
    if first.advised and first.reasons[0].code == "highest_score":
        assert all(first.score >= o.score for o in rec.offers if o.advised)
    named = rec.verdict.indistinct
    assert named[0] == rec.top_offer
    if not any(w.code == "sparse_data" for w in rec.warnings):
        assert all(rec.offer(o).p_best >= NAMED_P_BEST for o in named[1:])


def test_a_reason_that_seems_to_contradict_a_note_says_so() -> None:
    from recommender.modelling.estimates import Reason
    from recommender.recommending.wording import input_reason

    reason = Reason("network_use", "low", "some", FIELDS["network_use"].da, "", "+", 0.03, 0.1)
    assert "strider ikke mod noten" in input_reason(reason, {"network_use"}).da
    assert "strider" not in input_reason(reason, set()).da
    assert "hænger sammen med en højere forventet værdi (+0,03)" in input_reason(reason).da


def test_the_adviser_guide_shows_the_new_screen() -> None:
    guide = (Path(__file__).resolve().parents[2] / "docs" / "adviser-guide.md").read_text(encoding="utf-8")
    assert "\nVurdering: " in guide and "bedst i " in guide and "Rækkefølge: " in guide
    assert "hænger sammen med" in guide and "Advarsel: Forsigtighed" not in guide
