"""``recommender monitor [--database URL] [--since DATE] [--json]``: how the tool is used and whether
the population drifts (follow rates, reasons for departing, outcomes for followed and not followed
advice as associations, intake drift against the training cohort, low-evidence share, off-policy
estimate). No cell under 5 citizens is shown. See :mod:`recommender.cases.monitor`."""

from __future__ import annotations

import argparse
import json
from typing import Any

from recommender.cli._db import add_database_flag, open_from_args
from recommender.cli._options import iso_date
from recommender.numbers import percent

__all__ = ["register", "text"]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "monitor",
        help="overvågning: følgeandel og drift / monitoring: follow rate, drift",
        description=__doc__,
    )
    p.add_argument(
        "--since", type=iso_date, metavar="DATE", help="anbefalinger fra og med / from (YYYY-MM-DD)"
    )
    p.add_argument(
        "--model",
        metavar="PATH",
        help="drift-reference når registret er tomt / drift reference "
        "when no model is promoted (default: the built-in model)",
    )
    p.add_argument(
        "--min-cell",
        type=int,
        default=5,
        metavar="N",
        help="mindste viste celle (≥ 5) / smallest cell shown (≥ 5)",
    )
    p.add_argument("--no-offpolicy", action="store_true", help="spring off-policy-skønnet over / skip it")
    p.add_argument("--json", action="store_true", help="JSON på standard output")
    add_database_flag(p)
    p.set_defaults(func=run)


def _share(x: float | None) -> str:
    return percent(x, 1, "en")


def _n(entry: dict[str, Any]) -> str:
    return f"{_share(entry['rate'])} (n={entry['n']})"


def text(report: dict[str, Any]) -> str:
    """The report as Danish/English lines for the terminal."""
    f = report["follow_rate"]
    lines = [
        f"Overvågning / monitoring{' siden ' + report['since'] if report['since'] else ''} "
        f"(celler under {report['min_cell']} vises ikke / cells under {report['min_cell']} hidden)",
        f"Anbefalinger/recommendations {report['counts']['recommendations']}, beslutninger/decisions "
        f"{report['counts']['decisions']}, afsluttet/closed {report['counts']['closures']}",
        f"Følgeandel / follow rate: {_share(f['overall'])} (n={f['n_decisions']})",
    ]
    for key, title in (("by_municipality", "kommune"), ("by_typology", "typologi")):
        lines += [f"  {title} {g}: {_n(e)}" for g, e in f[key].items()]
    lines.append(
        "Begrundelser for at fravige / reasons for departing: "
        + (", ".join(f"{r} {k}" for r, k in report["departure_reasons"].items()) or "–")
    )
    o = report["outcomes_by_followed"]
    lines.append(
        f"I arbejdsstyrken / labour force: fulgt/followed {_share(o['followed']['labour_force_share'])} "
        f"(n={o['followed']['n']}), ikke fulgt/not followed "
        f"{_share(o['not_followed']['labour_force_share'])} (n={o['not_followed']['n']})"
    )
    lines.append(f"  {o['note']['da']}")
    ref = report["drift_reference"]
    lines.append(
        f"Drift (PSI mod træningskohorten for / against the training cohort of "
        f"{ref['model_version'] or '–'}; <0,10 stabil, 0,10–0,25 moderat, >0,25 markant):"
    )
    for field, d in report["drift"].items():
        if d["psi"] is None:
            lines.append(f"  {field}: – ({d['reason']})")
        elif d["level"] != "stable":
            lines.append(f"  {field}: {d['psi']:.3f} {d['level']}{'  ⚑' if d['flag'] else ''}")
    stable = sum(1 for d in report["drift"].values() if d["level"] == "stable")
    lines.append(f"  {stable} felter stabile / fields stable")
    low = report["low_evidence"]
    lines.append(
        f"Anbefalinger med lav evidens / low-evidence recommendations: {_share(low['share'])} (n={low['n']})"
    )
    ov = report.get("typology_overrides")
    if ov is not None:  # issue 26: the adviser set another typology than the rules gave
        lines.append(
            f"Rådgiverens typologi / the adviser's typology: ændret i / changed in "
            f"{_share(ov['overall'])} (n={ov['n']})"
        )
        lines += [
            f"  reglerne gav / the rules gave {g}: {_n(e)}"
            + (f" → {', '.join(f'{t} {k}' for t, k in e['to'].items())}" if e.get("to") else "")
            for g, e in ov["by_typology"].items()
        ]
    op = report["offpolicy"]
    lines.append("Off-policy: " + (op.get("message_da") or op.get("status", "")))
    if op.get("dr") is not None:
        lines.append(
            f"  følg anbefalingerne (DR) {op['dr']:.3f} [{op['dr_interval'][0]:.3f}; "
            f"{op['dr_interval'][1]:.3f}] mod observeret {op['observed']:.3f}"
        )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from recommender import load_model
    from recommender.cases import audit
    from recommender.cases.monitor import monitor
    from recommender.errors import RecommenderError

    if args.min_cell < 5:
        raise RecommenderError(f"--min-cell: expected a whole number ≥ 5; got {args.min_cell}")
    db = open_from_args(args)
    try:
        with db.session() as session:
            from recommender.cases.registry import champion

            model = None if champion(session) is not None else load_model(args.model)
            report = monitor(
                session,
                since=args.since,
                model=model,
                min_cell=args.min_cell,
                offpolicy=not args.no_offpolicy,
            )
            audit.record(
                session,
                "monitor.read",
                status=200,
                actor="cli",
                detail=f"since={args.since.isoformat() if args.since else 'all'}",
            )
    finally:
        db.dispose()
    print(json.dumps(report, ensure_ascii=False, indent=2) if args.json else text(report))
    return 0
