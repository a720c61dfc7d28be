"""What the synthetic cohort records at closing: duration and dates (section 5) and the closing
registrations of the criteria and network use (tabel 19-33, 37)."""

from __future__ import annotations

import numpy as np

from recommender.synth.sampling import pick, rank_cut
from recommender.vocab import CRITERIA, DEGREE

__all__ = ["PERIOD", "draw_closing", "draw_dates", "draw_durations"]

PERIOD = (np.datetime64("2014-01-01"), np.datetime64("2017-03-31"))
#: Closing registrations present for 170 of 198 labour-force and 29 of 76 other rows (199 of 274).
CLOSING_PRESENT = np.array([170 / 198, 29 / 76])
#: Noise added to the intake answer (criteria) and intake degree (network) before ranking at closing.
CLOSING_NOISE, NETWORK_CLOSING_NOISE = 1.2, 1.5
#: The middle duration band is 61 + 304 * Beta(a, b) days.
MIDDLE_BETA = (1.3, 1.9)


def draw_durations(rng, fig: dict, group: np.ndarray) -> np.ndarray:
    """Days from enrolment to closing: three bands (section 5) and group means 216 / 220 days."""
    d = fig["duration_days"]
    shares = np.array([d["share_under_2_months"], d["share_2_to_12_months"], d["share_over_1_year"]])
    n = len(group)
    band = pick(rng, shares, np.zeros(n, dtype=np.int64))
    short = rng.integers(d["min"], 61, n)
    a, b = MIDDLE_BETA
    middle = 61 + np.floor(304 * rng.beta(a, b, n)).astype(np.int64)
    mean_short = (d["min"] + 60) / 2
    mean_middle = 60.5 + 304 * a / (a + b)
    means = np.array([d["mean_labour_force"], d["mean_other"]], dtype=float)
    scale = (means - shares[0] * mean_short - shares[1] * mean_middle) / shares[2] - 366
    tail = 366 + np.floor(rng.exponential(1.0, n) * scale[group] + 0.5).astype(np.int64)
    tail = np.minimum(tail, d["max"])
    return np.select([band == 0, band == 1], [short, middle], tail).astype(np.int64)


def draw_dates(rng, duration: np.ndarray) -> dict[str, np.ndarray]:
    """enrolled_on and closed_on: closed_on uniform over the days that keep both within PERIOD."""
    span = (PERIOD[1] - PERIOD[0]).astype(int)
    offset = duration + np.floor(rng.random(len(duration)) * (span - duration + 1)).astype(np.int64)
    closed = PERIOD[0] + offset.astype("timedelta64[D]")
    return {
        "enrolled_on": (closed - duration.astype("timedelta64[D]")).astype("datetime64[ns]"),
        "closed_on": closed.astype("datetime64[ns]"),
    }


def draw_closing(
    rng, fig: dict, group: np.ndarray, pattern: np.ndarray, network: np.ndarray
) -> dict[str, np.ndarray]:
    """The closing registrations (-1 where absent), by rank of the intake answer plus noise."""
    prog = fig["progression"]
    n = len(group)
    present = rng.random(n) < CLOSING_PRESENT[group]
    level = 2 - pattern
    out: dict[str, np.ndarray] = {}
    for c, name in enumerate(CRITERIA):
        block = prog[name]["closing"]
        shares = [[block[code][g] for code in ("no", "partly", "yes")] for g in (0, 1)]
        rank = rank_cut(rng, level[:, c] + CLOSING_NOISE * rng.standard_normal(n), present, shares, group)
        out[f"{name}_closing"] = np.where(rank >= 0, 2 - rank, -1)
    block = prog["network_use"]["closing"]
    ordered = DEGREE.codes[:5]
    shares = [[block[c][0] for c in ordered]] * 2
    not_relevant = [block["not_relevant"][0] / sum(block[c][0] for c in DEGREE.codes)] * 2
    out["network_use_closing"] = rank_cut(
        rng, network + NETWORK_CLOSING_NOISE * rng.standard_normal(n), present, shares, group, not_relevant
    )
    return out
