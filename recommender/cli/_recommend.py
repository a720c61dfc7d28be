"""``recommender recommend CITIZEN.json``: the adviser's screen, or the JSON contract with ``--json``."""

from __future__ import annotations

import argparse
import json
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "recommend",
        help="anbefaling for én borger / recommendation for one citizen",
        description="Anbefaling for én borger (JSON-fil med indskrivningsdata). Rådgiveren beslutter.",
    )
    p.add_argument("citizen", metavar="CITIZEN.json", help="borgerens indskrivningsdata / intake record")
    p.add_argument("--json", action="store_true", help="JSON-kontrakten / the JSON contract")
    p.add_argument("--lang", choices=("da", "en"), default="da", help="sprog / language (default da)")
    p.add_argument("--model", metavar="PATH", help="modelfil / model file (default: built-in)")
    p.add_argument("--rules", metavar="PATH", help="regelfil / rules file (default: built-in)")
    p.add_argument(
        "--typology",
        metavar="CODE",
        help="rådgiverens typologi (kode eller dansk navn; kræver --reason) / the adviser's "
        "typology (requires --reason)",
    )
    p.add_argument("--reason", metavar="TEXT", help="begrundelse for rådgiverens typologi / the reason")
    p.add_argument(
        "--what-if",
        dest="what_if",
        action="store_true",
        help="hvad kunne ændre anbefalingen? (gemmer intet) / what could change the suggestion?",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from recommender.model import load_model
    from recommender.recommending.citizen_json import read_citizen_json
    from recommender.recommending.recommend import recommend
    from recommender.recommending.screen import render
    from recommender.typology import load_rules

    citizen = read_citizen_json(args.citizen)
    rules = load_rules(args.rules)
    model = load_model(args.model)
    rec = recommend(citizen, model=model, rules=rules, typology=args.typology, reason=args.reason)
    wi = None
    if args.what_if:
        from recommender.recommending.whatif import what_if

        wi = what_if(citizen, model=model, rules=rules, typology=args.typology, reason=args.reason, base=rec)
    if args.json:
        data = rec.to_dict()
        if wi is not None:
            data["what_if"] = wi.to_dict()
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render(rec, args.lang))
        if wi is not None:
            from recommender.recommending.whatif import render_what_if

            sys.stdout.write("\n" + render_what_if(wi, args.lang))
    return 0
