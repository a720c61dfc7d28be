"""``recommender models list [--database URL] [--json]``: the registered models, the one in use marked."""

from __future__ import annotations

import argparse
import json

from recommender.cli._db import add_database_flag, open_from_args

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "list",
        help="registrerede modeller / registered models",
        description="Modelregistret; * markerer modellen i brug / the model registry; "
        "* marks the model in use.",
    )
    p.add_argument("--json", action="store_true", help="JSON på standard output")
    add_database_flag(p)
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from recommender.cases import registry

    db = open_from_args(args)
    try:
        with db.session() as session:
            current = registry.champion(session)
            rows = [
                {
                    "version": m.version,
                    "in_use": current is not None and current.model_id == m.id,
                    "registered_at": m.registered_at.isoformat(timespec="seconds"),
                    "registered_by": m.registered_by,
                    "sha256": m.sha256,
                    "training_rows": m.manifest.get("n_rows"),
                    "synthetic": m.manifest.get("synthetic"),
                    "source": m.source,
                }
                for m in registry.list_models(session)
            ]
            history = [
                {
                    "id": e.id,
                    "action": e.action,
                    "version": e.model.version,
                    "by": e.by,
                    "at": e.at.isoformat(timespec="seconds"),
                    "reason": e.reason,
                }
                for e in registry.champion_history(session)
            ]
    finally:
        db.dispose()
    if args.json:
        print(json.dumps({"models": rows, "champion_history": history}, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("ingen registrerede modeller / no registered models")
    for r in rows:
        print(
            f"{'*' if r['in_use'] else ' '} {r['version']:<18}{r['registered_at']:<27}"
            f"{r['registered_by']:<16}"
            f"{r['training_rows']!s:>6} rækker/rows{'  syntetisk' if r['synthetic'] else ''}"
        )
    for e in history:
        print(f"  #{e['id']} {e['at']} {e['action']:<9}{e['version']:<18}af/by {e['by']}: {e['reason']}")
    return 0
