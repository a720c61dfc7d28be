"""Shared fixtures: the built-in default model, built (or read from the cache) once per test session.

The tests mirror the package (``tests/cases/`` for ``recommender/cases/``, ``tests/api/``, ``tests/web/``,
``tests/modelling/``, …); cross-cutting suites have their own folders (``reliability/``, ``guides/``,
``browser/``, ``bdd/``, ``end_to_end/``). The support modules (``_service_support``, ``_dgp``, …) and
this file stay here, importable from every folder. Tests marked ``slow`` (they train models, run the
browser or a real server, or follow a whole guide) are left out of the inner loop,
``pytest -m "not slow"``; CI runs everything.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# Test modules share helpers by importing each other by name (``from test_recommend import
# random_record``), as they did when the folder was flat: every test folder is importable, whichever
# folders a run collects (test module names are unique across folders).
for _folder in sorted(Path(__file__).resolve().parent.iterdir()):
    if _folder.is_dir() and any(_folder.glob("test_*.py")) and str(_folder) not in sys.path:
        sys.path.append(str(_folder))

#: Doctests that train a model or read a large cohort (a docstring cannot carry a marker): slow too.
SLOW_DOCTESTS = frozenset({"recommender.model.train"})


@pytest.hookimpl(tryfirst=True)  # before ``-m`` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.name in SLOW_DOCTESTS:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def default_model():
    from recommender.model import load_model

    return load_model()


@pytest.fixture(scope="session")
def default_model_file(default_model, tmp_path_factory):
    """The built-in model saved once per session (saving a blend with its bootstrap refits takes
    a while); tests that need their own file copy it with :func:`copy_of`."""
    from recommender.model import save_model

    return save_model(default_model, tmp_path_factory.mktemp("default-model") / "default.p500model")


def copy_of(source, target):
    """``source`` copied to ``target`` (a Path), returned."""
    import shutil

    shutil.copyfile(source, target)
    return target
