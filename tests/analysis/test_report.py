"""The static HTML evaluation report (spec §11–12): figures exist, are referenced and are valid PNGs."""

from __future__ import annotations

import os
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

from recommender.analysis.report import ReportError, write_report
from recommender.cli import main
from recommender.cohort import write_cohort
from recommender.errors import OutputError
from recommender.model import load_model
from recommender.synth import generate_cohort

pytestmark = pytest.mark.slow  # trains models and draws every figure: minutes

REQUIRED = (
    "calibration_job.png",
    "calibration_education.png",
    "calibration_active.png",
    "calibration_other.png",
    "offer_outcome.png",
    "groups_gender.png",
    "groups_origin.png",
)


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
    for code in (
        "job",
        "education",
        "active",
        "other",
        "wage_subsidy",
        "counselling",
        "female",
        "non_western",
    ):
        assert code in text


def test_rerun_replaces_an_earlier_report(cohort_csv: Path, rendered: Path) -> None:
    before = (rendered / "index.html").stat().st_mtime_ns
    assert main(["report", str(cohort_csv), "--out", str(rendered)]) == 0
    assert (rendered / "index.html").stat().st_mtime_ns >= before
    assert not [p for p in rendered.parent.iterdir() if p.name.startswith(".rapport.")]


def test_failed_run_leaves_no_half_written_report(
    cohort_csv: Path, rendered: Path, model, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
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


def test_refuses_a_foreign_directory_and_bad_input(
    cohort_csv: Path, tmp_path: Path, model, capsys: pytest.CaptureFixture[str]
) -> None:
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    with pytest.raises(OutputError, match="ikke tom"):
        write_report(cohort_csv, foreign, model=model)
    assert (foreign / "notes.txt").read_text() == "keep me"
    assert main(["report", str(cohort_csv), "--out", str(foreign)]) == 2
    bad = tmp_path / "bad.csv"
    bad.write_text(cohort_csv.read_text(encoding="utf-8").replace(",job,", ",jobb,", 1), encoding="utf-8")
    assert main(["report", str(bad), "--out", str(tmp_path / "x")]) == 2
    assert (
        main(
            [
                "report",
                str(cohort_csv),
                "--out",
                str(tmp_path / "y"),
                "--model",
                str(tmp_path / "missing.model"),
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert err.count("fejl/error:") == 3 and "Traceback" not in err
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()
    no_offers = generate_cohort(40, seed=3).frame.assign(offer=None)
    with pytest.raises(ReportError, match="no case has a registered offer"):
        write_report(no_offers, tmp_path / "z", model=model)
    assert not (tmp_path / "z").exists()


# --------------------------------------------------------------------------- the analyst's full picture


@pytest.fixture(scope="module")
def compared(cohort_csv: Path, tmp_path_factory: pytest.TempPathFactory, model):
    """A report of a small challenger against the built-in model (the one in use)."""
    from recommender.model import save_model, train

    folder = tmp_path_factory.mktemp("sammenligning")
    challenger = train(generate_cohort(600, seed=12), seed=0, n_bootstrap=3)
    save_model(challenger, folder / "ny.p500model")
    save_model(model, folder / "i-brug.p500model")
    out = folder / "rapport"
    assert (
        main(
            [
                "report",
                str(cohort_csv),
                "--out",
                str(out),
                "--model",
                str(folder / "ny.p500model"),
                "--against",
                str(folder / "i-brug.p500model"),
            ]
        )
        == 0
    )
    return out, challenger


def test_every_figure_fits_the_page(rendered: Path, compared) -> None:
    for folder in (rendered, compared[0]):
        for png in folder.glob("*.png"):
            with Image.open(png) as image:
                assert image.size[0] <= 960, f"{png.name} is {image.size[0]} px wide"
        assert "img{max-width:100%" in (folder / "index.html").read_text(encoding="utf-8")


def test_report_states_date_period_synthetic_municipalities_top_offers_and_intervals(rendered: Path) -> None:
    import datetime

    page = _parse(rendered / "index.html")
    text = " ".join(" ".join(page.text).split())
    assert f"dannet {datetime.date.today().isoformat()}" in text
    assert "periode 20" in text and "syntetisk" in text
    assert "Kommuner" in text and "Aarhus" in text and "Hvor ofte" not in text or "Første tilbud" in text
    assert "municipalities.png" in page.images and "top_offers.png" in page.images
    assert "Rangeret først" in text
    assert "log loss" in text and "bootstrap" in text and "[" in text  # intervals on the metrics
    assert any(s in text for s in ("Forfrem ikke", "slår basislinjen"))  # the promote line


def test_report_against_compares_side_by_side(compared, model) -> None:
    out, challenger = compared
    page = _parse(out / "index.html")
    text = " ".join(" ".join(page.text).split())
    assert "Sammenligning med modellen i brug" in text
    assert model.version in text and challenger.version in text
    assert "Dom / verdict:" in text and ("forfrem ikke" in text or "kan forfremmes" in text)
    assert "I brug (champion)" in text and "Ny (challenger)" in text


def test_support_table_agrees_with_the_per_citizen_flags(cohort_csv: Path, model, tmp_path: Path) -> None:
    from recommender.cohort import read_cohort
    from recommender.recommending.scoring import score_frame
    from recommender.typology import load_rules

    result = write_report(cohort_csv, tmp_path / "r", model=model, n_bootstrap=60)
    scored = score_frame(read_cohort(cohort_csv).frame, model, load_rules())
    for row in result.content.support:
        assert row.low_support_share == pytest.approx((scored[f"{row.offer}_support"] == "low").mean())
