"""Shared fixtures: the built-in default model, built (or read from the cache) once per test session."""

from __future__ import annotations

import pytest


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
