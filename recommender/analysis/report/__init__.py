"""A static HTML evaluation report of the outcome model on a cohort (spec §1, §11–12).

``write_report(cohort, out_dir)`` writes ``out_dir/index.html`` with PNG figures beside it: a model
card, calibration per outcome, observed vs predicted outcome per offer (beside the report's tabel
38), per-group metrics for gender and origin, the typology distribution with outcomes per typology,
the support behind each offer, figures per municipality, how often each offer is ranked first,
bootstrap intervals on log loss and Brier, the cohort's period, the report's date, "syntetisk" where
the cohort or the model's training cohort is synthetic, and a promote / don't-promote line; with
``against`` (the model in use) the comparison of :mod:`recommender.analysis.compare` side by side.
The page needs no server: open ``index.html`` in a browser.

The directory is built in a temporary directory beside ``out_dir`` and moved into place only when
complete, so a failed run never leaves a half-written report; an existing report in ``out_dir`` is
replaced, anything else there is left alone (refused).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from recommender.analysis.report import _plots
from recommender.analysis.report._content import ReportContent, ReportError, compute_content
from recommender.analysis.report._html import render_html
from recommender.cohort import Source, read_cohort
from recommender.files import check_output_dir
from recommender.vocab import GENDER, OFFER, ORIGIN, OUTCOME, TYPOLOGY

__all__ = ["MARKER", "ReportError", "ReportResult", "write_report"]

MARKER = ".recommender-report"  # the file that makes a folder recognisably an earlier report
_MARKER = MARKER


@dataclass(frozen=True)
class ReportResult:
    """Where the report went, its figures (file names beside ``index.html``) and its numbers."""

    directory: Path
    index: Path
    images: tuple[str, ...]
    content: ReportContent

    def to_dict(self) -> dict[str, Any]:
        return {
            "directory": str(self.directory),
            "index": str(self.index),
            "images": list(self.images),
            "content": self.content.to_dict(),
        }

    def __repr__(self) -> str:
        return f"ReportResult(index={str(self.index)!r}, images={len(self.images)}, {self.content!r})"


#: Short Danish outcome names for axis labels (the full labels are in the tables).
SHORT_OUTCOME = {"job": "job", "education": "uddannelse", "active": "erhvervsaktiv", "other": "anden årsag"}


def _draw(content: ReportContent, folder: Path) -> dict[str, str]:
    images: dict[str, str] = {}
    for cal in content.calibration:
        name = f"calibration_{cal.outcome}.png"
        _plots.calibration_plot(
            folder / name,
            f"{OUTCOME.label(cal.outcome)} ({cal.outcome})",
            cal.mean_predicted,
            cal.observed,
            cal.counts,
        )
        images[f"calibration_{cal.outcome}"] = name
    panels = {}
    for oo in content.offer_outcomes:
        panels[f"{OFFER.label(oo.offer)} (N={oo.n})"] = {
            "observeret": oo.observed,
            "forudsagt": oo.predicted,
            "tabel 38": oo.report_shares,
        }
    _plots.grouped_bars(
        folder / "offer_outcome.png",
        "Afslutningsårsag pr. tilbud",
        [SHORT_OUTCOME[k] for k in OUTCOME.codes],
        {},
        "andel af borgerne",
        panels=panels,
    )
    images["offer_outcome"] = "offer_outcome.png"
    for attribute, scale in (("gender", GENDER), ("origin", ORIGIN)):
        groups = [g for g in content.groups if g.attribute == attribute]
        labels = [f"{scale.label(g.group) if g.group in scale else 'ukendt'} (N={g.n})" for g in groups]
        _plots.grouped_bars(
            folder / f"groups_{attribute}.png",
            f"I arbejdsstyrken pr. gruppe ({'køn' if attribute == 'gender' else 'oprindelse'})",
            labels,
            {},
            "andel / fejlmål",
            ylim=None,
            panels={
                "andel i arbejdsstyrken": {
                    "observeret": [g.observed_labour_force for g in groups],
                    "forudsagt": [g.predicted_labour_force for g in groups],
                },
                "Brier / ECE": {"Brier": [g.brier for g in groups], "ECE": [g.ece for g in groups]},
            },
        )
        images[f"groups_{attribute}"] = f"groups_{attribute}.png"
    counts = np.array([[content.typology_counts[t][o] for o in OUTCOME.codes] for t in TYPOLOGY.codes])
    _plots.stacked_shares(
        folder / "typology.png",
        "Afslutningsårsag pr. typologi",
        [TYPOLOGY.label(t) for t in TYPOLOGY.codes],
        [OUTCOME.label(o) for o in OUTCOME.codes],
        counts,
    )
    images["typology"] = "typology.png"
    _plots.bars_by_category(
        folder / "support.png",
        "Borgere pr. tilbud",
        [OFFER.label(s.offer) for s in content.support],
        [s.n_cohort for s in content.support],
        "borgere i kohorten",
        threshold=content.min_support,
        highlight=[s.little_support for s in content.support],
        xlabel="tilbud",
    )
    images["support"] = "support.png"
    if content.municipalities:
        _plots.grouped_bars(
            folder / "municipalities.png",
            "Andel i arbejdsstyrken pr. kommune",
            [f"{m.municipality} (N={m.n})" for m in content.municipalities],
            {
                "observeret": [m.observed_labour_force for m in content.municipalities],
                "forudsagt": [m.predicted_labour_force for m in content.municipalities],
            },
            "andel i arbejdsstyrken",
            xlabel="kommune",
        )
        images["municipalities"] = "municipalities.png"
    series = {"denne model": [content.top_offers[o] for o in OFFER.codes]}
    if content.comparison is not None:
        shares = content.comparison.top_offer_shares
        series = {
            "i brug (champion)": [shares["champion"][o] for o in OFFER.codes],
            "ny (challenger)": [shares["challenger"][o] for o in OFFER.codes],
        }
    _plots.grouped_bars(
        folder / "top_offers.png",
        "Hvor ofte hvert tilbud rangeres først",
        [OFFER.label(o) for o in OFFER.codes],
        series,
        "andel af borgerne",
        xlabel="tilbud",
    )
    images["top_offers"] = "top_offers.png"
    return images


def _check_target(target: Path, inputs: tuple = ()) -> Path:
    """Only a new or empty folder, or an earlier report (its marker file inside), is ever replaced."""
    return check_output_dir(target, marker=_MARKER, inputs=inputs)


def _move_into_place(built: Path, target: Path) -> None:
    """Replace ``target`` by ``built`` so that ``target`` is at every moment absent, old or complete."""
    if not target.exists():
        os.replace(built, target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    os.rmdir(old)
    os.replace(target, old)
    try:
        os.replace(built, target)
    except BaseException:
        os.replace(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def write_report(
    cohort: Source,
    out_dir: str | os.PathLike[str],
    *,
    model: Any = None,
    rules: Any = None,
    min_support: int = 30,
    against: Any = None,
    n_bootstrap: int = 500,
) -> ReportResult:
    """Evaluate ``model`` (default: the built-in one) on ``cohort`` and write the HTML report.

    ``rules``: a RuleSet for the typologies and outcome weights (default: the built-in rules).
    ``min_support``: an offer received by fewer citizens than this is flagged as one the model
    cannot speak to. ``against``: the model in use (a model or a model file); the report then
    compares ``model`` with it on this cohort. ``n_bootstrap``: resamples for the intervals.
    """
    from recommender.model import load_model
    from recommender.typology import load_rules

    if not isinstance(min_support, int) or isinstance(min_support, bool) or min_support < 1:
        raise ReportError(f"min_support: expected a whole number ≥ 1 / et heltal ≥ 1; got {min_support!r}")
    inputs = (
        cohort if isinstance(cohort, (str, os.PathLike)) else getattr(cohort, "source", None),
        getattr(model, "path", None),
        getattr(rules, "path", None),
    )
    target = _check_target(Path(out_dir), inputs)
    c = read_cohort(cohort)
    model = load_model() if model is None else model
    rules = load_rules() if rules is None else rules
    if against is not None and not hasattr(against, "manifest"):
        against = load_model(against)
    content = compute_content(
        c, model, rules, min_support=min_support, against=against, n_bootstrap=n_bootstrap
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    build = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        images = _draw(content, build)
        page = render_html(content, images)
        (build / "index.html").write_text(page, encoding="utf-8")
        (build / _MARKER).write_text(f"{content.model.get('version')}\n", encoding="utf-8")
        os.chmod(build, 0o755)
        _check_target(target, inputs)
        _move_into_place(build, target)
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    return ReportResult(target, target / "index.html", tuple(images.values()), content)
