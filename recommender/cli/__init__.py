"""The ``recommender`` command line: a thin layer over the package's pure functions.

``main(argv=None) -> int`` parses arguments and calls one command. Exit codes (spec §12): 0 success,
2 bad input or usage (one line on stderr, no traceback), 1 an internal fault, 130 interrupted.
Each command lives in its own module ``recommender/cli/_<name>.py`` (or a package of subcommands, like
``_models/``) with ``register(subparsers)``. With no arguments the commands are listed on stdout
(one error line on stderr, exit 2).
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from recommender.errors import RecommenderError
from recommender.text import printable

__all__ = ["main"]

# Command modules, in the order ``recommender --help`` lists them.
_COMMANDS: tuple[str, ...] = (
    "recommend",
    "score",
    "rules",
    "synth",
    "train",
    "evaluate",
    "progression",
    "invest",
    "report",
    "models",
    "serve",
    "db",
    "users",
    "tokens",
    "audit",
    "cohort",
    "monitor",
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


def _one_line(text: object) -> str:
    """One line, control characters and terminal escapes shown escaped (never sent to the terminal)."""
    return printable(" ".join(str(text).split()))


class Stopped(BaseException):
    """SIGTERM or SIGHUP arrived: unwind like KeyboardInterrupt, so every temporary file is removed."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


@contextmanager
def _signals(received: list[int]) -> Iterator[None]:
    """While a command runs: SIGINT, SIGTERM and SIGHUP become exceptions (and are remembered).

    The exceptions unwind through every ``atomic_output``, which removes its temporary file; the
    remembered signal decides the exit code even if a library turned the interruption into another
    error on the way (pandas reporting an interrupted read as a CSV error).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        received.append(signum)
        raise KeyboardInterrupt if signum == signal.SIGINT else Stopped(signum)

    names = [n for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n)]
    previous = {n: signal.signal(getattr(signal, n), stop) for n in names}
    try:
        yield
    finally:
        for n, handler in previous.items():
            signal.signal(getattr(signal, n), handler)


def _interrupted(signum: int) -> int:
    print("afbrudt/interrupted", file=sys.stderr)
    return 128 + signum


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code instead of exiting (tests call ``main([...])``)."""
    received: list[int] = []
    if not (sys.argv[1:] if argv is None else list(argv)):
        sys.stdout.write(build_parser().format_help())  # the list of commands; the error stays one line
        print("fejl/error: vælg en kommando / choose a command (recommender COMMAND --help)", file=sys.stderr)
        return 2
    try:
        with _signals(received):
            return _main(argv, received)
    except Stopped as exc:  # a signal between _main's handlers
        return _interrupted(exc.signum)
    except KeyboardInterrupt:
        return _interrupted(signal.SIGINT)


def _main(argv: Sequence[str] | None, received: list[int]) -> int:
    try:
        parser = build_parser()  # inside: an interrupt while the commands load is an interrupt too
        args = parser.parse_args(argv)
        return int(args.func(args) or 0)
    except BrokenPipeError:  # `recommender … | head`: the reader has all it wants
        _quiet_stdout()
        return 0
    except (KeyboardInterrupt, Stopped):
        return _interrupted(received[0] if received else signal.SIGINT)
    except SystemExit as exc:  # --help and --version exit 0 through argparse
        return int(exc.code or 0) if isinstance(exc.code, int) else 0
    except BaseException as exc:
        if received:  # interrupted, whatever error the interruption surfaced as
            return _interrupted(received[0])
        if isinstance(exc, RecommenderError):
            print(f"fejl/error: {_one_line(exc)}", file=sys.stderr)
            return 2
        if isinstance(exc, OSError):  # a missing path, a directory, no permission: bad input
            where = f"{exc.filename}: " if exc.filename else ""
            print(f"fejl/error: {_one_line(where)}{_one_line(exc.strerror or exc)}", file=sys.stderr)
            return 2
        if not isinstance(exc, Exception) or os.environ.get("RECOMMENDER_DEBUG"):
            raise
        # an internal fault: say so in one line, trace only on request
        print(
            f"intern fejl/internal error ({type(exc).__name__}): {_one_line(exc)[:300]} "
            "(set RECOMMENDER_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return 1


def _quiet_stdout() -> None:
    """After a closed pipe, point stdout at /dev/null so the final flush at exit does not complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no real stdout (captured by a test)
        pass


def run() -> None:
    """Console-script entry point."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_stdout()
        code = 0
    except KeyboardInterrupt:
        code = 130
    sys.exit(code)
