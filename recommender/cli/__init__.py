"""The ``recommender`` command line: a thin layer over the package's pure functions.

``main(argv=None) -> int`` parses arguments and calls one command. Exit codes (spec §12): 0 success,
2 bad input or usage (one line on stderr, no traceback), 1 an internal fault, 130 interrupted.
Each command lives in its own module ``recommender/cli/_<name>.py`` with ``register(subparsers)``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from recommender.errors import RecommenderError

__all__ = ["main"]

# Command modules, in the order ``recommender --help`` lists them.
_COMMANDS: tuple[str, ...] = (
    "recommend", "score", "rules", "synth", "train", "evaluate", "progression", "invest", "report",
    "serve", "db", "users", "tokens", "audit",
)


class UsageError(RecommenderError):
    """Bad command-line usage (argparse's complaints), reported like any other bad input."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="recommender",
        description="Tilbudsanbefaling for ægtefælleforsørgede / offer recommender for job-centre "
                    "advisers. Rådgiveren beslutter / the adviser decides.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in _COMMANDS:
        importlib.import_module(f"{__name__}._{name}").register(sub)
    return parser


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code instead of exiting (tests call ``main([...])``)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        return int(args.func(args) or 0)
    except RecommenderError as exc:
        print(f"fejl/error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except OSError as exc:  # a missing path, a directory, no permission: bad input, not a fault
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"fejl/error: {where}{_one_line(exc.strerror or exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("afbrudt/interrupted", file=sys.stderr)
        return 130
    except SystemExit as exc:  # --help and --version exit 0 through argparse
        return int(exc.code or 0) if isinstance(exc.code, int) else 0
    except BrokenPipeError:
        return 0
    except Exception as exc:  # an internal fault: say so in one line, trace only on request
        if os.environ.get("RECOMMENDER_DEBUG"):
            raise
        print(f"intern fejl/internal error ({type(exc).__name__}): {_one_line(exc)[:300]} "
              "(set RECOMMENDER_DEBUG=1 for details)", file=sys.stderr)
        return 1


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
