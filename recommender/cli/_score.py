"""``recommender score CITIZENS.csv --out SCORES.csv``: batch scoring with the §8 columns."""

from __future__ import annotations

import argparse
import sys

from recommender.cli._options import whole_number

PROTECTED_NOTICE = (
    "BEMÆRK: modellen bruger køn, oprindelse eller nationalitet som input / NOTE: the model "
    "uses gender, origin or nationality as inputs"
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "score",
        help="scoring af mange borgere / batch scoring",
        description="Batch-scoring: én række pr. borger med typologi, rangering og chancer "
        "for hvert tilbud (spec §8).",
    )
    p.add_argument("citizens", metavar="CITIZENS.csv", help="CSV med indskrivningsdata / intake records")
    p.add_argument("--out", required=True, metavar="SCORES.csv", help="resultatfil / output file")
    p.add_argument("--model", metavar="PATH", help="modelfil / model file (default: built-in)")
    p.add_argument("--rules", metavar="PATH", help="regelfil / rules file (default: built-in)")
    p.add_argument(
        "--chunksize",
        type=whole_number(1, 10**7),
        default=50_000,
        metavar="N",
        help="rækker pr. bid / rows per chunk (default 50000)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from recommender.files import check_output
    from recommender.model import load_model
    from recommender.recommending.scoring import score_file
    from recommender.text import printable
    from recommender.typology import load_rules

    check_output(args.out, inputs=(args.citizens, args.model, args.rules))
    rules = load_rules(args.rules)
    model = load_model(args.model)
    summary = score_file(args.citizens, args.out, model=model, rules=rules, chunksize=args.chunksize)
    tops = ", ".join(f"{k or '(ingen/none)'} {v}" for k, v in sorted(summary.top_offers.items()))
    print(
        f"{summary.rows} borgere scoret / citizens scored -> {summary.out} "
        f"({summary.seconds:.1f} s; model {printable(summary.model_version)}; første tilbud / top offer: "
        f"{tops})" + (f"; {PROTECTED_NOTICE}" if summary.protected_attributes_used else ""),
        file=sys.stderr,
    )
    return 0
