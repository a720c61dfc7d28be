"""`recommender recommend` and `recommender score`: the adviser's screen, JSON, batch CSV, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from recommender.cli import main
from recommender.recommending.scoring import PROVENANCE_COLUMNS, SCORE_COLUMNS

ROOT = Path(__file__).resolve().parents[2]
FLEXIBLE = ROOT / "examples" / "flexible.json"


@pytest.fixture(autouse=True)
def _default_model_built(default_model):
    """The CLI loads the built-in model itself; the session fixture makes sure it is cached first."""


def test_recommend_screen_is_danish_and_says_the_adviser_decides(capsys) -> None:
    assert main(["recommend", str(FLEXIBLE)]) == 0
    out = capsys.readouterr().out
    assert "Jobmålstypologi: Fleksibelt jobmål" in out
    assert "Arbejdsstyrken (erhvervsaktiv)" in out
    assert "Tilbud, rangeret" in out and "virksomhedspraktik" in out
    assert "Rådgiveren beslutter" in out


def test_recommend_english_screen(capsys) -> None:
    assert main(["recommend", str(FLEXIBLE), "--lang", "en"]) == 0
    assert "Job-goal typology: Flexible job goal" in capsys.readouterr().out


def test_recommend_json_contract(capsys) -> None:
    assert main(["recommend", str(FLEXIBLE), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["citizen_id"] == "P500-EX-01"
    assert data["typology"]["code"] == "flexible" and data["typology"]["rule"]
    assert len(data["offers"]) == 4 and [o["rank"] for o in data["offers"]] == [1, 2, 3, 4]
    first = data["offers"][0]
    for key in (
        "offer",
        "label_da",
        "label_en",
        "advised",
        "score",
        "score_interval",
        "probabilities",
        "intervals",
        "support",
        "reasons",
        "warnings",
    ):
        assert key in first
    assert {"version", "cohort_fingerprint", "cohort_size", "created", "allow_protected"} <= set(
        data["model"]
    )
    assert data["rules_version"]


@pytest.mark.parametrize(
    "content, needle",
    [
        ("", "empty"),
        ("not json", "invalid JSON"),
        ("[1, 2]", "got a list"),
        ('{"citizen_id": NaN}', "NaN"),
        ('{"citizen_id": "a", "citizen_id": "b"}', "citizen_id"),
    ],
)
def test_recommend_bad_files_exit_2_with_one_line(tmp_path, capsys, content, needle) -> None:
    path = tmp_path / "citizen.json"
    path.write_text(content, encoding="utf-8")
    assert main(["recommend", str(path)]) == 2
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1 and "Traceback" not in err


def test_recommend_bad_field_names_it(tmp_path, capsys) -> None:
    record = json.loads(FLEXIBLE.read_text(encoding="utf-8"))
    record["children_under_18"] = 2.5
    path = tmp_path / "c.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    assert main(["recommend", str(path)]) == 2
    assert "children_under_18" in capsys.readouterr().err


def test_recommend_missing_path_and_directory(tmp_path, capsys) -> None:
    assert main(["recommend", str(tmp_path / "nope.json")]) == 2
    assert main(["recommend", str(tmp_path)]) == 2
    assert "Traceback" not in capsys.readouterr().err


def _citizens_csv(path: Path, n: int) -> None:
    records = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "examples").glob("*.json"))]
    rows = [dict(records[i % len(records)], citizen_id=f"B-{i}") for i in range(n)]
    pd.DataFrame(rows).to_csv(path, index=False)


def test_score_writes_the_section_8_columns_and_agrees_with_recommend(
    tmp_path, capsys, default_model
) -> None:
    from recommender import recommend

    src, out = tmp_path / "citizens.csv", tmp_path / "scores.csv"
    _citizens_csv(src, 25)
    assert main(["score", str(src), "--out", str(out), "--chunksize", "7"]) == 0
    scores = pd.read_csv(out, keep_default_na=False)
    assert tuple(scores.columns) == SCORE_COLUMNS + PROVENANCE_COLUMNS and len(scores) == 25
    record = pd.read_csv(src, keep_default_na=False).iloc[3].to_dict()
    record = {k: v for k, v in record.items() if v != ""}
    rec = recommend(record, model=default_model)
    row = scores.iloc[3]
    assert row["typology"] == rec.typology.code and row["top_offer"] == (rec.top_offer or "")
    for o in rec.offers:
        assert row[f"{o.offer}_rank"] == o.rank
        assert abs(row[f"{o.offer}_score"] - o.score) < 1e-5
        assert abs(row[f"{o.offer}_p_job"] - o.probabilities["job"]) < 1e-5


def test_score_bad_row_refuses_and_keeps_the_old_output(tmp_path, capsys) -> None:
    src, out = tmp_path / "citizens.csv", tmp_path / "scores.csv"
    _citizens_csv(src, 30)
    frame = pd.read_csv(src, dtype=str, keep_default_na=False)
    frame.loc[20, "danish_course"] = "du7"
    frame.to_csv(src, index=False)
    out.write_text("previous results\n", encoding="utf-8")
    assert main(["score", str(src), "--out", str(out), "--chunksize", "8"]) == 2
    err = capsys.readouterr().err
    assert "line 22" in err and "danish_course" in err
    assert out.read_text(encoding="utf-8") == "previous results\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
