"""The built-in default model: trained deterministically on the synthetic Projekt 500 cohort.

The synthetic cohort (``synth.generate_cohort(DEFAULT_N, DEFAULT_SEED)``) reproduces the report's
tables; it steadies the point estimates, while ``evidence_size=219`` (the real citizens with a
registered offer) keeps the intervals as wide as the real evidence warrants.

The model is built on first use (a note on stderr at each stage, with the seconds so far) and cached
in a per-user directory (``$RECOMMENDER_CACHE``, else ``$XDG_CACHE_HOME/recommender``, else
``~/.cache/recommender``) under
a name keyed by the install (the package's folder: two installs sharing one cache folder each keep
their own model and never delete the other's), the package version, the library versions and a hash
of the sources that determine it (model code, synthetic generator and its published figures, cohort
parsing, rules, vocabulary). Its manifest says ``"synthetic": true``: it was trained on a synthetic
cohort. It is written atomically and loaded once per process (:mod:`recommender.process_cache`,
thread-safe). Processes started together on an empty cache build it once: the builder holds an
exclusive ``fcntl`` lock on ``default-model-<install>.lock`` while the others wait on it, then read the
model it wrote. No network is needed. ``recommender.model.load_model(None)`` reaches
:func:`default_model` through the provider the package front wires
(:func:`recommender.process_cache.provide`): this module imports :mod:`recommender.model`, never the
other way round.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from recommender import process_cache
from recommender.errors import ModelFileError, RecommenderError
from recommender.model import OutcomeModel, load_model, save_model, train
from recommender.modelling.persist import library_versions
from recommender.typology import load_rules

__all__ = [
    "DEFAULT_EVIDENCE",
    "DEFAULT_N",
    "DEFAULT_SEED",
    "build_default",
    "cache_dir",
    "cache_key",
    "default_model",
    "install_key",
]

DEFAULT_N = 20_000
DEFAULT_SEED = 500
DEFAULT_EVIDENCE = 219  # Projekt 500: 274 citizens, 219 with a registered offer (tabel 38)
BUILD_JOBS = 2  # the machines this runs on have at least two cores; the model does not depend on it
#: Every file that can change the default model: the package's top-level modules (vocabulary, intake
#: record, rules front, model front), the rules engine, the modelling code, cohort parsing, the synthetic
#: generator, the rules file and the published figures. Globbed, not listed by hand, so a new module in
#: one of these folders is covered without anyone remembering to add it.
_SOURCE_GLOBS = (
    "*.py",
    "rules.yaml",
    "data/*.yaml",
    "rules/*.py",
    "modelling/*.py",
    "cohort/*.py",
    "synth/*.py",
)


def cache_dir() -> Path:
    """Where the built default model is cached (created on demand)."""
    if os.environ.get("RECOMMENDER_CACHE"):
        return Path(os.environ["RECOMMENDER_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "recommender"


def cache_key() -> str:
    """A hash of the package version, library versions and the sources the default depends on."""
    from recommender import __version__

    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(
        f"{__version__}|{sorted(library_versions().items())}|"
        f"{DEFAULT_N}|{DEFAULT_SEED}|{DEFAULT_EVIDENCE}".encode()
    )
    for path in sorted({p for pattern in _SOURCE_GLOBS for p in package.glob(pattern)}):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def build_default(progress: Callable[[str], None] | None = None) -> OutcomeModel:
    """Train the default model (deterministic: fixed synthetic sample and seed). Its manifest says
    ``synthetic: true`` (the cohort's source is the synthetic generator). ``progress`` gets a
    line at each stage of training. Two cores are used where the work splits (the point fit beside
    the refits' plan, the bootstrap refits); the model is the same on any number of cores."""
    from recommender.synth import generate_cohort

    cohort = generate_cohort(DEFAULT_N, DEFAULT_SEED)
    return train(
        cohort,
        seed=0,
        evidence_size=DEFAULT_EVIDENCE,
        rules=load_rules(),
        n_jobs=BUILD_JOBS,
        progress=progress,
    )


def install_key() -> str:
    """A short hash of where this package is installed: one cached default model per install."""
    return hashlib.sha256(str(Path(__file__).resolve().parent.parent).encode()).hexdigest()[:8]


@contextmanager
def _build_lock(folder: Path) -> Iterator[None]:
    """An exclusive cross-process lock for building this install's default model (no-op if impossible)."""
    try:
        import fcntl

        folder.mkdir(parents=True, exist_ok=True)
        handle = open(folder / f"default-model-{install_key()}.lock", "a+b")  # noqa: SIM115
    except (ImportError, OSError):  # no fcntl (Windows) or a read-only cache: build without a lock
        yield
        return
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)  # waits while another process builds
        yield
    finally:
        handle.close()  # releases the lock


def _read_cached(path: Path) -> OutcomeModel | None:
    if not path.exists():
        return None
    try:
        return load_model(path)
    except ModelFileError:
        return None  # damaged or stale cache: rebuild it


def _load_or_build() -> OutcomeModel:
    folder = cache_dir()
    prefix = f"default-model-{install_key()}-"
    path = folder / f"{prefix}{cache_key()}.p500model"
    model = _read_cached(path)
    if model is not None:
        return model
    with _build_lock(folder):
        model = _read_cached(path)  # another process may have built it while we waited
        if model is not None:
            return model
        print(
            f"recommender: bygger standardmodellen / building the default model (once: under a "
            f"minute on an idle machine; cached in {folder}) …",
            file=sys.stderr,
            flush=True,
        )
        start = time.monotonic()
        model = build_default(
            lambda line: print(
                f"recommender: {line} ({time.monotonic() - start:.0f} s)", file=sys.stderr, flush=True
            )
        )
        print(
            f"recommender: standardmodellen er klar / the default model is ready "
            f"({time.monotonic() - start:.0f} s)",
            file=sys.stderr,
            flush=True,
        )
        try:
            save_model(model, path)
            for stale in folder.glob(f"{prefix}*.p500model"):
                if stale != path:  # this install's older code: never read again
                    stale.unlink(missing_ok=True)
        except (OSError, RecommenderError) as exc:  # a read-only home, a link: use it from memory
            print(
                f"recommender: could not cache the default model ({getattr(exc, 'strerror', None) or exc})",
                file=sys.stderr,
            )
    return model


def default_model() -> OutcomeModel:
    """The built-in default model: from memory (:mod:`recommender.process_cache`), else the disk
    cache, else built (and cached) now."""
    return process_cache.remember("default_model", _load_or_build)
