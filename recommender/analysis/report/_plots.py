"""The report's figures, drawn with matplotlib's Agg canvas (no display, no global pyplot state).

Each function takes plain numbers, writes one PNG and returns nothing. Axis labels are Danish. Every
figure is at most ``MAX_WIDTH_IN`` inches wide at ``_DPI`` (960 px: it fits the report's 1,000-pixel
page without scaling), panels wrap onto rows of at most two, and legends are placed outside the axes
(below them) so they never cover a bar or a point.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = ["MAX_WIDTH_IN", "bars_by_category", "calibration_plot", "grouped_bars", "stacked_shares"]

_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#7f7f7f", "#9467bd", "#8c564b")
_DPI = 100
MAX_WIDTH_IN = 9.6


def _figure(width: float, height: float) -> Figure:
    return Figure(figsize=(min(width, MAX_WIDTH_IN), height), layout="constrained")


def _save(fig: Figure, path: Path) -> None:
    FigureCanvasAgg(fig)
    fig.savefig(path, format="png", dpi=_DPI, metadata={"Software": None})


def _legend_below(fig: Figure, ax, ncols: int) -> None:
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        fig.legend(
            handles, labels, loc="outside lower center", ncols=max(1, ncols), fontsize=8, frameon=False
        )


def calibration_plot(
    path: Path, title: str, mean_predicted: Sequence[float], observed: Sequence[float], counts: Sequence[int]
) -> None:
    """A reliability diagram: observed frequency against mean predicted probability per bin."""
    fig = _figure(4.2, 4.4)
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], linestyle="--", color="#999999", label="perfekt kalibreret")
    if len(mean_predicted):
        sizes = 20 + 180 * np.asarray(counts, dtype=float) / max(1, max(counts))
        ax.plot(mean_predicted, observed, color=_COLOURS[0], marker="", linewidth=1.2)
        ax.scatter(
            mean_predicted,
            observed,
            s=sizes,
            color=_COLOURS[0],
            zorder=3,
            label="model (punktstørrelse = antal)",
        )
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("forudsagt sandsynlighed")
    ax.set_ylabel("observeret andel")
    ax.set_title(title, fontsize=10)
    _legend_below(fig, ax, 1)
    _save(fig, path)


def grouped_bars(
    path: Path,
    title: str,
    categories: Sequence[str],
    series: Mapping[str, Sequence[float]],
    ylabel: str,
    *,
    ylim: tuple[float, float] | None = (0, 1),
    ncols: int = 1,
    panels: Mapping[str, Mapping[str, Sequence[float]]] | None = None,
    xlabel: str = "",
) -> None:
    """Grouped bars: one group per category, one bar per series; one shared legend below.

    With ``panels`` (panel title → series), one small panel per entry, at most two per row.
    ``ncols`` is ignored (kept for callers); the legend has one column per series.
    """
    panel_map = panels if panels is not None else {title: series}
    n = len(panel_map)
    cols = min(2, n)
    rows = math.ceil(n / cols)
    width = max(
        4.8,
        min(
            MAX_WIDTH_IN,
            0.5 * len(categories) * max(1, len(next(iter(panel_map.values())))) * cols + 1.5 * cols,
        ),
    )
    fig = _figure(width, 3.2 * rows + 0.9)
    ax = None
    for k, (panel_title, panel_series) in enumerate(panel_map.items()):
        ax = fig.add_subplot(rows, cols, k + 1)
        x = np.arange(len(categories))
        w = 0.8 / max(1, len(panel_series))
        for j, (name, values) in enumerate(panel_series.items()):
            ax.bar(
                x + (j - (len(panel_series) - 1) / 2) * w,
                values,
                w,
                label=name,
                color=_COLOURS[j % len(_COLOURS)],
            )
        ax.set_xticks(
            x,
            list(categories),
            rotation=25 if len(categories) > 3 else 0,
            ha="right" if len(categories) > 3 else "center",
            fontsize=8,
        )
        if ylim is not None:
            ax.set_ylim(*ylim)
        if panels is not None:
            ax.set_title(panel_title, fontsize=9)
        if k % cols == 0:
            ax.set_ylabel(ylabel)
        if xlabel:
            ax.set_xlabel(xlabel, fontsize=8)
    fig.suptitle(title, fontsize=10)
    if panels is not None and ax is not None:
        # panels may carry different series (e.g. "andel" and "Brier / ECE"): one legend per panel below it
        for a in fig.axes:
            handles, labels = a.get_legend_handles_labels()
            a.legend(
                handles,
                labels,
                fontsize=7,
                loc="upper center",
                bbox_to_anchor=(0.5, -0.22),
                ncols=len(labels),
                frameon=False,
            )
    elif ax is not None:
        _legend_below(fig, ax, len(panel_map[title]))
    _save(fig, path)


def stacked_shares(
    path: Path, title: str, rows: Sequence[str], columns: Sequence[str], counts: np.ndarray
) -> None:
    """Horizontal 100 % stacked bars: each row's split over the columns, with the row's N."""
    counts = np.asarray(counts, dtype=float)
    totals = counts.sum(axis=1)
    shares = np.divide(counts, totals[:, None], out=np.zeros_like(counts), where=totals[:, None] > 0)
    fig = _figure(7.5, 0.55 * len(rows) + 2.2)
    ax = fig.add_subplot()
    left = np.zeros(len(rows))
    for j, name in enumerate(columns):
        ax.barh(range(len(rows)), shares[:, j], left=left, label=name, color=_COLOURS[j % len(_COLOURS)])
        left += shares[:, j]
    ax.set_yticks(range(len(rows)), [f"{r} (N={int(t)})" for r, t in zip(rows, totals)], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("andel af forløbene")
    ax.set_title(title, fontsize=10)
    _legend_below(fig, ax, 2)
    _save(fig, path)


def bars_by_category(
    path: Path,
    title: str,
    categories: Sequence[str],
    values: Sequence[float],
    ylabel: str,
    *,
    threshold: float | None = None,
    highlight: Sequence[bool] | None = None,
    xlabel: str = "",
) -> None:
    """Simple bars, one per category; ``highlight`` marks bars in a warning colour."""
    fig = _figure(5.6, 4.0)
    ax = fig.add_subplot()
    colours = [
        ("#d62728" if highlight is not None and highlight[i] else _COLOURS[0]) for i in range(len(categories))
    ]
    ax.bar(range(len(categories)), values, color=colours)
    top = max([float(v) for v in values] + [float(threshold or 0), 1e-9])
    ax.set_ylim(0, top * 1.15)  # room for the value labels above the bars
    for i, v in enumerate(values):
        ax.annotate(f"{v:g}", (i, v), ha="center", va="bottom", fontsize=8)
    if threshold is not None:
        ax.axhline(
            threshold,
            linestyle="--",
            color="#d62728",
            linewidth=1,
            label=f"grænse for lav støtte ({threshold:g})",
        )
    ax.set_xticks(range(len(categories)), list(categories), rotation=15, ha="right", fontsize=8)
    ax.set_ylabel(ylabel)
    if xlabel:
        ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=10)
    _legend_below(fig, ax, 1)
    _save(fig, path)
