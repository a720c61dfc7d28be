"""Reading input: every file is opened once, read once, and never beyond a cap on bytes actually read.

:func:`open_input` is the one way the package opens a citizen file, a cohort or citizens CSV, a rules
file or a model file. It works the same for a regular file, a pipe, a process substitution
(``<(…)``) or a device: the cap counts the bytes really read, not the size a ``stat`` reports (``/dev/zero``
reports 0 bytes and never ends), and nothing is read twice (a pipe cannot be rewound: reading its start
twice once mixed two citizens' values). :meth:`InputSource.peek` looks at the start of the input (the
CSV header, the JSON text) without consuming it.

>>> import io, tempfile
>>> with tempfile.NamedTemporaryFile(suffix=".csv") as f:
...     _ = f.write(b"a,b\\r1,2\\r")
...     f.flush()
...     with open_input(f.name, limit=100) as source:
...         head = source.peek(3)
...         text = io.TextIOWrapper(io.BufferedReader(source), encoding="utf-8", newline=None).read()
>>> head, text
(b'a,b', 'a,b\\n1,2\\n')
"""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Callable

from recommender.errors import RecommenderError

__all__ = ["InputSource", "open_input", "read_input"]

ErrorFactory = Callable[[str], Exception]


def _default_error(where: str) -> ErrorFactory:
    return lambda message: RecommenderError(f"{where}: {message}")


class InputSource(io.RawIOBase):
    """A file opened once for reading, with a cap on the bytes read and a look-ahead buffer."""

    def __init__(self, handle: io.RawIOBase, *, limit: int, error: ErrorFactory):
        super().__init__()
        self._handle = handle
        self._limit = limit
        self._error = error
        self._prefix = b""
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def _count(self, n: int) -> None:
        self.bytes_read += n
        if self.bytes_read > self._limit:
            raise self._error(
                f"mere end / more than {self._limit:,} bytes; filen er for stor / the input is too large"
            )

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if self._prefix:
            n = min(len(buffer), len(self._prefix))
            buffer[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
            return n
        n = self._handle.readinto(buffer) or 0
        self._count(n)
        return n

    def peek(self, size: int) -> bytes:
        """Up to ``size`` bytes from the current position, kept for the next reads (short reads looped)."""
        parts = [self._prefix]
        have = len(self._prefix)
        while have < size:
            data = self._handle.read(size - have)
            if not data:
                break
            self._count(len(data))
            parts.append(data)
            have += len(data)
        self._prefix = b"".join(parts)
        return self._prefix[:size]

    def close(self) -> None:
        try:
            self._handle.close()
        finally:
            super().close()


def open_input(
    path: str | os.PathLike[str], *, limit: int, error: ErrorFactory | None = None, what: str = "file"
) -> InputSource:
    """Open ``path`` once for reading with a cap of ``limit`` bytes actually read.

    A missing path or a directory raises ``error(message)`` (default: a ``RecommenderError`` naming
    the path), as does reading more than ``limit`` bytes.
    """
    where = os.fspath(path)
    make = error or _default_error(where)
    try:
        handle = open(where, "rb", buffering=0)  # noqa: SIM115 (closed by InputSource)
    except FileNotFoundError:
        raise make("filen findes ikke / file not found (no such file)") from None
    except IsADirectoryError:
        raise make(f"er en mappe, ikke en {what} / is a directory, not a {what}") from None
    except OSError as exc:
        raise make(f"kan ikke læses / cannot be read ({exc.strerror})") from None
    try:
        if stat.S_ISDIR(os.fstat(handle.fileno()).st_mode):
            raise make(f"er en mappe, ikke en {what} / is a directory, not a {what}")
    except BaseException:
        handle.close()
        raise
    return InputSource(handle, limit=limit, error=make)  # type: ignore[arg-type]


def read_input(
    path: str | os.PathLike[str], *, limit: int, error: ErrorFactory | None = None, what: str = "file"
) -> bytes:
    """The whole content of ``path`` (at most ``limit`` bytes, else ``error``), read once."""
    with open_input(path, limit=limit, error=error, what=what) as source:
        return source.read()
