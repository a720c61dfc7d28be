"""``recommender users``, ``tokens`` and ``db``: accounts from the command line (a real database)."""

from __future__ import annotations

import io

import pytest
from _service_support import PASSWORD, database_url, engine, example, make_service  # noqa: F401

from recommender.cli import main


def _add(monkeypatch, url, *argv, password=PASSWORD):
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return main(["users", "add", *argv, "--database", url])


def test_users_tokens_and_the_api(database_url, monkeypatch, capsys, tmp_path, engine):
    assert _add(monkeypatch, database_url, "anna", "--role", "adviser", "--municipality", "aarhus") == 0
    out = capsys.readouterr()
    assert out.out == "" and PASSWORD not in out.err and "anna" in out.err
    assert main(["tokens", "issue", "anna", "--database", database_url]) == 0
    out = capsys.readouterr()
    token = out.out.strip()
    assert out.out == token + "\n" and token.startswith("p500_") and token not in out.err
    assert main(["users", "list", "--database", database_url]) == 0
    assert capsys.readouterr().out == "anna\tadviser\tAarhus\n"

    svc = make_service(database_url, tmp_path, engine)
    with svc.client:
        headers = {"Authorization": f"Bearer {token}"}
        assert svc.client.post("/api/v1/recommendations", json=example(), headers=headers).status_code == 201
        assert main(["tokens", "revoke", "anna", "--database", database_url]) == 0
        assert svc.client.get("/api/v1/model", headers=headers).status_code == 401
    from sqlalchemy import select

    from recommender.cases.tables import Token, User

    with svc.db.session() as session:
        user = session.scalar(select(User))
        assert PASSWORD not in user.password_hash and user.password_hash.startswith("$argon2id$")
        assert token not in [t.token_hash for t in session.scalars(select(Token))]
    svc.db.dispose()


@pytest.mark.parametrize(
    "argv, password, needle",
    [
        (["Anna Larsen", "--role", "adviser", "--municipality", "Aarhus"], PASSWORD, "NAME"),
        (["anna", "--role", "advisor", "--municipality", "Aarhus"], PASSWORD, "did you mean 'adviser'"),
        (["anna", "--role", "adviser"], PASSWORD, "--municipality"),
        (["anna", "--role", "adviser", "--municipality", "Aarhus\x00"], PASSWORD, "--municipality"),
        (["anna", "--role", "adviser", "--municipality", "Aarhus"], "short", "at least 12"),
        (["anna", "--role", "adviser", "--municipality", "Aarhus"], "", "at least 12"),
    ],
)
def test_bad_user_input_is_one_line_exit_2(database_url, monkeypatch, capsys, argv, password, needle):
    assert _add(monkeypatch, database_url, *argv, password=password) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and needle in err and err.startswith("fejl/error: ")
    if password:
        assert password not in err


def test_duplicate_user_unknown_user_and_bad_flags(database_url, monkeypatch, capsys):
    assert _add(monkeypatch, database_url, "ida", "--role", "analyst") == 0
    assert _add(monkeypatch, database_url, "ida", "--role", "analyst") == 2
    assert main(["tokens", "issue", "idaa", "--database", database_url]) == 2
    assert main(["tokens", "issue", "ida", "--days", "0", "--database", database_url]) == 2
    assert main(["tokens", "revoke", "ida", "--id", "77", "--database", database_url]) == 2
    assert main(["audit", "export", "--since", "yesterday", "--database", database_url]) == 2
    err = capsys.readouterr().err.splitlines()
    assert [line.startswith("fejl/error: ") for line in err].count(True) == 5
    assert "already exists" in err[1] and "did you mean 'ida'" in err[2]
    assert "--days" in err[3] and "--id" in err[4] and "--since" in err[5]


def test_no_password_on_stdin(database_url, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["users", "add", "ida", "--role", "analyst", "--database", database_url]) == 2
    assert "standard input" in capsys.readouterr().err
