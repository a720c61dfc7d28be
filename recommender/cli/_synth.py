"""``recommender synth --n N --seed S --out COHORT.csv [--fidelity]``: a synthetic Projekt 500 cohort."""

from __future__ import annotations

import argparse

from recommender.cli._options import MAX_SEED, whole_number

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "synth",
        help="syntetisk Projekt 500-kohorte / synthetic Projekt 500 cohort",
        description="Danner en syntetisk kohorte af afsluttede forløb, der gengiver evalueringens "
        "offentliggjorte tal (samme frø giver samme fil). / Writes a synthetic cohort of "
        "closed cases that reproduces the evaluation's published figures (same seed, "
        "same file).",
    )
    parser.add_argument(
        "--n", type=whole_number(1, 10**9), required=True, metavar="N", help="antal forløb / number of cases"
    )
    parser.add_argument(
        "--seed", type=whole_number(0, MAX_SEED), required=True, metavar="S", help="frø / random seed"
    )
    parser.add_argument(
        "--out", required=True, metavar="COHORT.csv", help="kohortefil der skrives / cohort CSV to write"
    )
    parser.add_argument(
        "--fidelity",
        action="store_true",
        help="vis sammenligning med de offentliggjorte tal (værste først) / print the "
        "comparison with the published figures, worst first, and a verdict line",
    )
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from recommender.files import check_output

    check_output(args.out)  # before the cohort is drawn
    from recommender.cohort import write_cohort
    from recommender.synth import generate_cohort
    from recommender.synth.fidelity import fidelity_report, fidelity_verdict, format_fidelity

    cohort = write_cohort(generate_cohort(args.n, args.seed), args.out)
    print(
        f"skrev/wrote {cohort.n_rows} forløb/cases ({cohort.n_with_offer} med tilbud/with an offer) "
        f"til/to {args.out}; fingerprint {cohort.fingerprint}"
    )
    if args.fidelity:
        rows = fidelity_report(cohort)
        print(format_fidelity(rows))
        print(fidelity_verdict(rows, cohort.n_rows))
    return 0
