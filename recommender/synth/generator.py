"""A synthetic Projekt 500 cohort (spec §10) that reproduces the evaluation's published figures.

:func:`generate_cohort` draws ``n`` closed cases from a generative model whose every published margin
comes from ``data/projekt500.yaml`` (the evaluation report's Bilag A tables) and whose unpublished
parts follow the documented :data:`ASSUMPTIONS`. The model is outcome-first: the outcome (with the
municipality, tabel 12) is drawn first, and everything the report tabulates by outcome group is drawn
given it, so every published conditional table holds by construction. The five intake criteria are
drawn jointly from a raked 3^5 pattern table (:mod:`recommender.synth.joint`), so their pairwise
co-occurrence (tabel 10) holds too. Offers are assigned within each outcome by a multinomial logit
whose intercepts are calibrated to tabel 38 and whose slopes make the offer–citizen interaction
heterogeneous (wage subsidy pays off for citizens close to work, clarification for education).

Deterministic per seed (``numpy.random.Generator(PCG64(seed))``); 50,000 rows take about a second.

>>> cohort = generate_cohort(300, seed=1)
>>> cohort.n_rows, cohort.fingerprint == generate_cohort(300, seed=1).fingerprint
(300, True)
>>> cohort.fingerprint == generate_cohort(300, seed=2).fingerprint
False
"""

from __future__ import annotations

import dataclasses
from importlib import resources

import numpy as np
import pandas as pd
import yaml

from recommender import process_cache
from recommender.cohort import SYNTHETIC_ID_PREFIX, Cohort, read_cohort
from recommender.errors import RecommenderError
from recommender.synth.barriers import BARRIER_ASSUMPTIONS, BARRIER_BASIS, draw_barriers
from recommender.synth.closing import draw_closing, draw_dates, draw_durations
from recommender.synth.intake import (
    OTHER,
    draw_criteria,
    draw_danish_course,
    draw_degrees,
    draw_education_home,
    draw_job_goal,
    draw_plans,
)
from recommender.synth.offers import assign_offers
from recommender.synth.people import draw_people
from recommender.synth.sampling import pick
from recommender.vocab import (
    ANSWER,
    CRITERIA,
    DANISH_COURSE,
    DEGREE,
    EDUCATION_HOME,
    JOB_GOAL_LEVEL,
    OFFER,
    OUTCOME,
)

__all__ = [
    "ASSUMPTIONS",
    "ASSUMPTION_BASIS",
    "ID_PREFIX",
    "MAX_N",
    "ZERO_CELL",
    "generate_cohort",
    "is_synthetic",
    "load_figures",
]

#: Every synthetic citizen id is this prefix and seven digits (``syn0000001``; the cohort's own rule).
ID_PREFIX = SYNTHETIC_ID_PREFIX

MAX_N = 5_000_000
#: Jeffreys pseudo-count given to a published zero cell of a by-group table the generator draws from.
ZERO_CELL = 0.5

#: Every modelling assumption the published figures do not settle (also in docs/synthetic-cohort.md),
#: each with :data:`ASSUMPTION_BASIS`: the passage of the evaluation report it rests on (quoted
#: verbatim, Danish), or "Teknisk valg: …" where it is a technical choice the report does not speak to.
ASSUMPTIONS: list[str] = [
    "Outcome-first model: outcome and municipality are drawn jointly from tabel 12; every other field "
    "is drawn given the outcome (group), so the report's by-outcome tables hold by construction.",
    "Fields published only as margins (gender, nationality/origin, education_dk, contact_route) are "
    "independent of the outcome.",
    "Origin follows nationality by Statistics Denmark's definition (EU/EEA, Switzerland, North America, "
    "Australia, New Zealand are western); the 146 'other' citizens are spread over 68 further "
    "nationalities (77 in all) so that the western share is 34/276.",
    "Years in Denmark: 1-5 years weighted 14/18/21/23/24 %, 6-20 uniform within bands, 21-31 linearly "
    "decreasing; the 16+ band splits 8:6 into 16-20 and 21+ in both groups (mean 5.75, longest 31).",
    "Children: the '3+' group splits 28:4:1:1 into 3, 4, 5 and 6 children (tabel 5) in both groups.",
    "Danish course: unknown for 34/198 of the labour-force group and 12/76 of the others (tabel 14).",
    "Danish course within the labour-force group: the group's drawn courses are reassigned by rank so "
    "that education closures more often hold du2/du3 (shift 0.8 standard deviations); job and active "
    "closures are not shifted. Tabel 14 still holds exactly.",
    "Education from home for the 'other' group follows tabel 17; for the labour-force group tabel 18 "
    "by job/education/active.",
    "Intake criteria are registered for every generated row (the schema requires them; the report "
    "registered 196 of 274): their per-group shares follow tabel 19-33; the joint pattern table is "
    "raked to tabel 10 and the nested counts, whose pooled figures are compared standardised to the "
    "registered mix (168 labour force : 28 other).",
    "The published criteria figures are mutually inconsistent (see synth/joint.py); the raked table is "
    "a compromise within about 2.1 percentage points of every figure.",
    "Closeness to work within the labour-force group: the group's drawn answer patterns are reassigned "
    "by rank of closeness (criteria met, plus 1.5 when both 'can start within 14 days' and 'wants "
    "employment' are met) so that job closures are closer to work (shift +0.5 standard deviations), "
    "active closures slightly (+0.2) and education closures less close (-0.5). Tabel 10 and tabel "
    "19-33 still hold exactly.",
    "language_sufficient and spouse_support follow tabel 34/35 per group; network_use follows tabel 36 "
    "(published for all only) in both groups. Within a group the degree is ordered by a latent score: "
    "language by Danish course and education, network by active job seeking, spouse support by wish "
    "for work; 'not relevant' is drawn at random at its published share.",
    "Closing registrations are present for 170/198 labour-force rows and 29/76 others (199/274) and "
    "follow tabel 19-33 and 37 per group; closing answers are ordered by the intake answer plus noise "
    "so that progression is positively correlated with the starting point.",
    "Education plan at intake (13/274): 5 of the 13 closed to education and 5 to job, the other 3 to "
    "active/other (section 4).",
    "job_goal_level (not published) depends on education from home (higher-educated citizens more "
    "often hold goals at their own level) and on the closure: job closures more often hold an unskilled "
    "goal, education closures a skilled or higher goal (and sometimes an unclear one), 'other' closures "
    "no or an unclear goal; 'none'/'unclear' are also more common when the wish for work is partly/no. "
    "With the default rules flexible, ambitious and uncertain are the most common typologies (Bilag B).",
    "job_goal text is a plausible Danish job title for the goal level; empty for 'none'/'unclear'.",
    "entrepreneurship_interest: 6 % base, twice as common among citizens closed to a job (which includes "
    "self-employment) and 1.5 times among those with more than primary education.",
    "Offer: present for 78/97 job, 39/54 education, 44/47 active and 58/76 other closures (tabel 38, "
    "219 in all). Among those, the offer type follows a multinomial logit within each outcome whose "
    "intercepts are calibrated to tabel 38 (so tabel 38 holds exactly) and whose slopes say who had "
    "which offer: wage subsidy and internship go to citizens close to work, much more so among job and "
    "active closures; internship more often to citizens with an unskilled goal; highly educated "
    "citizens with a higher-level goal are reluctant to take either; clarification goes to citizens "
    "with no or an unclear goal (most of all among 'other' closures), to education-oriented citizens (a "
    "skilled or higher goal, or an education plan; most of all among education closures) and to the "
    "higher educated, seldom to citizens close to work; counselling is the broad reference. The slopes "
    "are the named constants of synth/offers.py.",
    "Duration: under 2 months (9-60 days) 17 %, 2-12 months (61-365 days) 61 %, over 1 year "
    "(366-900 days) 22 % in both groups; 61 + 304*Beta(1.3, 1.9) days in the middle band and 366 + an "
    "exponential tail (capped at 900) whose scale gives the group means 216 and 220 days.",
    "Published zero cells are smoothed: where a by-group table (tabel 14-18, the intake columns of "
    "tabel 19-36) has 0 in one group but not in the other (e.g. active_job_seeker 'yes' at intake: 0 of "
    "28 in the 'other' group; searches_broadly 'yes': 0 of 28), the generator's target uses a Jeffreys "
    "pseudo-count of 0.5 instead, so such citizens are rare in the group but not impossible. A zero "
    "from 28 observations is not evidence of a zero probability, and an exact zero would teach the "
    "outcome model P(other) = 0 for them. A category that is 0 in every group stays absent. The "
    "fidelity report still compares with the published counts.",
    "Dates: closed_on uniform over the days that keep enrolled_on = closed_on - duration within "
    "2014-01-01..2017-03-31.",
    "citizen_id is 'syn' plus a running number: pseudonymous, never CPR-shaped.",
]

#: The report passage each of :data:`ASSUMPTIONS` rests on (same order).
ASSUMPTION_BASIS: list[str] = [
    "Teknisk valg: rapporten offentliggør kun tabeller, og de tabeller, der er opdelt på afslutning, "
    "holder kun eksakt, når afslutningen trækkes først.",
    "Teknisk valg: rapporten offentliggør disse felter kun som marginaler.",
    "Teknisk valg: rapporten nævner 77 nationaliteter og 34 vestlige, men ikke hvilke.",
    "Teknisk valg: rapporten offentliggør kun bånd, et gennemsnit og den længste opholdstid.",
    "Teknisk valg: tabel 5 giver fordelingen af '3+'; den er ikke opdelt på afslutning.",
    "Teknisk valg: tabel 14 viser kun kendte danskuddannelser; resten er ukendte.",
    "«Flere af projektdeltagerne udtrykker ønske om at opnå ordinær beskæftigelse inden for fagområder, "
    "der kræver en erhvervsfaglig uddannelse. Derfor er der for enkelte af projektdeltagerne behov for, "
    "at de påbegynder VUC for at bestå dansk og matematik på 9./10. klasseniveau.»",
    "Teknisk valg: tabel 17 og 18 er de mest detaljerede offentliggjorte tabeller.",
    "Teknisk valg: skemaet kræver kriterierne for hver borger; rapporten registrerede 196.",
    "Teknisk valg: de offentliggjorte tal kan ikke alle holde på én gang (se synth/joint.py).",
    "«den høje effekt af løntilskud er udtryk for, at borgerne allerede er tæt på at kunne påbegynde "
    "ordinær beskæftigelse, når de opnår løntilskud.»",
    "«Ca. 78 pct. af deltagerne har påbegyndt og/eller gennemført danskuddannelse 2 eller 3.»",
    "«Under projektforløbet øges andelen af deltagere som anvender deres netværk uden for hjemmet til at "
    "understøtte deres jobsøgning med næsten 30 procentpoint.»",
    "«Der er 13 borgere i målgruppen, som ved projekttilknytning vurderes at have en uddannelsesplan» … "
    "«5 af disse projektdeltagere afsluttes senere til uddannelse på almindelige vilkår. Tilsvarende er "
    "5 borgere med en uddannelsesplan ved projekttilknytning senere afsluttet til ordinær beskæftigelse.»",
    "«De typiske (del)brancher, hvor borgerne har opnået ordinær beskæftigelse, er rengøring, "
    "køkken/kantine, pakkeri, hotel, (fiske)industri, butik, lager» og «Projektdeltagernes "
    "uddannelsesforløb er primært påbegyndt inden for uddannelsesområder som SOSU-assistent, "
    "serviceassistent, pædagogisk assistent»",
    "Teknisk valg: jobmålets tekst vises kun; modellen bruger den ikke.",
    "Teknisk valg: rapporten offentliggør ikke interessen for egen virksomhed.",
    "«den høje effekt af løntilskud er udtryk for, at borgerne allerede er tæt på at kunne påbegynde "
    "ordinær beskæftigelse» og «Ca. 43 pct. af projektdeltagerne, som har været en del af "
    "projektindsatsens egne afklaringstilbud, påbegynder uddannelse på ordinære vilkår» og «de ofte "
    "ønsker et job, der matcher deres uddannelsesniveau»",
    "Teknisk valg: rapporten giver kun tre bånd, gennemsnit, korteste og længste varighed.",
    "Teknisk valg: et nul ud af 28 borgere er ikke bevis for en sandsynlighed på nul.",
    "Teknisk valg: rapporten dækker 2014 til foråret 2017.",
    "Teknisk valg: borger-id'et må aldrig ligne et CPR-nummer.",
]
ASSUMPTIONS += BARRIER_ASSUMPTIONS  # issue 26: the rules-only fields (synth/barriers.py)
ASSUMPTION_BASIS += BARRIER_BASIS
assert len(ASSUMPTION_BASIS) == len(ASSUMPTIONS)


def _figures_text() -> str:
    return process_cache.remember(
        "figures",
        lambda: resources.files("recommender").joinpath("data/projekt500.yaml").read_text(encoding="utf-8"),
    )


def load_figures() -> dict:
    """The published figures (package data ``data/projekt500.yaml``) as a fresh dict.

    >>> load_figures()["cohort"]["outcome"]
    {'job': 97, 'education': 54, 'active': 47, 'other': 76}
    """
    return yaml.safe_load(_figures_text())


def _smoothed(fig: dict) -> dict:
    """The figures with every zero cell of a by-group table raised to :data:`ZERO_CELL` when the same
    row is non-zero in another group, each group's column rescaled to its published total (the
    generator's targets; the fidelity report uses the published counts).

    >>> fig = _smoothed(load_figures())
    >>> [round(c, 3) for c in fig["progression"]["active_job_seeker"]["intake"]["yes"]]
    [31.0, 0.491]
    >>> load_figures()["progression"]["active_job_seeker"]["intake"]["yes"]
    [31, 0]
    >>> fig["progression"]["spouse_support"]["intake"]["not_at_all"]   # absent in every group
    [0.0, 0.0]
    """

    def smooth(rows: dict) -> None:
        keys = [k for k, v in rows.items() if isinstance(v, list)]
        table = np.array([rows[k] for k in keys], dtype=float)
        raised = np.where((table == 0) & (table.sum(axis=1, keepdims=True) > 0), ZERO_CELL, table)
        raised *= table.sum(axis=0) / raised.sum(axis=0)
        for k, cells in zip(keys, raised):
            rows[k] = [float(c) for c in cells]

    for block in fig["progression"].values():
        smooth(block["intake"])
    for table in fig["by_labour_force_and_other"].values():
        smooth(table)
    for table in fig["by_labour_force_outcome"].values():
        smooth(table["rows"])
    return fig


# ----------------------------------------------------------------------------------- generation


def _check(n: object, seed: object) -> tuple[int, int]:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= MAX_N:
        raise RecommenderError(
            f"n (antal rækker): forventede et heltal 1–{MAX_N:,} / expected a whole "
            f"number 1–{MAX_N:,}; fik/got {n!r}"
        )
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**63:
        raise RecommenderError(
            f"seed (frø): forventede et heltal ≥ 0 / expected a whole number ≥ 0; fik/got {seed!r}"
        )
    return int(n), int(seed)


def is_synthetic(cohort: Cohort) -> bool:
    """True when ``cohort`` was drawn by :func:`generate_cohort` (in memory, or read back from its file:
    every citizen id is ``syn`` and seven digits): the cohort's own
    :attr:`~recommender.cohort.Cohort.synthetic`.
    Reports and models label such a cohort *syntetisk*.

    >>> is_synthetic(generate_cohort(20, seed=1))
    True
    """
    return cohort.synthetic


def _citizen_ids(n: int) -> np.ndarray:
    return np.char.add(ID_PREFIX, np.char.zfill(np.arange(1, n + 1).astype(str), 7)).astype(object)


def _outcome_and_municipality(rng, fig: dict, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Closure (OUTCOME index) and municipality, jointly from tabel 12."""
    munis = fig["by_municipality_and_outcome"]["rows"]
    cells = np.array(list(munis.values()), dtype=float).ravel()
    cell = pick(rng, cells, np.zeros(n, dtype=np.int64))
    n_outcomes = len(OUTCOME.codes)
    return cell % n_outcomes, np.array(list(munis), dtype=object)[cell // n_outcomes]


def generate_cohort(n: int, seed: int) -> Cohort:
    """Draw a synthetic cohort of ``n`` closed cases, validated like any cohort file.

    The result is a :class:`~recommender.cohort.Cohort` (``.frame`` holds the rows); write it with
    :func:`~recommender.cohort.write_cohort`. See :data:`ASSUMPTIONS` for what is not published.
    The steps, in order: closure and municipality; background fields (:mod:`.people`); Danish course,
    education from home, the five criteria, the degree scales, the job goal, education plan and
    entrepreneurship (:mod:`.intake`); the offer (:mod:`.offers`); duration, dates and closing
    registrations (:mod:`.closing`).
    """
    n, seed = _check(n, seed)
    rng = np.random.Generator(np.random.PCG64(seed))
    fig = _smoothed(load_figures())
    outcome, municipality = _outcome_and_municipality(rng, fig, n)
    group = (outcome == OTHER).astype(np.int64)  # 0 labour force, 1 other
    cols: dict[str, object] = {"citizen_id": _citizen_ids(n), "municipality": municipality}
    cols.update(draw_people(rng, fig, outcome, group))
    course = cols["danish_course"] = draw_danish_course(rng, fig, outcome, group)
    home = cols["education_home"] = draw_education_home(rng, fig, outcome)
    pattern = draw_criteria(rng, fig, outcome, group)
    cols.update({name: pattern[:, c] for c, name in enumerate(CRITERIA)})
    degrees = draw_degrees(rng, fig, group, course, home, pattern)
    cols.update(degrees)
    goal, cols["job_goal"] = draw_job_goal(rng, outcome, home, pattern)
    cols["job_goal_level"] = goal
    plan, cols["entrepreneurship_interest"] = draw_plans(rng, outcome, home)
    cols["education_plan"] = plan
    cols["offer"] = assign_offers(rng, fig, outcome, pattern, goal, plan, home)
    cols["outcome"] = outcome
    duration = cols["duration_days"] = draw_durations(rng, fig, group)
    cols.update(draw_dates(rng, duration))
    cols.update(draw_closing(rng, fig, group, pattern, degrees["network_use"]))
    cols.update(draw_barriers(seed, outcome))  # own random stream: the columns above are unchanged
    return _to_cohort(cols, n, seed)


def _to_cohort(cols: dict, n: int, seed: int) -> Cohort:
    scales = (
        {name: ANSWER for name in CRITERIA}
        | {f"{name}_closing": ANSWER for name in CRITERIA}
        | {
            "language_sufficient": DEGREE,
            "spouse_support": DEGREE,
            "network_use": DEGREE,
            "network_use_closing": DEGREE,
            "danish_course": DANISH_COURSE,
            "education_home": EDUCATION_HOME,
            "offer": OFFER,
            "outcome": OUTCOME,
            "job_goal_level": JOB_GOAL_LEVEL,
        }
    )
    frame = {}
    for name, values in cols.items():
        if name in scales:
            frame[name] = pd.Categorical.from_codes(
                np.asarray(values, dtype=np.int64), categories=list(scales[name].codes)
            )
        else:
            frame[name] = values
    cohort = read_cohort(pd.DataFrame(frame))
    return dataclasses.replace(cohort, source=f"<synth n={n} seed={seed}>")
