"""Issue 28 on the database: the SQLite file is 0600 and its new directory 0700, with a warning for a wider
existing directory (point 8); ``REPLACE INTO audit_events`` cannot overwrite an audit event (point 12)."""

from __future__ import annotations

import logging
import os
import stat

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_database_file_is_private_and_a_new_directory_too(tmp_path) -> None:
    from recommender.cases.db import open_database

    old = os.umask(0o022)  # an ordinary umask would give 0644 and 0755
    try:
        db = open_database(f"sqlite:///{tmp_path / 'new' / 'deep' / 'service.sqlite3'}")
        with db.session() as session:
            session.execute(text("SELECT 1"))
        db.dispose()
    finally:
        os.umask(old)
    assert _mode(tmp_path / "new" / "deep") == 0o700
    for name in ("service.sqlite3", "service.sqlite3-wal", "service.sqlite3-shm"):
        path = tmp_path / "new" / "deep" / name
        if path.exists():
            assert _mode(path) == 0o600, name


def test_an_existing_wide_directory_is_kept_and_warned_about(tmp_path, caplog) -> None:
    from recommender.cases.db import open_database

    folder = tmp_path / "shared"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    with caplog.at_level(logging.WARNING, logger="recommender.service"):
        db = open_database(f"sqlite:///{folder / 'service.sqlite3'}")
        db.dispose()
    assert _mode(folder) == 0o755 and _mode(folder / "service.sqlite3") == 0o600
    assert "755" in caplog.text and "chmod 700" in caplog.text


def test_replace_into_the_audit_trail_is_refused(tmp_path) -> None:
    from recommender.cases import audit
    from recommender.cases.db import open_database
    from recommender.cases.tables import AuditEvent

    db = open_database(f"sqlite:///{tmp_path / 'audit.sqlite3'}")
    try:
        with db.session() as session:
            audit.record(session, "login.ok", status=200, detail="the original")
        with db.session() as session:
            event = session.query(AuditEvent).one()
            event_id, at = event.id, event.at
        with pytest.raises(IntegrityError):
            with db.engine.begin() as conn:
                conn.execute(
                    text(
                        "REPLACE INTO audit_events (id, at, action, status, detail) "
                        "VALUES (:id, :at, 'login.ok', 200, 'rewritten')"
                    ),
                    {"id": event_id, "at": at},
                )
        with db.session() as session:
            assert session.query(AuditEvent).one().detail == "the original"
    finally:
        db.dispose()
