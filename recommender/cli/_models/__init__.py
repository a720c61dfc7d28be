"""``recommender models SUBCOMMAND``: the group of commands about model files and the model registry.

Each subcommand lives in its own module ``recommender/cli/_models/_<name>.py`` with
``register(subparsers)``; add its name to ``SUBCOMMANDS`` (the model registry adds ``list``,
``register``, ``compare``, ``promote`` and ``rollback`` this way).
"""

from __future__ import annotations

import argparse
import importlib

__all__ = ["SUBCOMMANDS", "register"]

#: Subcommand modules, in the order ``recommender models --help`` lists them.
SUBCOMMANDS: tuple[str, ...] = ("export_default", "list", "register", "compare", "promote", "rollback")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "models",
        help="modelfiler og modelregister / model files and the model registry",
        description="Værktøjer til modelfiler / tools for model files.",
    )
    commands = parser.add_subparsers(dest="models_command", metavar="SUBCOMMAND", parser_class=type(parser))
    commands.required = True
    for name in SUBCOMMANDS:
        importlib.import_module(f"{__name__}._{name}").register(commands)
