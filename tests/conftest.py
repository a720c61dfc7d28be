"""Shared fixtures: the built-in default model, built (or read from the cache) once per test session."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def default_model():
    from recommender.model import load_model

    return load_model()
