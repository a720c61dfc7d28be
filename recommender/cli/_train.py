"""``recommender train COHORT.csv --out MODEL``: train, select and save an outcome model (issue 4)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from recommender.model import OutcomeModel

from recommender.cli._options import MAX_SEED, whole_number

__all__ = ["register", "render"]

MAX_JOBS = 256


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "train",
        help="træn udfaldsmodellen / train the outcome model",
        description="Træner udfaldsmodellen på en kohortefil, vælger model ved krydsvalidering og "
        "gemmer den. / Trains the outcome model on a cohort CSV: stacks the candidates by "
        "out-of-fold likelihood, chooses the weighting by cross-fitted policy value "
        "and saves it (atomically).",
    )
    parser.add_argument("cohort", metavar="COHORT.csv")
    parser.add_argument("--out", required=True, metavar="MODEL", help="modelfil / model file")
    parser.add_argument("--seed", type=whole_number(0, MAX_SEED), default=0)
    parser.add_argument(
        "--allow-protected",
        action="store_true",
        help="brug køn/oprindelse/nationalitet som input (registreres) / use protected "
        "attributes as features (recorded in the model)",
    )
    parser.add_argument(
        "--evidence-size",
        type=whole_number(20, 10**7),
        default=None,
        metavar="N",
        help="antal borgere estimaterne reelt hviler på (standard: forløb med tilbud) "
        "/ citizens the estimates rest on (default: rows with an offer)",
    )
    parser.add_argument(
        "--jobs",
        type=whole_number(0, MAX_JOBS),
        default=1,
        metavar="N",
        help="processer til bootstrap-genberegningerne, 0 = alle kerner; samme "
        "resultat for alle N / processes for the bootstrap refits, 0 = every "
        "core; the same model for every N (default 1)",
    )
    parser.set_defaults(func=_run)


def render(model: OutcomeModel, path: str) -> str:
    """The training summary printed by the command: the candidates as an aligned table with both
    criteria (CV log loss; cross-fitted doubly-robust value of the top-offer policy) and each
    candidate's weight in the stack, the choice, one line saying why, and the blend's mixture."""
    m = model.manifest
    sel = m.selection
    base = sel["baseline"]["cv_log_loss"]  # type: ignore[index]
    lines = [
        f"Kohorte / cohort: {m.n_rows} forløb/rows, {m.n_with_offer} med tilbud/with an "
        f"offer; {m.n_left_out} uden tilbud udeladt / without an offer left out",
        f"Modelvalg / model selection: {sel['n_folds']}-fold stratified CV on {sel['n_cv_rows']}"
        f" rows. Log loss: lower is better / lavere er bedre; policy value (mean weighted "
        f"outcome if each citizen got the model's top offer, doubly robust): higher is better "
        f"/ højere er bedre.",
    ]
    rows = [("kandidat / candidate", "CV log loss", "vs prior", "policy value", "stack weight", "")]
    rows.append(
        ("prior (baseline)", f"{base:.4f}", "", _value(sel["baseline"]), _weight(sel["baseline"]), "")
    )
    for c in sel["candidates"]:  # type: ignore[attr-defined]
        mark = (
            "<- valgt/selected"
            if c["name"] == sel["selected"]
            else "(main linear member / vigtigste lineære)"
            if c["name"] == sel.get("fit_choice")
            else ""
        )
        rows.append(
            (
                c["name"],
                f"{c['cv_log_loss']:.4f} ± {c['cv_log_loss_std']:.4f}",
                f"{c['cv_log_loss'] - base:+.4f}",
                _value(c),
                _weight(c),
                mark,
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    for r in rows:
        lines.append(
            "  "
            + "  ".join(
                [r[0].ljust(widths[0])] + [r[i].rjust(widths[i]) for i in (1, 2, 3, 4)] + [r[5]]
            ).rstrip()
        )
    lines.append(f"Valgt / chosen: {sel['selected']}. Hvorfor / why: {sel.get('reason', '')}")
    mix = sel.get("mix") or {}
    if mix:
        parts = [f"{n} {w:.3f}" for n, w in zip(mix["members"], mix["weights"])]  # type: ignore[index, call-overload]
        lines.append(
            f"Blanding / mixture: {', '.join(parts)}, prior {mix['prior_weight']:.3f} "  # type: ignore[index]
            f"(priorandelen trækker sandsynlighederne mod udfaldenes andele og ændrer ikke "
            f"rækkefølgen / the prior share pulls the probabilities toward the outcome "
            f"shares and leaves the ranking unchanged)"
        )
    if sel["calibrated"]:  # only models selected before issue 11 had a temperature
        lines.append(
            f"Kalibrering (temperature) / calibration: yes/ja (CV log loss "
            f"{sel['calibrated_cv_log_loss']:.4f})"
        )
    lines.append(
        f"Usikkerhed / intervals: {m.n_bootstrap} bootstrap refits of {m.evidence_size}"
        f" rows, {int(m.interval_level * 100)}% intervals; support threshold "
        f"{m.support_threshold}; protected attributes used: {m.allow_protected}"
    )
    lines.append(f"Gemt / saved: {path} (version {model.version})")
    return "\n".join(lines)


def _weight(c: Any) -> str:
    return f"{c['stack_weight']:.3f}" if "stack_weight" in c else "-"


def _value(c: Any) -> str:
    if "policy_value" not in c:
        return "-"
    return f"{c['policy_value']:.4f} ± {c['policy_value_se']:.4f}"


def _progress():
    """Stage lines with the elapsed time on stderr, only when stderr is a terminal (not in logs/pipes)."""
    import sys
    import time

    if not sys.stderr.isatty():
        return None
    start = time.perf_counter()

    def show(stage: str) -> None:
        print(f"[{time.perf_counter() - start:6.1f} s] {stage} …", file=sys.stderr, flush=True)

    return show


def _run(args: argparse.Namespace) -> int:
    from recommender.files import check_output
    from recommender.model import save_model, train
    from recommender.typology import load_rules

    check_output(args.out, inputs=(args.cohort,))  # before minutes of training, not after
    model = train(
        args.cohort,
        seed=args.seed,
        allow_protected=args.allow_protected,
        evidence_size=args.evidence_size,
        rules=load_rules(),
        progress=_progress(),
        n_jobs=args.jobs or -1,
    )
    save_model(model, args.out, inputs=(args.cohort,))
    print(render(model, args.out))
    return 0
