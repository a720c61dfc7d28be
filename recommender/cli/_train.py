"""``recommender train COHORT.csv --out MODEL``: train, select and save an outcome model (issue 4)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from recommender.model import OutcomeModel

__all__ = ["register", "render"]


def _positive(text: str) -> int:
    from recommender.errors import RecommenderError
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 20:
        raise RecommenderError(f"--evidence-size: expected a whole number ≥ 20 / et heltal ≥ 20; "
                               f"got {text!r}")
    return value


def _seed(text: str) -> int:
    from recommender.errors import RecommenderError
    try:
        return int(text)
    except ValueError:
        raise RecommenderError(f"--seed: expected a whole number / et heltal; got {text!r}") from None


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "train", help="træn udfaldsmodellen / train the outcome model",
        description="Træner udfaldsmodellen på en kohortefil, vælger model ved krydsvalidering og "
                    "gemmer den. / Trains the outcome model on a cohort CSV, selects by "
                    "cross-validated log loss and saves it (atomically).")
    parser.add_argument("cohort", metavar="COHORT.csv")
    parser.add_argument("--out", required=True, metavar="MODEL", help="modelfil / model file")
    parser.add_argument("--seed", type=_seed, default=0)
    parser.add_argument("--allow-protected", action="store_true",
                        help="brug køn/oprindelse/nationalitet som input (registreres) / use protected "
                             "attributes as features (recorded in the model)")
    parser.add_argument("--evidence-size", type=_positive, default=None, metavar="N",
                        help="antal borgere estimaterne reelt hviler på (standard: forløb med tilbud) "
                             "/ citizens the estimates rest on (default: rows with an offer)")
    parser.set_defaults(func=_run)


def render(model: OutcomeModel, path: str) -> str:
    """The training summary printed by the command."""
    m = model.manifest
    sel = m.selection
    base = sel["baseline"]["cv_log_loss"]  # type: ignore[index]
    lines = [f"Kohorte / cohort: {m.n_rows} forløb/rows, {m.n_with_offer} med tilbud/with an "
             f"offer; {m.n_left_out} uden tilbud udeladt / without an offer left out",
             f"Modelvalg / model selection: {sel['n_folds']}-fold stratified CV on {sel['n_cv_rows']}"
             f" rows, log loss (lower is better / lavere er bedre):",
             f"  {'prior (baseline)':<18}{base:.4f}"]
    for c in sel["candidates"]:  # type: ignore[attr-defined]
        mark = "  <- valgt/selected" if c["name"] == sel["selected"] else ""
        lines.append(f"  {c['name']:<18}{c['cv_log_loss']:.4f} ± {c['cv_log_loss_std']:.4f} "
                     f"({c['cv_log_loss'] - base:+.4f} vs baseline){mark}")
    cal = "yes/ja" if sel["calibrated"] else "no/nej"
    lines.append(f"Kalibrering (temperature) / calibration: {cal} (CV log loss "
                 f"{sel['calibrated_cv_log_loss']:.4f})")
    lines.append(f"Usikkerhed / intervals: {m.n_bootstrap} bootstrap refits of {m.evidence_size}"
                 f" rows, {int(m.interval_level * 100)}% intervals; support threshold "
                 f"{m.support_threshold}; protected attributes used: {m.allow_protected}")
    lines.append(f"Gemt / saved: {path} (version {model.version})")
    return "\n".join(lines)


def _run(args: argparse.Namespace) -> int:
    from recommender.model import save_model, train
    from recommender.typology import load_rules

    model = train(args.cohort, seed=args.seed, allow_protected=args.allow_protected,
                  evidence_size=args.evidence_size, rules=load_rules())
    save_model(model, args.out)
    print(render(model, args.out))
    return 0
