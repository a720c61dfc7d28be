"""Benchmark: ``POST /api/v1/recommendations`` (validation, recommend(), database write, audit event)
against a bare FastAPI endpoint that only validates the record and calls the model's fast path, both
on uvicorn[standard] with 1 and 2 workers, measured with ``wrk`` in the same run on 127.0.0.1 only.

Reported per worker count: requests per second, p50 and p99 latency, and the ratio service / bare
(aim: ≥ 0.5). Every run is bounded (``--seconds``, default 5 s per measurement) and checks that all
responses were 2xx. Needs ``wrk`` (``apt-get install -y wrk``).

Run: ``python benchmarks/bench_service.py [--seconds 5] [--connections 16] [--workers 1 2]``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import redirect_stdout
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RECORD = json.loads((ROOT / "examples" / "flexible.json").read_text(encoding="utf-8"))


def bare_app():  # type: ignore[no-untyped-def]
    """The reference: FastAPI, the same body, ``Citizen.from_dict`` and ``predict_citizen`` only."""
    from fastapi import Body, FastAPI

    from recommender import Citizen, load_model, load_rules

    model, rules = load_model(), load_rules()
    app = FastAPI()

    @app.post("/bare", status_code=201)
    def bare(body: dict = Body(...)) -> dict:  # noqa: B008
        citizen = Citizen.from_dict(body)
        est = model.predict_citizen(citizen, rules.outcome_weights)
        return {"scores": [float(x) for x in est.score[0]]}

    @app.get("/healthz")
    def health() -> dict:
        return {"status": "ok"}

    return app


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(port: int, proc: subprocess.Popen, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                if r.status == 200:
                    time.sleep(1.0)  # let every worker finish starting
                    return
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


def _stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)


def _wrk(url: str, headers: dict[str, str], seconds: int, connections: int) -> dict[str, float]:
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    lines = ['wrk.method = "POST"', f"wrk.body = {json.dumps(json.dumps(RECORD))}",
             'wrk.headers["Content-Type"] = "application/json"']
    lines += [f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items()]
    script.write("\n".join(lines) + "\n")
    script.close()
    try:
        out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "20s", "--latency", "-s",
                              script.name, url], capture_output=True, text=True, timeout=seconds + 60,
                             check=True).stdout
    finally:
        os.unlink(script.name)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    if bad or errors:
        raise SystemExit(f"wrk saw failed requests against {url}:\n{out}")

    def ms(label: str) -> float:
        m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        assert m, out
        return float(m.group(1)) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[m.group(2)]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    return {"rps": rps, "p50": ms("50"), "p99": ms("99")}


def _serve_bare(workers: int, port: int, env: dict[str, str], log) -> subprocess.Popen:  # type: ignore[no-untyped-def]
    return subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "bench_service:bare_app", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(workers), "--no-access-log", "--log-level", "warning"],
        env={**env, "PYTHONPATH": str(HERE)}, stdout=log, stderr=log, start_new_session=True)


def _serve_service(workers: int, port: int, url: str, env: dict[str, str], log,  # type: ignore[no-untyped-def]
                   synchronous: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "recommender", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers), "--database", url],
        env={**env, "RECOMMENDER_SQLITE_SYNCHRONOUS": synchronous}, stdout=log, stderr=log,
        start_new_session=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--database", metavar="URL",
                        help="service database (default: a fresh SQLite file; e.g. a PostgreSQL URL)")
    args = parser.parse_args()
    if not 1 <= args.seconds <= 60:
        raise SystemExit("--seconds: 1–60")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk not found: apt-get install -y wrk")
    from recommender import load_model
    from recommender.cli import main as cli

    load_model()  # build or read the cached default model once, before the servers start
    tmp = Path(tempfile.mkdtemp(prefix="bench-service-"))
    env = {**os.environ, "RECOMMENDER_DATA_DIR": str(tmp / "data")}
    os.environ["RECOMMENDER_DATA_DIR"] = env["RECOMMENDER_DATA_DIR"]
    url = args.database or f"sqlite:///{tmp / 'bench.sqlite3'}"
    sqlite = url.startswith("sqlite")
    sys.stdin = io.StringIO("benchmark password\n")
    cli(["users", "add", "bench", "--role", "adviser", "--municipality", RECORD["municipality"],
         "--database", url])
    buf = io.StringIO()
    with redirect_stdout(buf):
        cli(["tokens", "issue", "bench", "--database", url])
    headers = {"Authorization": f"Bearer {buf.getvalue().strip()}"}
    log = open(tmp / "servers.log", "ab")
    print(f"wrk -t2 -c{args.connections} -d{args.seconds}s on 127.0.0.1; database {url.split('?')[0]}; "
          f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'workers':>7}  {'endpoint':<44} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    variants = [("bare", "")] + ([("service", "full"), ("service", "normal")] if sqlite
                                 else [("service", "full")])
    try:
        for workers in args.workers:
            results = {}
            for name, sync in variants:
                port = _free_port()
                proc = (_serve_bare(workers, port, env, log) if name == "bare"
                        else _serve_service(workers, port, url, env, log, sync))
                try:
                    _wait(port, proc)
                    path = "/bare" if name == "bare" else "/api/v1/recommendations"
                    _wrk(f"http://127.0.0.1:{port}{path}", headers, 1, args.connections)  # warm-up
                    results[name + sync] = r = _wrk(f"http://127.0.0.1:{port}{path}", headers,
                                                    args.seconds, args.connections)
                finally:
                    _stop(proc)
                label = ("bare: from_dict + predict_citizen" if name == "bare"
                         else "POST /api/v1/recommendations + DB write" + (f" (sync {sync})" if sqlite
                                                                            else ""))
                print(f"{workers:>7}  {label:<44} {r['rps']:>8.0f} {r['p50']:>8.2f} {r['p99']:>8.2f}")
            for key in results:
                if key != "bare":
                    ratio = results[key]["rps"] / results["bare"]["rps"]
                    print(f"{workers:>7}  ratio {key} / bare throughput: {ratio:.2f} (aim ≥ 0.5)")
    finally:
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
