"""Issue 28, point 16: ``models promote`` follows ``models compare``.

Before issue 28 a model that ``models compare`` had just called *dårligere / forfrem ikke* was promoted
without a word. Now a promotion over a model in use needs a comparison that says promote, or an explicit
``--against-verdict`` with a written reason, which goes to the audit trail with the verdict.
"""

from __future__ import annotations

import pytest
from _service_support import PASSWORD, database_url  # noqa: F401 (fixture)

from recommender.cli import main

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def small_model_file(tmp_path_factory):
    from recommender import train
    from recommender.model import save_model
    from recommender.synth import generate_cohort

    path = tmp_path_factory.mktemp("models") / "small.p500model"
    save_model(train(generate_cohort(300, seed=4), n_bootstrap=5), path)
    return path


@pytest.fixture(scope="module")
def held_out(tmp_path_factory):
    from recommender.cohort import write_cohort
    from recommender.synth import generate_cohort

    path = tmp_path_factory.mktemp("cohort") / "held-out.csv"
    write_cohort(generate_cohort(400, seed=11), path)
    return path


def _version(capsys, path, url) -> str:
    assert main(["models", "register", str(path), "--by", "ana", "--database", url]) == 0
    return capsys.readouterr().out.strip()


def test_promoting_against_the_comparisons_verdict_needs_a_written_reason_and_is_audited(
    tmp_path, capsys, default_model_file, small_model_file, held_out
):
    import json

    from sqlalchemy import select

    from recommender.cases import accounts
    from recommender.cases.db import open_database
    from recommender.cases.tables import AuditEvent

    url = f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    db = open_database(url)
    with db.session() as session:
        accounts.add_user(session, "ana", "analyst", PASSWORD)
    db.dispose()
    champion = _version(capsys, default_model_file, url)
    challenger = _version(capsys, small_model_file, url)
    assert (
        main(
            [
                "models",
                "promote",
                champion,
                "--by",
                "ana",
                "--reason",
                "the built-in model in use",
                "--database",
                url,
            ]
        )
        == 0
    )  # the first champion: nothing to compare with
    capsys.readouterr()

    # not compared yet: refused, saying what to run
    assert (
        main(
            [
                "models",
                "promote",
                challenger,
                "--by",
                "ana",
                "--reason",
                "a newer model, untested",
                "--database",
                url,
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "--against-verdict" in err and "models compare" in err and err.count("\n") == 1

    assert (
        main(
            [
                "models",
                "compare",
                challenger,
                "--cohort",
                str(held_out),
                "--n-bootstrap",
                "50",
                "--json",
                "--database",
                url,
            ]
        )
        == 0
    )
    result = json.loads(capsys.readouterr().out)
    assert result["promote"] is False and result["verdict"] in ("worse", "no_certain_difference")

    # the comparison says don't promote: refused without --against-verdict, and with a reason too short
    for extra in ([], ["--against-verdict", "ok"]):
        assert (
            main(
                [
                    "models",
                    "promote",
                    challenger,
                    "--by",
                    "ana",
                    "--reason",
                    "better on the new cohort",
                    "--database",
                    url,
                    *extra,
                ]
            )
            == 2
        )
        err = capsys.readouterr().err
        assert "--against-verdict" in err and result["verdict"] in err and "don't promote" in err
    # with a written reason it goes through, says so on stderr and in the audit trail
    why = "pilot in Aarhus only, agreed with the steering group 2026-01-12"
    assert (
        main(
            [
                "models",
                "promote",
                challenger,
                "--by",
                "ana",
                "--reason",
                "a pilot of the new model",
                "--against-verdict",
                why,
                "--database",
                url,
            ]
        )
        == 0
    )
    err = capsys.readouterr().err
    assert "against the comparison's verdict" in err and result["verdict"] in err
    db = open_database(url)
    try:
        with db.session() as session:
            promoted = session.scalars(
                select(AuditEvent).where(AuditEvent.action == "model.promote").order_by(AuditEvent.id)
            ).all()
        assert len(promoted) == 2 and promoted[-1].resource == f"model:{challenger}"
        assert f"against verdict {result['verdict']}: {why}" in promoted[-1].detail
    finally:
        db.dispose()
