"""``recommender rules check [PATH]``: load a rules file and prove every record gets one typology.

Exit 0 when the rules are complete (rules that can never fire are listed but are not an error);
2 when the file cannot be loaded or some combination gets no typology (an example is named).
"""

from __future__ import annotations

import argparse
import json
import sys


def register(sub: argparse._SubParsersAction) -> None:
    rules = sub.add_parser(
        "rules",
        help="regelfilen / the rules file (rules.yaml)",
        description="Værktøjer til regelfilen / tools for the rules file.",
    )
    commands = rules.add_subparsers(dest="rules_command", metavar="SUBCOMMAND", parser_class=type(rules))
    commands.required = True
    check = commands.add_parser(
        "check",
        help="bevis at hver borger får præcis én typologi / prove every record gets one typology",
        description="Gennemløber alle kombinationer af de felter, typologireglerne læser / enumerates "
        "every combination of the fields the typology rules read.",
    )
    check.add_argument(
        "path",
        nargs="?",
        default=None,
        metavar="PATH",
        help="regelfil / rules file (default: the packaged rules.yaml)",
    )
    check.add_argument("--json", action="store_true", help="skriv rapporten som JSON / print JSON")
    check.set_defaults(func=_check)


def _check(args: argparse.Namespace) -> int:
    from recommender.rules.check import check_rules, format_report, show_record
    from recommender.typology import load_rules

    report = check_rules(load_rules(args.path))
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_report(report))
    if report.complete:
        return 0
    assert report.uncovered_example is not None
    print(
        f"fejl/error: {report.n_uncovered} kombinationer uden typologi / combinations without a "
        f"typology, e.g. {show_record(report.uncovered_example)}",
        file=sys.stderr,
    )
    return 2
