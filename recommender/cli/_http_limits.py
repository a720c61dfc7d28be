"""The limits ``recommender serve`` puts on every client connection, before the application sees it.

uvicorn on its own (with ``httptools``) reads header lines of any length, never closes a connection
that has not yet sent a whole request, and accepts connections until the process runs out of file
descriptors, so one client can take memory or every file descriptor and stop the service for every
adviser (issue 28, points 3 and 4). Here the HTTP parser is uvicorn's ``httptools`` protocol
(:class:`GuardedHttpTools`; issue 28 first used h11, whose pure-Python parsing cost about 1 ms of CPU
per request, issue 27) with:

- **header size**: the request line and headers together at most :data:`MAX_HEADER_BYTES`
  (16 KiB); a longer head is refused (400 while it is still arriving: the bytes of a head not yet
  complete are counted as they come, and the connection is closed once they pass the limit, so at most
  the limit and one read are ever held; 431 when it came whole in one read) and the connection closed;
- **header count**: at most :data:`MAX_HEADERS` (100) header lines, else 431;
- **request time**: the whole request (head and body) must arrive within :data:`REQUEST_SECONDS`
  (15 s) of its first byte, or of the connection's start; a slow or half-open client is cut off;
- **keep-alive**: an idle connection after a response is closed after :data:`KEEP_ALIVE_SECONDS` (5 s);
- **connections**: at most :func:`max_connections` open at once (500, or fewer when the process may
  open fewer files). At the cap a new connection closes the longest-idle connection that has not sent a
  request yet; when every connection is busy, the new one is closed. Requests in flight are bounded by
  the same number (uvicorn's ``limit_concurrency``: over it, 503).

>>> Limits().max_header_bytes, Limits().max_headers
(16384, 100)
>>> max_connections(soft_files=1024), max_connections(soft_files=256), max_connections(soft_files=100_000)
(500, 156, 500)
"""

from __future__ import annotations

import asyncio
import resource
import time
from dataclasses import dataclass
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = [
    "KEEP_ALIVE_SECONDS",
    "MAX_HEADERS",
    "MAX_PIPELINED",
    "MAX_HEADER_BYTES",
    "REQUEST_SECONDS",
    "GuardedHttpTools",
    "Limits",
    "max_connections",
    "uvicorn_options",
]

MAX_HEADER_BYTES = 16 * 1024
MAX_HEADERS = 100
REQUEST_SECONDS = 15.0
KEEP_ALIVE_SECONDS = 5
MAX_CONNECTIONS = 500
#: File descriptors kept free for the database, the model, logs and the listening socket.
RESERVED_FILES = 100


def max_connections(soft_files: int | None = None) -> int:
    """The connection cap: :data:`MAX_CONNECTIONS`, or the open-file limit less :data:`RESERVED_FILES`."""
    if soft_files is None:
        soft_files = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        if soft_files == resource.RLIM_INFINITY:
            return MAX_CONNECTIONS
    return max(16, min(MAX_CONNECTIONS, soft_files - RESERVED_FILES))


@dataclass(frozen=True)
class Limits:
    """The limits in force (see the module docstring)."""

    max_header_bytes: int = MAX_HEADER_BYTES
    max_headers: int = MAX_HEADERS
    request_seconds: float = REQUEST_SECONDS
    keep_alive_seconds: int = KEEP_ALIVE_SECONDS


LIMITS = Limits()


def _head_problem(scope: Any) -> str | None:
    """Why a request's head is refused, or ``None``. :meth:`GuardedHttpTools.data_received` bounds a
    head still arriving; a whole head that came in one read is measured here."""
    headers = scope.get("headers", ())
    if len(headers) > LIMITS.max_headers:
        return f"Too many request headers (at most {LIMITS.max_headers})"
    size = sum(len(k) + len(v) + 4 for k, v in headers) + len(scope.get("raw_path", b""))
    if size + len(scope.get("query_string", b"")) > LIMITS.max_header_bytes:
        return f"Request headers too large (at most {LIMITS.max_header_bytes} bytes)"
    return None


async def _refuse_head(problem: str, send: Any) -> None:
    body = problem.encode()
    await send(
        {
            "type": "http.response.start",
            "status": 431,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"connection", b"close"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


#: Requests a client may queue behind the one being answered (HTTP pipelining); past it the
#: connection is closed (each queued request holds its head and state until its turn).
MAX_PIPELINED = 4


class _Refused(Exception):
    """Raised in a parser callback to stop parsing the rest of a read (the connection is closed)."""


# Where the parser is in the client's current message (its callbacks move it on).
_BETWEEN, _HEAD, _BODY = "between", "head", "body"


class GuardedHttpTools(HttpToolsProtocol):
    """uvicorn's httptools protocol with a head-size bound while the head arrives, a request deadline,
    a header-count limit, bounded trailers and pipelining, and a connection cap.

    The deadline is decided from two facts after every event, never from a sequence of transitions:
    whether the client owes bytes (the parser is inside a message: its head or body has begun and not
    ended) and whether the server owes an answer (a request is being answered or queued). Only when the
    server owes an answer and the client owes nothing is the connection left without a deadline; an idle
    connection, a head or a body still arriving, and a body that arrives after its answer are all cut
    off :data:`REQUEST_SECONDS` after the deadline was set.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._idle_since = time.monotonic()
        self._cap = max_connections()
        self._parser_at = _BETWEEN
        self._head_bytes = 0  # bytes received while a head was incomplete
        self._trailer_bytes = 0
        self._cycles: list[Any] = []  # requests being answered or queued (pipelining), oldest first
        app = self.app

        async def guarded(scope: Any, receive: Any, send: Any) -> None:
            problem = _head_problem(scope) if scope.get("type") == "http" else None
            if problem is not None:
                await _refuse_head(problem, send)
                return
            await app(scope, receive, send)

        self.app = guarded

    # the two facts ------------------------------------------------------------------------------
    def _client_owes(self) -> bool:
        return self._parser_at != _BETWEEN

    def _server_owes(self) -> bool:
        return bool(self.pipeline) or (self.cycle is not None and not self.cycle.response_complete)

    def _waiting_for_request(self) -> bool:
        """No whole request head yet (nothing, or part of a head) and nothing being answered."""
        return self._parser_at != _BODY and not self._server_owes() and not self.transport.is_closing()

    # connection cap ----------------------------------------------------------------------------
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self._cap:
            idle = [
                c
                for c in self.connections
                if isinstance(c, GuardedHttpTools) and c is not self and c._waiting_for_request()
            ]
            victim = min(idle, key=lambda c: c._idle_since) if idle else self
            victim.transport.close()
            self.connections.discard(victim)  # now, not when the loop gets round to connection_lost
            if victim is self:
                return
        self._follow()

    # the parser's progress ---------------------------------------------------------------------
    def _refuse(self) -> None:
        """Close the connection and stop parsing what is left of the read."""
        self.transport.close()
        raise _Refused

    def on_message_begin(self) -> None:
        if len(self.pipeline) >= MAX_PIPELINED:
            self._refuse()  # a client queueing request after request: none more is parsed or kept
        super().on_message_begin()
        self._parser_at = _HEAD

    def on_header(self, name: bytes, value: bytes) -> None:
        if self._parser_at == _HEAD:
            super().on_header(name, value)
            return
        # a chunked body's trailer fields: counted against the head limit and dropped (h11 bounded
        # them too); they never join the request's headers
        self._trailer_bytes += len(name) + len(value) + 4
        if self._trailer_bytes > LIMITS.max_header_bytes:
            self._refuse()

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        self._parser_at, self._head_bytes, self._trailer_bytes = _BODY, 0, 0
        self._cycles = [c for c in self._cycles if not c.response_complete] + [self.cycle]

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._parser_at = _BETWEEN

    # request deadline and head size ------------------------------------------------------------
    def _follow(self) -> None:
        """Set or clear the deadline from the two facts (see the class docstring)."""
        if self.transport.is_closing() or self._server_owes() and not self._client_owes():
            self._disarm()
        elif self._deadline is None:  # it runs from the request's start, not from each byte
            self._idle_since = time.monotonic()
            self._deadline = self.loop.call_later(LIMITS.request_seconds, self._expired)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self) -> None:
        self._deadline = None
        if not self.transport.is_closing() and (self._client_owes() or not self._server_owes()):
            self.transport.close()  # the client took too long to send its request: not our fault

    def data_received(self, data: bytes) -> None:
        if self._parser_at != _BODY:
            self._head_bytes += len(data)
        super().data_received(data)
        if (
            not self.transport.is_closing()
            and self._parser_at != _BODY
            and self._head_bytes > LIMITS.max_header_bytes
        ):
            self.send_400_response(f"Request header too large (at most {LIMITS.max_header_bytes} bytes)")
        self._follow()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self._client_owes():
            self._disarm()  # a fresh deadline for the idle time (or the next queued request)
        self._follow()

    def send_400_response(self, msg: str) -> None:
        if not self.transport.is_closing():  # closed by a limit already: the rest of the read is moot
            super().send_400_response(msg)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        # uvicorn tells only the newest request that the client is gone; with pipelining an older one
        # may still be answering: it must stop quietly too, not write to a closed connection
        for cycle in self._cycles:
            if not cycle.response_complete:
                cycle.disconnected = True
                cycle.message_event.set()
        self._cycles = []
        super().connection_lost(exc)


def uvicorn_options() -> dict[str, Any]:
    """The keyword arguments that put these limits on ``uvicorn.run``."""
    return dict(
        http=GuardedHttpTools,
        timeout_keep_alive=LIMITS.keep_alive_seconds,
        limit_concurrency=max_connections() + 1,
    )
