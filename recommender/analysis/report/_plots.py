"""The report's figures, drawn with matplotlib's Agg canvas (no display, no global pyplot state).

Each function takes plain numbers, writes one PNG and returns nothing; labels are Danish with the
English codes in brackets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = ["bars_by_category", "calibration_plot", "grouped_bars", "stacked_shares"]

_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#7f7f7f", "#9467bd", "#8c564b")
_DPI = 100


def _save(fig: Figure, path: Path) -> None:
    FigureCanvasAgg(fig)
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=_DPI, metadata={"Software": None})


def calibration_plot(path: Path, title: str, mean_predicted: Sequence[float],
                     observed: Sequence[float], counts: Sequence[int]) -> None:
    """A reliability diagram: observed frequency against mean predicted probability per bin."""
    fig = Figure(figsize=(4.2, 4.0))
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], linestyle="--", color="#999999", label="perfekt kalibreret")
    if len(mean_predicted):
        sizes = 20 + 180 * np.asarray(counts, dtype=float) / max(1, max(counts))
        ax.plot(mean_predicted, observed, color=_COLOURS[0], marker="", linewidth=1.2)
        ax.scatter(mean_predicted, observed, s=sizes, color=_COLOURS[0], zorder=3,
                   label="model (punktstørrelse = antal)")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("forudsagt sandsynlighed (predicted)")
    ax.set_ylabel("observeret andel (observed)")
    ax.set_title(title, fontsize=10)
    ax.legend(loc="upper left", fontsize=7)
    _save(fig, path)


def grouped_bars(path: Path, title: str, categories: Sequence[str], series: Mapping[str, Sequence[float]],
                 ylabel: str, *, ylim: tuple[float, float] | None = (0, 1), ncols: int = 1,
                 panels: Mapping[str, Mapping[str, Sequence[float]]] | None = None) -> None:
    """Grouped bars: one group per category, one bar per series.

    With ``panels`` (panel title → series), one small panel per entry, side by side.
    """
    panel_map = panels if panels is not None else {title: series}
    n = len(panel_map)
    fig = Figure(figsize=(max(4.5, 3.6 * n), 3.8))
    for k, (panel_title, panel_series) in enumerate(panel_map.items()):
        ax = fig.add_subplot(1, n, k + 1)
        x = np.arange(len(categories))
        width = 0.8 / max(1, len(panel_series))
        for j, (name, values) in enumerate(panel_series.items()):
            ax.bar(x + (j - (len(panel_series) - 1) / 2) * width, values, width, label=name,
                   color=_COLOURS[j % len(_COLOURS)])
        ax.set_xticks(x, list(categories), rotation=20, ha="right", fontsize=8)
        if ylim is not None:
            ax.set_ylim(*ylim)
        ax.set_title(panel_title, fontsize=9)
        if k == 0:
            ax.set_ylabel(ylabel)
        ax.legend(fontsize=7, ncols=ncols)
    if panels is not None:
        fig.suptitle(title, fontsize=10)
    _save(fig, path)


def stacked_shares(path: Path, title: str, rows: Sequence[str], columns: Sequence[str],
                   counts: np.ndarray) -> None:
    """Horizontal 100 % stacked bars: each row's split over the columns, with the row's N."""
    counts = np.asarray(counts, dtype=float)
    totals = counts.sum(axis=1)
    shares = np.divide(counts, totals[:, None], out=np.zeros_like(counts), where=totals[:, None] > 0)
    fig = Figure(figsize=(7.5, 0.55 * len(rows) + 2.0))
    ax = fig.add_subplot()
    left = np.zeros(len(rows))
    for j, name in enumerate(columns):
        ax.barh(range(len(rows)), shares[:, j], left=left, label=name, color=_COLOURS[j % len(_COLOURS)])
        left += shares[:, j]
    ax.set_yticks(range(len(rows)), [f"{r} (N={int(t)})" for r, t in zip(rows, totals)], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("andel (share)")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7, ncols=2, loc="lower center", bbox_to_anchor=(0.5, 1.08))
    _save(fig, path)


def bars_by_category(path: Path, title: str, categories: Sequence[str], values: Sequence[float],
                     ylabel: str, *, threshold: float | None = None,
                     highlight: Sequence[bool] | None = None) -> None:
    """Simple bars, one per category; ``highlight`` marks bars in a warning colour."""
    fig = Figure(figsize=(5.2, 3.6))
    ax = fig.add_subplot()
    colours = [("#d62728" if highlight is not None and highlight[i] else _COLOURS[0])
               for i in range(len(categories))]
    ax.bar(range(len(categories)), values, color=colours)
    for i, v in enumerate(values):
        ax.annotate(f"{v:g}", (i, v), ha="center", va="bottom", fontsize=8)
    if threshold is not None:
        ax.axhline(threshold, linestyle="--", color="#d62728", linewidth=1, label="lav støtte / low support")
        ax.legend(fontsize=7)
    ax.set_xticks(range(len(categories)), list(categories), rotation=15, ha="right", fontsize=8)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    _save(fig, path)
