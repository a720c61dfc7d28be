"""Benchmark: ``POST /api/v1/recommendations`` (validation, accounts, recommend(), database write and
audit event) against a bare FastAPI endpoint that runs the full ``recommend()`` on the posted citizen
and returns its JSON (no accounts, database or audit), in two set-ups measured with ``wrk`` on
127.0.0.1 only:

- ``sqlite``: the embedded SQLite file (WAL, ``synchronous=FULL``), 1 uvicorn worker, both endpoints;
- ``postgresql``: a throwaway PostgreSQL server (``initdb`` + ``pg_ctl`` in a temporary directory, unix
  socket only, default durability: ``fsync`` and ``synchronous_commit`` on; run as the ``postgres``
  user through ``runuser`` when started as root; stopped and removed afterwards), 4 workers, both
  endpoints.

Reported per set-up: requests per second, p50 and p99 latency, and the ratio service / bare throughput
(the issue's aim: ≥ 0.5), the bare endpoint measured in the same run with the same worker count. Every
run is bounded (``--seconds``, default 5 s per measurement, after a 1 s warm-up) and checks that every
response was 2xx. Needs ``wrk`` (``apt-get install -y wrk``) and, for ``postgresql``, PostgreSQL's
server binaries (``apt-get install -y postgresql``) and psycopg (the ``test`` extra).

Both servers of a set-up run side by side; ``--rounds N`` loads the bare endpoint and then the service N
times (each after a 1 s warm-up) and reports every round's ratio and their median: on a shared 2-core
machine one round's ratio moves by ±0.1 between runs of the same code. Each round also prints the CPU
milliseconds per request of the server's processes and of PostgreSQL's, and where the machine's CPU
went (the server, PostgreSQL, wrk, other processes, the kernel, idle).

Run: ``python benchmarks/bench_service.py [--seconds 5] [--rounds 1] [--connections 50]
[--setups sqlite postgresql]``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RECORD = json.loads((ROOT / "examples" / "flexible.json").read_text(encoding="utf-8"))
SETUPS = {"sqlite": 1, "postgresql": 4}  # set-up -> uvicorn workers


def bare_app():  # type: ignore[no-untyped-def]
    """The reference: FastAPI, the same body, the full ``recommend()`` and its JSON; nothing else."""
    from fastapi import Body, FastAPI

    from recommender import load_model, load_rules, recommend

    model, rules = load_model(), load_rules()
    app = FastAPI()

    @app.post("/bare", status_code=201)
    def bare(body: dict = Body(...)) -> dict:  # noqa: B008
        return recommend(body, model=model, rules=rules).to_dict()

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
    _stop(proc)
    raise SystemExit("server did not start")


def _stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)


def _ticks() -> tuple[dict[int, tuple[str, int, int]], list[int]]:
    """Every process's (command, process group, user + system clock ticks), and /proc/stat's cpu line;
    pid -1 is this process's ended children (wrk, once it has exited)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    hz = os.sysconf("SC_CLK_TCK")
    procs = {-1: ("wrk", -1, round((children.ru_utime + children.ru_stime) * hz))}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        comm, rest = raw[raw.index("(") + 1 : raw.rindex(")")], raw[raw.rindex(")") + 2 :].split()
        procs[int(entry)] = (comm, int(rest[2]), int(rest[11]) + int(rest[12]))
    with open("/proc/stat") as f:
        machine = [int(x) for x in f.readline().split()[1:]]
    return procs, machine


def _cpu_shares(before, after, server_group: int, requests: float) -> str:  # type: ignore[no-untyped-def]
    """Where the machine's CPU went between two ``_ticks()``: the server's workers, PostgreSQL, wrk,
    the rest, the kernel's interrupt work and idle, as shares of all cores' time; and the server's and
    PostgreSQL's CPU milliseconds per request (less noisy than throughput when other work shares the
    machine)."""
    (p0, m0), (p1, m1) = before, after
    total = sum(b - a for a, b in zip(m0, m1, strict=True)) or 1
    groups = {"server": 0, "postgres": 0, "wrk": 0, "other": 0}
    for pid, (comm, pgid, t1) in p1.items():
        t0 = p0[pid][2] if pid in p0 else 0
        key = (
            "server"
            if pgid == server_group
            else "postgres"
            if comm.startswith("postgres")
            else "wrk"
            if comm == "wrk"
            else "other"
        )
        groups[key] += t1 - t0
    idle = (m1[3] - m0[3]) + (m1[4] - m0[4])
    irq = (m1[5] - m0[5]) + (m1[6] - m0[6])
    system = m1[2] - m0[2]
    parts = [f"{k} {100 * v / total:.0f}%" for k, v in groups.items()]
    kernel, rest = (
        f"kernel {100 * system / total:.0f}%",
        f"irq {100 * irq / total:.0f}%, idle {100 * idle / total:.0f}%",
    )
    per = 1000 / os.sysconf("SC_CLK_TCK") / max(requests, 1)
    cost = f"CPU ms/request: server {groups['server'] * per:.2f}, postgres {groups['postgres'] * per:.2f}"
    return f"{cost}; CPU: {', '.join(parts)} (of which {kernel}); {rest}"


def _wrk(url: str, headers: dict[str, str], seconds: int, connections: int) -> dict[str, float]:
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    lines = [
        'wrk.method = "POST"',
        f"wrk.body = {json.dumps(json.dumps(RECORD))}",
        'wrk.headers["Content-Type"] = "application/json"',
    ]
    lines += [f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items()]
    script.write("\n".join(lines) + "\n")
    script.close()
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "20s",
                "--latency",
                "-s",
                script.name,
                url,
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=True,
        ).stdout
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
    done = float(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    return {"rps": rps, "p50": ms("50"), "p99": ms("99"), "requests": done}


@contextmanager
def throwaway_postgresql(tmp: Path) -> Iterator[str]:
    """A PostgreSQL server in ``tmp`` (unix socket only, no TCP), as .ci/run starts one; its URL."""
    bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if not bins:
        raise SystemExit("PostgreSQL server binaries not found: apt-get install -y postgresql")
    pg, root = bins[-1], os.geteuid() == 0
    run_as = ["runuser", "-u", "postgres", "--"] if root else []
    data = tmp / "pg"
    data.mkdir()
    if root:
        shutil.chown(data, "postgres")
        os.chmod(tmp, 0o755)

    def pg_run(*cmd: str) -> None:
        subprocess.run([*run_as, *cmd], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    pg_run(str(pg / "initdb"), "-D", str(data / "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8")
    pg_run(
        str(pg / "pg_ctl"),
        "-D",
        str(data / "data"),
        "-l",
        str(data / "server.log"),
        "-w",
        "-t",
        "60",
        "-o",
        f"-c listen_addresses='' -k {data} -c max_connections=200",
        "start",
    )
    try:
        pg_run(str(pg / "createdb"), "-h", str(data), "-U", "postgres", "bench")
        yield f"postgresql+psycopg://postgres@/bench?host={data}"
    finally:
        pg_run(str(pg / "pg_ctl"), "-D", str(data / "data"), "-m", "fast", "-w", "stop")


def _serve_bare(workers: int, port: int, env: dict[str, str], log) -> subprocess.Popen:  # type: ignore[no-untyped-def]
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "bench_service:bare_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        env={**env, "PYTHONPATH": str(HERE)},
        stdout=log,
        stderr=log,
        start_new_session=True,
    )


def _serve_service(workers: int, port: int, url: str, env: dict[str, str], log) -> subprocess.Popen:  # type: ignore[no-untyped-def]
    return subprocess.Popen(
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
            "--database",
            url,
        ],
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )


def _token(url: str) -> dict[str, str]:
    from recommender.cli import main as cli

    sys.stdin = io.StringIO("benchmark password\n")
    buf = io.StringIO()
    with redirect_stdout(io.StringIO()):
        if (
            cli(
                [
                    "users",
                    "add",
                    "bench",
                    "--role",
                    "adviser",
                    "--municipality",
                    RECORD["municipality"],
                    "--database",
                    url,
                ]
            )
            != 0
        ):
            raise SystemExit("could not add the benchmark user")
    with redirect_stdout(buf):
        cli(["tokens", "issue", "bench", "--database", url])
    return {"Authorization": f"Bearer {buf.getvalue().strip()}"}


def _measure(setup: str, url: str, env: dict[str, str], args: argparse.Namespace, log) -> None:  # type: ignore[no-untyped-def]
    """Both servers run side by side (an idle one costs nothing); ``--rounds`` times, wrk loads the bare
    endpoint and then the service, so a change in the machine's load hits both; the median ratio."""
    workers = SETUPS[setup]
    headers = _token(url)
    procs, ports = {}, {}
    try:
        for name in ("bare", "service"):
            ports[name] = port = _free_port()
            procs[name] = (
                _serve_bare(workers, port, env, log)
                if name == "bare"
                else _serve_service(workers, port, url, env, log)
            )
            _wait(port, procs[name])
        paths = {"bare": "/bare", "service": "/api/v1/recommendations"}
        ratios = []
        for round_ in range(1, args.rounds + 1):
            results = {}
            for name in ("bare", "service"):
                target = f"http://127.0.0.1:{ports[name]}{paths[name]}"
                _wrk(target, headers, 1, args.connections)  # warm-up
                before = _ticks()
                results[name] = r = _wrk(target, headers, args.seconds, args.connections)
                shares = _cpu_shares(before, _ticks(), procs[name].pid, r["requests"])
                label = (
                    "bare: recommend() + JSON" if name == "bare" else "service: POST /api/v1/recommendations"
                )
                row = f"{r['rps']:>8.0f} {r['p50']:>8.2f} {r['p99']:>8.2f}"
                print(f"{setup:<10} {workers:>7}  {label:<38} {row}", flush=True)
                print(f"{'':<10} {'':>7}  {shares}", flush=True)
            ratios.append(results["service"]["rps"] / results["bare"]["rps"])
            print(
                f"{setup:<10} {workers:>7}  round {round_}: service / bare throughput {ratios[-1]:.2f}",
                flush=True,
            )
    finally:
        for proc in procs.values():
            _stop(proc)
    shown = ", ".join(f"{r:.2f}" for r in ratios)
    print(
        f"{setup:<10} {workers:>7}  ratio service / bare throughput: median {statistics.median(ratios):.2f} "
        f"of {len(ratios)} rounds ({shown}) (aim ≥ 0.5)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=1, help="bare then service, this many times")
    parser.add_argument("--setups", nargs="+", choices=list(SETUPS), default=list(SETUPS))
    args = parser.parse_args()
    if not 1 <= args.seconds <= 60 or not 1 <= args.rounds <= 20:
        raise SystemExit("--seconds: 1–60, --rounds: 1–20")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk not found: apt-get install -y wrk")
    from recommender import load_model

    load_model()  # build or read the cached default model once, before the servers start
    tmp = Path(tempfile.mkdtemp(prefix="bench-service-"))
    env = {**os.environ, "RECOMMENDER_DATA_DIR": str(tmp / "data")}
    os.environ["RECOMMENDER_DATA_DIR"] = env["RECOMMENDER_DATA_DIR"]
    log = open(tmp / "servers.log", "ab")
    print(
        f"wrk -t2 -c{args.connections} -d{args.seconds}s on 127.0.0.1; load average before: "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
        flush=True,
    )
    print(f"{'set-up':<10} {'workers':>7}  {'endpoint':<38} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    try:
        for setup in args.setups:
            if setup == "sqlite":
                _measure(setup, f"sqlite:///{tmp / 'bench.sqlite3'}", env, args, log)
            else:
                with throwaway_postgresql(tmp) as url:
                    _measure(setup, url, env, args, log)
    finally:
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
