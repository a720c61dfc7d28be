"""``recommender recommend CITIZEN.json``: the adviser's screen, or the JSON contract with ``--json``."""

from __future__ import annotations

import argparse
import json
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("recommend", help="anbefaling for én borger / recommendation for one citizen",
                       description="Anbefaling for én borger (JSON-fil med indskrivningsdata). "
                                   "Rådgiveren beslutter.")
    p.add_argument("citizen", metavar="CITIZEN.json", help="borgerens indskrivningsdata / intake record")
    p.add_argument("--json", action="store_true", help="JSON-kontrakten / the JSON contract")
    p.add_argument("--lang", choices=("da", "en"), default="da", help="sprog / language (default da)")
    p.add_argument("--model", metavar="PATH", help="modelfil / model file (default: built-in)")
    p.add_argument("--rules", metavar="PATH", help="regelfil / rules file (default: built-in)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from recommender.recommending.citizen_json import read_citizen_json
    from recommender.recommending.recommend import recommend
    from recommender.recommending.screen import render
    from recommender.model import load_model
    from recommender.typology import load_rules

    citizen = read_citizen_json(args.citizen)
    rules = load_rules(args.rules)
    model = load_model(args.model)
    rec = recommend(citizen, model=model, rules=rules)
    if args.json:
        json.dump(rec.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render(rec, args.lang))
    return 0
