"""Benchmark: what following the model registry costs a request.

``GET /api/v1/model`` (token check, audit-free read of the served engine) in-process through the test
client, on an SQLite file with one promoted model, with ``registry_check_seconds`` = 0 (the registry's
champion counter is read on every request: the worst case) against 3600 (practically never; the
reference, measured in the same run). Reports the median time per request for both and the ratio.
Run: ``python benchmarks/bench_registry_check.py [REQUESTS]`` (default 400).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _median_ms(client, headers, n: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(n):
        start = time.perf_counter()
        assert client.get("/api/v1/model", headers=headers).status_code == 200
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main(n: int = 400) -> None:
    from fastapi.testclient import TestClient

    from recommender import load_model, load_rules
    from recommender.cases import RecommenderEngine, Settings, accounts, registry
    from recommender.cases.db import open_database
    from recommender.model import save_model
    from recommender.server import create_app

    engine = RecommenderEngine(model=load_model(), rules=load_rules())
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        db = open_database(url)
        path = Path(tmp) / "m.p500model"
        save_model(engine.model, path)
        with db.session() as session:
            accounts.add_user(session, "ana", "analyst", "a long bench password")
            token, _ = accounts.issue_token(session, "ana")
            registry.promote(
                session, registry.register(session, path, "ana").version, "ana", "benchmark model"
            )
        headers = {"Authorization": f"Bearer {token}"}
        results = {}
        for interval in (3600.0, 0.0):
            app = create_app(
                Settings(data_dir=Path(tmp) / "data", database_url=url, registry_check_seconds=interval),
                engine=engine,
                database=db,
            )
            with TestClient(app) as client:
                _median_ms(client, headers, 20)  # warm up
                results[interval] = _median_ms(client, headers, n)
        db.dispose()
    print(f"GET /api/v1/model, median of {n} requests:")
    print(f"  registry checked every 3600 s (reference): {results[3600.0]:.2f} ms")
    print(f"  registry checked on every request:         {results[0.0]:.2f} ms")
    print(f"  ratio: {results[0.0] / results[3600.0]:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 400)
