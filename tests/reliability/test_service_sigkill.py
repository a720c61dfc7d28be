"""A real ``recommender serve`` process on 127.0.0.1 with an SQLite file is killed with SIGKILL in the
middle of a burst of decisions. After a restart every decision that got a 201 is there, with its
audit event, and nothing is half-written (no decision without its audit event, an intact database)."""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from _service_support import PASSWORD, example

from recommender.cli import main

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(url: str, tmp_path, port: int) -> subprocess.Popen:
    env = {**os.environ, "RECOMMENDER_DATA_DIR": str(tmp_path / "data")}
    log = open(tmp_path / f"serve-{port}.log", "ab")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "recommender",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--database",
            url,
        ],
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError((tmp_path / f"serve-{port}.log").read_text())
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise AssertionError("recommender serve did not start within 180 s")


def test_sigkill_during_a_burst_of_decisions_loses_no_acknowledged_decision(
    tmp_path, monkeypatch, capsys, default_model
):
    url = f"sqlite:///{tmp_path / 'service.sqlite3'}"
    monkeypatch.setenv("RECOMMENDER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert (
        main(["users", "add", "anna", "--role", "adviser", "--municipality", "Aarhus", "--database", url])
        == 0
    )
    assert main(["tokens", "issue", "anna", "--database", url]) == 0
    headers = {"Authorization": f"Bearer {capsys.readouterr().out.strip()}"}

    port = _free_port()
    proc = _start(url, tmp_path, port)
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        with httpx.Client(timeout=30) as client:
            ids = []
            for i in range(60):
                r = client.post(
                    f"{base}/recommendations",
                    headers=headers,
                    json={**example(), "citizen_id": f"P500-KILL-{i:03d}"},
                )
                assert r.status_code == 201, r.text
                ids.append((r.json()["id"], r.json()["recommendation"]["top_offer"]))
        acknowledged: list[int] = []
        lock = threading.Lock()
        enough = threading.Event()

        def decide(item: tuple[int, str]) -> None:
            rid, offer = item
            try:
                with httpx.Client(timeout=10) as c:
                    r = c.post(
                        f"{base}/recommendations/{rid}/decision", json={"offer": offer}, headers=headers
                    )
            except httpx.HTTPError:
                return  # the server died before answering: no promise was made
            if r.status_code == 201:
                with lock:
                    acknowledged.append(rid)
                    if len(acknowledged) >= 15:
                        enough.set()

        with ThreadPoolExecutor(max_workers=8) as pool:
            futures = [pool.submit(decide, item) for item in ids]
            assert enough.wait(120), "the burst did not get 15 decisions through"
            os.killpg(proc.pid, signal.SIGKILL)
            for f in futures:
                f.result()
        proc.wait(10)
        assert proc.returncode == -signal.SIGKILL
        assert 15 <= len(acknowledged) < len(ids), "the kill should land in the middle of the burst"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)

    port = _free_port()
    proc = _start(url, tmp_path, port)
    try:
        with httpx.Client(timeout=30) as client:
            decided = set()
            for rid, offer in ids:
                r = client.get(f"http://127.0.0.1:{port}/api/v1/recommendations/{rid}", headers=headers)
                assert r.status_code == 200, r.text
                if r.json()["decision"] is not None:
                    assert r.json()["decision"]["offer"] == offer
                    decided.add(rid)
        assert set(acknowledged) <= decided
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)

    from sqlalchemy import select, text

    from recommender.cases.db import open_database
    from recommender.cases.tables import AuditEvent, Decision

    db = open_database(url)
    try:
        with db.session() as session:
            assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            rows = {d.recommendation.public_id for d in session.scalars(select(Decision))}  # issue 28
            audited = {
                e.resource.split(":")[1]
                for e in session.scalars(
                    select(AuditEvent).where(AuditEvent.action == "decision.create", AuditEvent.status == 201)
                )
            }
        assert rows == decided == audited  # each decision was written whole, with its audit event
    finally:
        db.dispose()
