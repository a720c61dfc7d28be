"""Background fields of the synthetic cohort: residence, children, education, contact, audit fields.

Drawn from the published margins (Bilag A tabel 2-8, 15, 16) per outcome group where the report
splits them by group; see :data:`recommender.synth.ASSUMPTIONS` for the parts it does not publish.
"""

from __future__ import annotations

import numpy as np

from recommender.synth.sampling import pick
from recommender.vocab import CONTACT_ROUTE, EDUCATION_DK

__all__ = ["NATIONALITIES_OTHER", "WESTERN", "draw_people"]

# Statistics Denmark: western = EU/EEA, Andorra, Monaco, San Marino, Switzerland, the Vatican, Canada,
# the USA, Australia and New Zealand. Named nationalities of tabel 3 that are western: Rumænien.
#: The western nationalities among the 68 behind tabel 3's "Andet".
_WESTERN_OTHER: tuple[str, ...] = (
    "Polen",
    "Tyskland",
    "Litauen",
    "Bulgarien",
    "Storbritannien",
    "USA",
    "Letland",
    "Spanien",
    "Italien",
    "Frankrig",
    "Ungarn",
    "Holland",
    "Norge",
    "Sverige",
    "Grækenland",
    "Portugal",
    "Canada",
    "Australien",
)
WESTERN: frozenset[str] = frozenset({"Rumænien", *_WESTERN_OTHER})
#: The 68 further nationalities behind tabel 3's "Andet" (77 nationalities in all).
NATIONALITIES_OTHER: tuple[str, ...] = (
    *_WESTERN_OTHER,
    "Syrien",
    "Iran",
    "Afghanistan",
    "Pakistan",
    "Somalia",
    "Marokko",
    "Bosnien-Hercegovina",
    "Rusland",
    "Indien",
    "Sri Lanka",
    "Eritrea",
    "Egypten",
    "Brasilien",
    "Colombia",
    "Peru",
    "Ghana",
    "Nigeria",
    "Kenya",
    "Etiopien",
    "Indonesien",
    "Nepal",
    "Bangladesh",
    "Japan",
    "Kosovo",
    "Serbien",
    "Albanien",
    "Nordmakedonien",
    "Hviderusland",
    "Moldova",
    "Georgien",
    "Armenien",
    "Aserbajdsjan",
    "Kasakhstan",
    "Usbekistan",
    "Mongoliet",
    "Sydkorea",
    "Malaysia",
    "Myanmar",
    "Cambodja",
    "Jordan",
    "Tunesien",
    "Algeriet",
    "Gambia",
    "Cameroun",
    "Uganda",
    "Cuba",
    "Den Dominikanske Republik",
    "Mexico",
    "Chile",
    "Argentina",
)


def _nationality_weights(fig: dict) -> tuple[list[str], np.ndarray]:
    named = {k: v for k, v in fig["marginals"]["nationality"].items() if k != "other"}
    origin = fig["marginals"]["origin"]
    n_cohort = fig["cohort"]["n"]
    western_total = origin["western"] / (origin["western"] + origin["non_western"]) * n_cohort
    other_total = fig["marginals"]["nationality"]["other"]
    western_other = western_total - sum(v for k, v in named.items() if k in WESTERN)
    west = [x for x in NATIONALITIES_OTHER if x in WESTERN]
    rest = [x for x in NATIONALITIES_OTHER if x not in WESTERN]
    names = [*named, *west, *rest]
    weights = [
        *named.values(),
        *([western_other / len(west)] * len(west)),
        *([(other_total - western_other) / len(rest)] * len(rest)),
    ]
    return names, np.array(weights, dtype=float)


def draw_people(
    rng: np.random.Generator, fig: dict, outcome: np.ndarray, group: np.ndarray
) -> dict[str, np.ndarray]:
    """Years in Denmark, children, education from Denmark, contact route, gender, origin, nationality."""
    n = len(outcome)
    two = fig["by_labour_force_and_other"]
    out: dict[str, np.ndarray] = {}

    # Years in Denmark: band per group (tabel 15), 16+ split 8:6 (tabel 4), years within band.
    bands = ("1-5", "6-10", "11-15", "16+")
    band = pick(rng, [[two["years_in_denmark_band"][b][g] for b in bands] for g in (0, 1)], group)
    marg = fig["marginals"]["years_in_denmark_band"]
    old = rng.random(n) < marg["21+"] / (marg["16-20"] + marg["21+"])
    within = {
        0: (np.arange(1, 6), np.array([14, 18, 21, 23, 24], dtype=float)),
        1: (np.arange(6, 11), np.ones(5)),
        2: (np.arange(11, 16), np.ones(5)),
        3: (np.arange(16, 21), np.ones(5)),
        4: (np.arange(21, 32), np.arange(11, 0, -1, dtype=float)),
    }
    band = np.where((band == 3) & old, 4, band)
    years = np.zeros(n, dtype=np.int64)
    for b, (values, weights) in within.items():
        rows = np.flatnonzero(band == b)
        years[rows] = values[pick(rng, weights, np.zeros(len(rows), dtype=np.int64))]
    out["years_in_denmark"] = years

    # Children (tabel 16 by group; the 3+ group split as in tabel 5).
    kids = ("0", "1", "2", "3+")
    child = pick(rng, [[two["children_under_18"][k][g] for k in kids] for g in (0, 1)], group)
    c5 = fig["marginals"]["children_under_18"]
    split = np.array([c5["3"], c5["4"], c5["5"], c5["6+"]], dtype=float)
    many = np.flatnonzero(child == 3)
    child[many] = 3 + pick(rng, split, np.zeros(len(many), dtype=np.int64))
    out["children_under_18"] = child.astype(np.int64)

    def marginal(name: str, codes: tuple[str, ...]) -> np.ndarray:
        counts = np.array([fig["marginals"][name][c] for c in codes], dtype=float)
        return np.array(codes, dtype=object)[pick(rng, counts, np.zeros(n, dtype=np.int64))]

    out["education_dk"] = marginal("education_dk", EDUCATION_DK.codes)
    out["contact_route"] = marginal("contact_route", CONTACT_ROUTE.codes)
    out["gender"] = marginal("gender", ("female", "male"))
    names, weights = _nationality_weights(fig)
    nat = np.array(names, dtype=object)[pick(rng, weights, np.zeros(n, dtype=np.int64))]
    out["nationality"] = nat
    out["origin"] = np.where(np.isin(nat, list(WESTERN)), "western", "non_western").astype(object)
    return out
