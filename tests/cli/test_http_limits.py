"""The connection guards of ``recommender serve`` (``cli/_http_limits.py``) against what a hostile
client does with HTTP/1.1 itself: pipelining, a body sent after its answer, chunked trailers (issue 28's
limits on uvicorn's httptools protocol, issue 27). A real uvicorn server in a thread with a small
ASGI app; the request deadline is shortened to 2 s so that every wait is short."""

from __future__ import annotations

import asyncio
import socket
import threading
import time

import pytest
import uvicorn

from recommender.cli import _http_limits as limits

pytestmark = pytest.mark.slow  # about 15 s of waiting in all; CI runs it

DEADLINE = 2.0


async def _app(scope, receive, send) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            else:
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["path"] == "/slow":
        await asyncio.sleep(DEADLINE + 1.5)  # answering takes longer than the client's deadline
    if scope["method"] == "POST":
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            more = message.get("more_body", False)
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"ok"})


@pytest.fixture(scope="module")
def server():
    patch = pytest.MonkeyPatch()
    patch.setattr(limits, "LIMITS", limits.Limits(request_seconds=DEADLINE))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(_app, host="127.0.0.1", port=port, log_level="error", **limits.uvicorn_options())
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not running.started:
        assert time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.05)
    yield running, port
    running.should_exit = True
    thread.join(10)
    patch.undo()


def _connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port))
    sock.settimeout(0.5)
    return sock


def _closed_within(sock: socket.socket, seconds: float) -> tuple[bool, bytes]:
    """Whether the server closed ``sock`` within ``seconds``; what it sent meanwhile."""
    received, end = b"", time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            continue
        except ConnectionResetError:
            return True, received
        if not chunk:
            return True, received
        received += chunk
    return False, received


def test_a_body_sent_after_its_answer_does_not_keep_the_connection_forever(server) -> None:
    _, port = server
    sock = _connect(port)
    sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\n")  # the app never reads it
    time.sleep(0.5)
    sock.sendall(b"x")  # the body's byte, after the answer
    closed, received = _closed_within(sock, DEADLINE + limits.KEEP_ALIVE_SECONDS + 3)
    assert received.startswith(b"HTTP/1.1 200") and closed


def test_a_pipelined_request_whose_body_never_comes_is_cut_off(server) -> None:
    _, port = server
    sock = _connect(port)
    sock.sendall(
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\nPOST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n"
    )
    closed, received = _closed_within(sock, DEADLINE + 4)
    assert received.startswith(b"HTTP/1.1 200") and closed


def test_a_pipelined_request_slower_than_the_deadline_is_still_answered(server) -> None:
    _, port = server
    sock = _connect(port)
    sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
    _, received = _closed_within(sock, DEADLINE + 3)
    assert received.count(b"HTTP/1.1 200") == 2  # the client owed nothing while the server answered


def test_chunked_trailers_are_bounded_and_never_become_headers(server) -> None:
    running, port = server
    sock = _connect(port)
    sock.sendall(b"POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n")
    line, sent = b"X-T: " + b"a" * 1000 + b"\r\n", 0
    try:
        while sent < 4 << 20:  # the kernel's buffers take a few megabytes whatever the server does
            sock.sendall(line * 64)
            sent += len(line) * 64
    except OSError:
        pass  # closed by the server: what we want
    assert _closed_within(sock, 3)[0]
    held = [len(c.headers or []) for c in running.server_state.connections]
    assert all(n < limits.MAX_HEADERS for n in held), held


def test_a_flood_of_pipelined_requests_is_not_queued(server) -> None:
    running, port = server
    sock = _connect(port)
    sock.sendall(b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n" + b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" * 5000)
    time.sleep(0.5)
    queued = [len(c.pipeline) for c in running.server_state.connections]
    assert all(n <= limits.MAX_PIPELINED for n in queued), queued
    closed, received = _closed_within(sock, DEADLINE + 4)
    assert closed and received.count(b"HTTP/1.1 200") <= 1 + limits.MAX_PIPELINED
