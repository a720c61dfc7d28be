"""Issue 16, bounded resources: the default model is built once across processes and once per install.

The class under test: processes and installs sharing one cache folder. Eight processes started together
on an empty cache must build the default model once (one holds the lock, the others wait and read it);
two installs sharing a cache must each keep their own model (neither deletes the other's). A small
default cohort (``DEFAULT_N`` patched) keeps the builds quick; the locking is the same.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from recommender import process_cache
from recommender.modelling import default as default_module

ROOT = Path(__file__).resolve().parents[2]
_SMALL = (
    "import sys, recommender.modelling.default as d; d.DEFAULT_N = 800; "
    "m = d.default_model(); print(m.version)"
)


@pytest.mark.slow  # builds the default model in fresh processes
def test_eight_processes_on_an_empty_cache_build_the_default_model_once(tmp_path) -> None:
    env = {**os.environ, "RECOMMENDER_CACHE": str(tmp_path / "cache")}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _SMALL], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(8)
    ]
    results = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, [r[1][-300:] for r in results]
    builds = sum(b"bygger standardmodellen" in err for _, err in results)
    assert builds == 1, builds
    assert len({out for out, _ in results}) == 1  # all use the same model
    assert len(list((tmp_path / "cache").glob("default-model-*.p500model"))) == 1


@pytest.mark.slow  # builds the default model in fresh processes
def test_two_installs_sharing_a_cache_keep_their_own_models(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("RECOMMENDER_CACHE", str(tmp_path))
    monkeypatch.setattr(default_module, "DEFAULT_N", 800)
    versions = {}
    for install, key in (("a", "1111"), ("b", "2222"), ("a", "3333")):  # a, then b, then a's code changes
        process_cache.reset()
        monkeypatch.setattr(default_module, "install_key", lambda install=install: install * 8)
        monkeypatch.setattr(default_module, "cache_key", lambda key=key: key)
        versions[install, key] = default_module.default_model().version
    names = sorted(p.name for p in tmp_path.glob("*.p500model"))
    # a's stale model (code 1111) is gone, b's model stays
    assert names == ["default-model-aaaaaaaa-3333.p500model", "default-model-bbbbbbbb-2222.p500model"]
    process_cache.reset()
    monkeypatch.setattr(default_module, "install_key", lambda: "bbbbbbbb")
    monkeypatch.setattr(default_module, "cache_key", lambda: "2222")
    assert default_module.default_model().version == versions["b", "2222"]  # read, not rebuilt
    process_cache.reset()


def test_install_key_depends_on_where_the_package_is() -> None:
    assert len(default_module.install_key()) == 8
    assert default_module.install_key() == default_module.install_key()
