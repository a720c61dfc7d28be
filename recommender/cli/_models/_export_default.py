"""``recommender models export-default --out PATH [--force]``: the built-in model as a model file.

The file is written atomically and loads with ``--model PATH`` like any trained model (same
manifest: version, training fingerprint, ``"synthetic": true``). An existing file is not replaced
unless ``--force`` is given, so the model in use is never overwritten by accident.
"""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export-default",
        help="gem den indbyggede model som en modelfil / export the built-in model",
        description="Gemmer den indbyggede standardmodel (trænet på den syntetiske Projekt 500-kohorte) "
        "som en modelfil, fx som den model der er i brug. / Writes the built-in default "
        "model to a model file.",
    )
    parser.add_argument("--out", required=True, metavar="PATH", help="modelfil / model file to write")
    parser.add_argument(
        "--force", action="store_true", help="erstat en eksisterende fil / replace an existing file"
    )
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from recommender.errors import RecommenderError
    from recommender.model import load_model, save_model

    out = Path(args.out)
    if out.is_dir():
        raise RecommenderError(f"--out {out}: expected a file path; got a directory / en mappe")
    if out.exists() and not args.force:
        raise RecommenderError(
            f"--out {out}: filen findes allerede; brug --force for at erstatte den / "
            "the file exists; use --force to replace it"
        )
    model = load_model()
    save_model(model, out)
    print(
        f"Standardmodellen gemt / default model written: {out} (version {model.version}; trænet på en "
        f"syntetisk kohorte / trained on a synthetic cohort)"
    )
    return 0
