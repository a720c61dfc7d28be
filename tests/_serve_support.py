"""The harness for the denial-of-service tests (issue 28): a real ``recommender serve`` process on
127.0.0.1 with a temporary data directory and SQLite database, raw sockets to play a hostile client, and
a bounded ``/healthz`` probe.

Every wait here has a deadline, so a server that hangs makes a test fail, never hang: the probe gives up
after its timeout and reports the time it took (``None`` when it got no answer).
"""

from __future__ import annotations

import os
import resource
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

PASSWORD = "correct horse battery staple"
ADVISER = "anna.adviser"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Served:
    """A running ``recommender serve``, how to reach it and a bearer token of an adviser."""

    host: str
    port: int
    process: subprocess.Popen[bytes]
    env: dict[str, str]
    log: Path
    token: str = ""
    sockets: list[socket.socket] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def open(self, timeout: float = 5.0) -> socket.socket:
        """A raw connection (closed when the server stops)."""
        sock = socket.create_connection((self.host, self.port), timeout=timeout)
        self.sockets.append(sock)
        return sock

    def healthz_seconds(self, timeout: float = 10.0) -> float | None:
        """Seconds ``GET /healthz`` took to answer 200, or ``None`` when no 200 came within ``timeout``."""
        start = time.monotonic()
        try:
            response = httpx.get(self.url + "/healthz", timeout=timeout)
        except httpx.HTTPError:
            return None
        return time.monotonic() - start if response.status_code == 200 else None

    def rss_kib(self) -> int:
        """The server process's resident memory (KiB)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise AssertionError("no VmRSS")

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def _cli(env: dict[str, str], *args: str, stdin: str = "") -> str:
    done = subprocess.run(
        [sys.executable, "-m", "recommender", *args],
        input=stdin,
        text=True,
        capture_output=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@contextmanager
def serve(
    tmp: Path,
    *,
    open_files: int | None = None,
    workers: int = 1,
    database_url: str | None = None,
    add_adviser: bool = True,
) -> Iterator[Served]:
    """``recommender serve`` on a fresh SQLite database with one adviser and her token; stopped after.

    ``open_files`` lowers the server's soft limit on open files (``RLIMIT_NOFILE``). ``database_url``
    serves another database (with ``add_adviser=False``: one another server already set up; the token
    is then empty)."""
    env = {
        **os.environ,
        "RECOMMENDER_DATA_DIR": str(tmp / "data"),
        "RECOMMENDER_DATABASE_URL": database_url or f"sqlite:///{tmp / 'service.sqlite3'}",
    }
    env.pop("RECOMMENDER_CONFIG", None)
    token = ""
    if add_adviser:
        _cli(
            env,
            "users",
            "add",
            ADVISER,
            "--role",
            "adviser",
            "--municipality",
            "Aarhus",
            stdin=PASSWORD + "\n",
        )
        token = _cli(env, "tokens", "issue", ADVISER).strip()
    port = free_port()
    log = tmp / f"serve-{port}.log"

    def limit_files() -> None:  # in the child, before exec
        if open_files is not None:
            hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
            resource.setrlimit(resource.RLIMIT_NOFILE, (open_files, hard))

    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "recommender",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(workers),
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=limit_files,
        )
    served = Served("127.0.0.1", port, process, env, log, token)
    try:
        deadline = time.monotonic() + 240
        while served.healthz_seconds(timeout=2) is None:
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"recommender serve did not start: {served.log_text()[-2000:]}")
            time.sleep(0.3)
        yield served
    finally:
        for sock in served.sockets:
            sock.close()
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)


def closed_by_server(sock: socket.socket, within: float) -> bool:
    """Whether the server closes ``sock`` (EOF or reset) within ``within`` seconds (data is drained)."""
    sock.settimeout(0.5)
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            if sock.recv(65536) == b"":
                return True
        except TimeoutError:
            continue
        except OSError:
            return True
    return False


def csrf_of(page: str) -> str:
    """The CSRF token in a page's form."""
    import re

    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, page[:500]
    return found.group(1)


def web_login(served: Served, name: str = ADVISER, password: str = PASSWORD) -> httpx.Client:
    """An httpx client logged in to the web page as ``name`` (the session cookie set)."""
    client = httpx.Client(base_url=served.url, timeout=30)
    token = csrf_of(client.get("/login").text)
    landed = client.post(
        "/login", data={"username": name, "password": password, "csrf_token": token, "next": "/"}
    )
    assert landed.status_code == 303, landed.text[:500]
    return client
