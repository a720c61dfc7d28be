"""Issue 28, denial of service (points 3 and 4), against a real ``recommender serve`` process.

Before issue 28 uvicorn (with httptools) read header lines of any length and any number of headers,
never closed a connection that had not sent a whole request, and accepted connections until the process
ran out of file descriptors; then ``/healthz`` got no answer. The limits now in force are in
``recommender/cli/_http_limits.py`` and docs/security.md. Every wait here is bounded.
"""

from __future__ import annotations

import socket
import time

import pytest
from _serve_support import closed_by_server, serve

from recommender.cli._http_limits import KEEP_ALIVE_SECONDS, MAX_HEADER_BYTES, MAX_HEADERS, REQUEST_SECONDS

pytestmark = pytest.mark.slow

OPEN_FILES = 256  # the server's soft limit on open files in these tests (connection cap 156)


@pytest.fixture(scope="module")
def server(tmp_path_factory, default_model):
    with serve(tmp_path_factory.mktemp("dos"), open_files=OPEN_FILES) as running:
        yield running


def _status(sock: socket.socket, timeout: float = 10.0) -> int | None:
    """The status code of the first response on ``sock`` (``None`` if the server closed it without one)."""
    sock.settimeout(timeout)
    data = b""
    try:
        while b"\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    except (TimeoutError, ConnectionResetError):
        pass
    return int(data.split()[1]) if data.startswith(b"HTTP/1.1 ") else None


def test_more_idle_connections_than_open_files_do_not_stop_healthz(server) -> None:
    """Point 3: 400 connections that send nothing, against a process that may open 256 files."""
    idle = [server.open() for _ in range(400)]
    time.sleep(1.0)
    took = server.healthz_seconds(timeout=8)
    assert took is not None, (
        "healthz got no answer with 400 idle connections open: " + server.log_text()[-800:]
    )
    # the oldest idle connections were closed to make room (the cap is below the file limit)
    assert sum(closed_by_server(s, within=0.05) for s in idle[:100]) >= 90
    for s in idle:
        s.close()


def test_a_connection_that_never_finishes_its_request_is_closed(server) -> None:
    """Point 3: silent and slowloris connections are cut off REQUEST_SECONDS after they start."""
    silent = server.open()
    trickle = server.open()
    trickle.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
    start = time.monotonic()
    closed = False
    while time.monotonic() - start < REQUEST_SECONDS + 8:
        try:
            trickle.sendall(b"X")  # one byte a second: every byte resets nothing
        except OSError:
            closed = True
            break
        if closed_by_server(trickle, within=1.0):
            closed = True
            break
    assert closed, "a request trickled one byte a second was never cut off"
    assert time.monotonic() - start < REQUEST_SECONDS + 8
    assert closed_by_server(silent, within=3.0)


def test_an_idle_keep_alive_connection_is_closed(server) -> None:
    sock = server.open()
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    assert _status(sock) == 200
    assert closed_by_server(sock, within=KEEP_ALIVE_SECONDS + 4)


@pytest.mark.parametrize("size", [MAX_HEADER_BYTES * 4, 1 << 20])
def test_a_header_over_the_size_limit_is_refused(server, size) -> None:
    """Point 4: a header line over 16 KiB is refused with 400 before the rest of it is read."""
    sock = server.open()
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ")
    try:
        sock.sendall(b"a" * size + b"\r\n\r\n")
    except OSError:
        pass  # the server closed the connection while we were still sending: what we want
    assert _status(sock) in (400, 431, None)
    assert server.healthz_seconds(timeout=5) is not None


def test_a_huge_header_is_cut_off_early(server) -> None:
    """Point 4: 64 MB of header line: the server stops reading (and holding) it long before the end."""
    sock = server.open(timeout=10)
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ")
    sent, chunk = 0, b"a" * (1 << 20)
    try:
        while sent < 64 << 20:
            sock.sendall(chunk)
            sent += len(chunk)
    except OSError:
        pass
    assert sent < 64 << 20, "the server read a 64 MB header line to the end"
    assert server.healthz_seconds(timeout=5) is not None


def test_too_many_headers_are_refused_with_431(server) -> None:
    sock = server.open()
    headers = b"".join(b"X-H%d: v\r\n" % i for i in range(MAX_HEADERS + 50))
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n")
    assert _status(sock) == 431
    ok = server.open()
    ok.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + headers[: 20 * 9] + b"\r\n")
    assert _status(ok) == 200


def _response(sock: socket.socket, timeout: float = 10.0) -> tuple[int, bytes]:
    """One whole response on ``sock`` (by its Content-Length): status and body."""
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        assert chunk, "the server closed the connection before its answer"
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    length = int(
        next(
            v
            for k, v in (h.split(b":", 1) for h in head.split(b"\r\n")[1:])
            if k.lower() == b"content-length"
        )
    )
    while len(body) < length:
        chunk = sock.recv(4096)
        assert chunk, "the server closed the connection in the middle of its answer"
        body += chunk
    return int(head.split()[1]), body


def test_a_keep_alive_connection_serves_one_request_after_another(server) -> None:
    """The guards follow each request: on one connection, three requests whose heads come in two pieces
    are each answered, and the connection stays open between them (within the keep-alive time)."""
    sock = server.open()
    for _ in range(3):
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        time.sleep(0.2)
        sock.sendall(b"Accept: */*\r\n\r\n")
        status, body = _response(sock)
        assert status == 200 and body.startswith(b"{")
