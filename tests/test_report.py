"""The static HTML evaluation report (spec §11–12): figures exist, are referenced and are valid PNGs."""

from __future__ import annotations

import os
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

from recommender.cli import main
from recommender.cohort import write_cohort
from recommender.model import load_model
from recommender.analysis.report import ReportError, write_report
from recommender.synth import generate_cohort

REQUIRED = ("calibration_job.png", "calibration_education.png", "calibration_active.png",
            "calibration_other.png", "offer_outcome.png", "groups_gender.png", "groups_origin.png")


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.images: list[str] = []
        self.text: list[str] = []
        self.lang = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "img":
            self.images.append(a["src"] or "")
        if tag == "html":
            self.lang = a.get("lang")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def cohort_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("kohorte") / "kohorte.csv"
    write_cohort(generate_cohort(300, seed=11), path)
    return path


@pytest.fixture(scope="module")
def model():
    return load_model()


@pytest.fixture(scope="module")
def rendered(cohort_csv: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("rapport") / "rapport"
    assert main(["report", str(cohort_csv), "--out", str(out)]) == 0
    return out


def test_figures_exist_are_referenced_and_are_valid_pngs(rendered: Path) -> None:
    page = _parse(rendered / "index.html")
    for name in REQUIRED:
        assert name in page.images, f"{name} not referenced"
    for src in page.images:
        assert "/" not in src and not src.startswith("http")  # beside index.html: opens without a server
        path = rendered / src
        assert path.stat().st_size > 1000
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        with Image.open(path) as image:
            image.verify()
        with Image.open(path) as image:
            assert image.format == "PNG" and image.size[0] > 200 and image.size[1] > 200


def test_page_is_danish_with_model_card_and_table_38(rendered: Path, model) -> None:
    page = _parse(rendered / "index.html")
    text = " ".join(" ".join(page.text).split())
    assert page.lang == "da"
    assert model.version in text and model.manifest.training_cohort["fingerprint"] in text
    assert "ikke årsagseffekter" in text and "Rådgiveren beslutter" in text
    assert "Beskyttede oplysninger" in text and "Nej – køn, oprindelse og nationalitet" in text
    assert "tabel 38" in text and "18 (50,0 %)" in text and "30 (30,9 %)" in text  # tabel 38 rows
    assert "Kalibrering" in text and "Typologier" in text and "Støtte" in text
    for code in ("job", "education", "active", "other", "wage_subsidy", "counselling", "female", "non_western"):
        assert code in text


def test_rerun_replaces_an_earlier_report(cohort_csv: Path, rendered: Path) -> None:
    before = (rendered / "index.html").stat().st_mtime_ns
    assert main(["report", str(cohort_csv), "--out", str(rendered)]) == 0
    assert (rendered / "index.html").stat().st_mtime_ns >= before
    assert not [p for p in rendered.parent.iterdir() if p.name.startswith(".rapport.")]


def test_failed_run_leaves_no_half_written_report(cohort_csv: Path, rendered: Path, model,
                                                  tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from recommender.analysis.report import _plots

    def broken(*args, **kwargs):
        raise RuntimeError("disk full (simulated)")

    monkeypatch.setattr(_plots, "grouped_bars", broken)
    fresh = tmp_path / "ny"
    with pytest.raises(RuntimeError):
        write_report(cohort_csv, fresh, model=model)
    assert not fresh.exists() and os.listdir(tmp_path) == []
    old = (rendered / "index.html").read_bytes()
    with pytest.raises(RuntimeError):
        write_report(cohort_csv, rendered, model=model)
    assert (rendered / "index.html").read_bytes() == old
    assert not [p for p in rendered.parent.iterdir() if p.name.startswith(".rapport.")]


def test_refuses_a_foreign_directory_and_bad_input(cohort_csv: Path, tmp_path: Path, model,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    with pytest.raises(ReportError, match="ikke tom"):
        write_report(cohort_csv, foreign, model=model)
    assert (foreign / "notes.txt").read_text() == "keep me"
    assert main(["report", str(cohort_csv), "--out", str(foreign)]) == 2
    bad = tmp_path / "bad.csv"
    bad.write_text(cohort_csv.read_text(encoding="utf-8").replace(",job,", ",jobb,", 1), encoding="utf-8")
    assert main(["report", str(bad), "--out", str(tmp_path / "x")]) == 2
    assert main(["report", str(cohort_csv), "--out", str(tmp_path / "y"), "--model",
                 str(tmp_path / "missing.model")]) == 2
    err = capsys.readouterr().err
    assert err.count("fejl/error:") == 3 and "Traceback" not in err
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()
    no_offers = generate_cohort(40, seed=3).frame.assign(offer=None)
    with pytest.raises(ReportError, match="no case has a registered offer"):
        write_report(no_offers, tmp_path / "z", model=model)
    assert not (tmp_path / "z").exists()
