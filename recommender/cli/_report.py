"""``recommender report COHORT.csv --out DIR [--model PATH]``: the static HTML evaluation report."""

from __future__ import annotations

import argparse

from recommender.cli._options import whole_number

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report",
        help="HTML-evalueringsrapport / HTML evaluation report",
        description="Skriver en statisk HTML-rapport (DIR/index.html med PNG-figurer) om modellen på en "
        "kohorte: modelkort, kalibrering, afslutning pr. tilbud mod tabel 38, grupper (køn, "
        "oprindelse), kommuner, typologier, første tilbud og støtte; med --against en sammenligning med "
        "modellen i brug. / Writes a static HTML report on the model.",
    )
    parser.add_argument("cohort", metavar="COHORT.csv", help="kohortefil / cohort CSV file")
    parser.add_argument(
        "--out",
        required=True,
        metavar="DIR",
        help="mappe til rapporten (ny, tom eller en tidligere rapport) / output directory",
    )
    parser.add_argument(
        "--model",
        metavar="PATH",
        default=None,
        help="modelfil (standard: den indbyggede model) / model file (default: built-in)",
    )
    parser.add_argument(
        "--rules",
        metavar="PATH",
        default=None,
        help="regelfil (standard: de indbyggede regler) / rules file (default: built-in)",
    )
    parser.add_argument(
        "--against",
        metavar="MODEL",
        default=None,
        help="modellen i brug; rapporten sammenligner med den / the model in use to "
        "compare with (champion vs challenger)",
    )
    parser.add_argument(
        "--min-support",
        metavar="N",
        type=whole_number(1, 10**7),
        default=30,
        help="færre borgere med et tilbud end dette = lav støtte (standard 30) / "
        "offers with fewer citizens are flagged",
    )
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from recommender.analysis.report import MARKER, write_report
    from recommender.cohort import read_cohort
    from recommender.files import check_output_dir
    from recommender.model import load_model
    from recommender.typology import load_rules

    check_output_dir(args.out, marker=MARKER, inputs=(args.cohort, args.model, args.rules))
    cohort = read_cohort(args.cohort)
    model = load_model(args.model)
    rules = load_rules(args.rules)
    against = load_model(args.against) if args.against else None
    result = write_report(
        cohort, args.out, model=model, rules=rules, min_support=args.min_support, against=against
    )
    little = [s.offer for s in result.content.support if s.little_support]
    print(
        f"Rapport skrevet / report written: {result.index} ({len(result.images)} figurer/figures; "
        f"model {result.content.model.get('version')}; {result.content.n_evaluated} borgere vurderet"
        + (f"; lav støtte / little support: {', '.join(little)}" if little else "")
        + ")"
    )
    print(result.content.summary)
    return 0
