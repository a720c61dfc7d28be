"""Writing output: one guard on where output may go, one atomic write, no temporary file left behind.

Every command and function that writes a file goes through :func:`check_output` (or, for the report
folder, :func:`check_output_dir`) before any work, and writes through :func:`atomic_output`:

- An output path may only be a new path or an existing **regular file**. A directory, a symbolic link,
  a device node (``/dev/null``), a FIFO or a socket is refused, so nothing but a regular file is ever
  replaced, whoever runs the tool.
- An output path that is one of the inputs (the same file by ``os.path.samefile``: through a symlink, a
  hard link, another spelling of the path) is refused: the input would be overwritten.
- A folder is replaced only when it is recognisably an earlier output of the same kind (a marker file
  inside it), never when it holds anything else; a folder holding an input is refused.
- The content goes to a temporary file beside the target, is flushed and fsynced, and is moved into
  place with ``os.replace``; on any failure or interruption (``KeyboardInterrupt``, and SIGTERM/SIGHUP,
  which the command line turns into exceptions) the temporary file is removed and an existing file is
  left byte-for-byte as it was.
"""

from __future__ import annotations

import os
import signal
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from recommender.errors import OutputError
from recommender.text import FORMULA_START

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["atomic_output", "check_output", "check_output_dir", "spreadsheet_safe", "write_bytes_atomic"]


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "en mappe / a directory"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "en enhed / a device node"
    if stat.S_ISFIFO(mode):
        return "en FIFO (navngivet rør) / a FIFO"
    if stat.S_ISSOCK(mode):
        return "en socket / a socket"
    return "ikke en almindelig fil / not a regular file"


def _same(a: Path, b: object) -> bool:
    try:
        return os.path.samefile(a, b)  # type: ignore[arg-type]
    except (OSError, TypeError, ValueError):
        return False


def _inputs(inputs: Iterable[object]) -> list[str]:
    return [os.fspath(i) for i in inputs if isinstance(i, (str, os.PathLike))]  # type: ignore[misc]


def check_output(path: str | os.PathLike[str], *, inputs: Iterable[object] = (), what: str = "--out") -> Path:
    """Refuse an output path that is not a new path or an existing regular file, or that is an input.

    >>> check_output("/dev/null")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    recommender.errors.OutputError: Uddata afvist / output refused: /dev/null: --out er en enhed / a device node; ...
    """  # noqa: E501
    target = Path(path)
    where = str(target)
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise OutputError(f"{what} kan ikke bruges / cannot be used ({exc.strerror})", path=where) from None
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            raise OutputError(
                f"{what} er et symbolsk link; angiv selve filen / is a symbolic link; give the file itself",
                path=where,
            )
        if not stat.S_ISREG(info.st_mode):
            raise OutputError(
                f"{what} er {_kind(info.st_mode)}; skriv kun til en almindelig fil eller en "
                "ny sti / write only to a regular file or a new path",
                path=where,
            )
        for source in _inputs(inputs):
            if _same(target, source):
                raise OutputError(
                    f"{what} er inddatafilen {source}; vælg en anden uddatafil / is the input "
                    "file; choose another output file",
                    path=where,
                )
    parent = target.parent if str(target.parent) else Path(".")
    if parent.exists() and not parent.is_dir():
        raise OutputError(f"{parent} er ikke en mappe / is not a directory", path=where)
    return target


def check_output_dir(
    path: str | os.PathLike[str], *, marker: str, inputs: Iterable[object] = (), what: str = "--out"
) -> Path:
    """Refuse a folder that is not new, empty or an earlier output (``marker`` inside), or holds an input."""
    target = Path(path).absolute()
    where = str(target)
    if os.path.islink(target):
        raise OutputError(f"{what} er et symbolsk link / is a symbolic link", path=where)
    if target.exists() and not target.is_dir():
        raise OutputError(f"{what} findes og er ikke en mappe / exists and is not a directory", path=where)
    if target.is_dir():
        real = target.resolve()
        for source in _inputs(inputs):
            resolved = Path(source).resolve()
            if real == resolved or real in resolved.parents:
                raise OutputError(
                    f"{what} indeholder inddatafilen {source}; den ville blive slettet / holds "
                    "the input file, which would be deleted",
                    path=where,
                )
        if any(target.iterdir()) and not (target / marker).is_file():
            raise OutputError(
                f"{what} er ikke tom og indeholder ikke en tidligere rapport ({marker}); vælg en "
                "ny eller tom mappe / the directory is not empty and holds no earlier report",
                path=where,
            )
    return target


_STOP_SIGNALS = frozenset(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


def _block(signals: Iterable[int], how: int | None = None) -> set[int]:
    """``pthread_sigmask`` where there is one (a no-op elsewhere); the mask before."""
    if not hasattr(signal, "pthread_sigmask"):
        return set()
    return set(signal.pthread_sigmask(signal.SIG_BLOCK if how is None else how, signals))


@contextmanager
def atomic_output(
    path: str | os.PathLike[str], mode: str = "wb", *, inputs: Iterable[object] = (), **kwargs: Any
) -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path``; on success fsync it and move it onto ``path``.

    The target is checked with :func:`check_output` before and again just before the move. On any
    exception (also ``KeyboardInterrupt`` and the command line's SIGTERM/SIGHUP) the temporary file is
    removed and an existing ``path`` is untouched.
    """
    target = check_output(path, inputs=inputs)
    target.parent.mkdir(parents=True, exist_ok=True)
    # The stop signals wait while the temporary file is made: one arriving between its creation and
    # the ``try`` below would leave it on disk. Unblocked inside the ``try``, it interrupts there.
    mask = _block(_STOP_SIGNALS)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except BaseException:
        _block(mask, how=signal.SIG_SETMASK)
        raise
    try:
        _block(mask, how=signal.SIG_SETMASK)
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        check_output(target, inputs=inputs)  # swapped for a link or a device meanwhile: still refuse
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_bytes_atomic(
    path: str | os.PathLike[str], chunks: Iterable[bytes], *, inputs: Iterable[object] = ()
) -> Path:
    """Write ``chunks`` to ``path`` through :func:`atomic_output`; returns the path."""
    with atomic_output(path, "wb", inputs=inputs) as handle:
        for chunk in chunks:
            handle.write(chunk)
    return Path(path)


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells a spreadsheet would run as a formula, prefixed with ``'`` (OWASP CSV injection).

    Only text columns are touched; numbers (also negative ones) stay numbers.

    >>> import pandas as pd
    >>> spreadsheet_safe(pd.DataFrame({"id": ["=HYPERLINK(1)", "ok", "@SUM(A1)"], "x": [-1, 2, 3]}))
                   id  x
    0  '=HYPERLINK(1) -1
    1              ok  2
    2       '@SUM(A1)  3
    """
    import pandas as pd

    out = None
    for name in frame.columns:
        column = frame[name]
        if not (column.dtype == object or pd.api.types.is_string_dtype(column.dtype)):
            continue
        text = column.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_START)).astype(bool)
        if text.any():
            out = frame.copy() if out is None else out
            out[name] = column.astype(object).where(~text, "'" + column.astype(str))
    return frame if out is None else out
