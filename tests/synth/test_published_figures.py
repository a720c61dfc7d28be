"""The package's copy of the report's figures (recommender/data/projekt500.yaml) matches the source.

The source, ``shared/projekt500/tables.yaml``, lies beside the checkout on the development and CI
machines; where it is absent (an installed copy elsewhere) there is nothing to compare against.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from recommender.synth import load_figures

SOURCE = Path(__file__).resolve().parents[3] / "shared" / "projekt500" / "tables.yaml"


@pytest.mark.skipif(not SOURCE.exists(), reason="shared/projekt500/tables.yaml is not beside the checkout")
def test_every_copied_section_equals_the_published_one() -> None:
    published = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
    copy = load_figures()
    assert copy, "the package copy is empty"
    for section, value in copy.items():
        assert value == published[section], section
