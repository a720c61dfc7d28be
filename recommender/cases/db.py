"""Opening the database, checking its schema and migrating it (Alembic, shipped with the package).

``open_database(url)`` returns a :class:`Database` (engine and session factory) after checking that the
schema is the one this code needs: an empty database is created (first start of the embedded default),
an out-of-date one is refused with one line naming the command to run (``recommender db upgrade``), a
newer one (written by a later version) is refused too. SQLite files run in WAL mode with full fsync on
commit, foreign keys on and a busy timeout, so several workers can share one file and a committed
decision survives a crash.
"""

from __future__ import annotations

import logging
import select
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from recommender import RecommenderError

log = logging.getLogger("recommender.service")

__all__ = [
    "Database",
    "SchemaError",
    "current_revision",
    "head_revision",
    "make_engine",
    "open_database",
    "shown_url",
    "upgrade",
]

_MIGRATIONS = Path(__file__).parent / "migrations"


class SchemaError(RecommenderError):
    """The database's schema is not the one this version of the code needs."""


@dataclass
class Database:
    """An open database: the SQLAlchemy engine and a session factory."""

    engine: Engine
    sessions: sessionmaker[Session]
    url: str

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on any error."""
        with self.sessions.begin() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def shown_url(url: str) -> str:
    """The URL with its password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<ugyldig/invalid URL>"


def make_engine(url: str, *, sqlite_synchronous: str = "full") -> Engine:
    """An engine for ``url``; SQLite files get WAL, foreign keys, a busy timeout and
    ``synchronous=FULL`` (every commit on disk before it returns) unless ``sqlite_synchronous='normal'``."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise RecommenderError(
            f"--database: expected a database URL such as sqlite:///path/file.sqlite3 "
            f"or postgresql+psycopg://user@host/db; got {url[:80]!r}"
        ) from None
    try:
        if parsed.get_backend_name() == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                _private_place(Path(parsed.database).expanduser())
            # One connection per process: SQLite has one writer at a time, and threads queueing for
            # the pool wait on a Python condition instead of SQLite's sleeping busy handler (which
            # backs off up to 100 ms per retry and multiplied latency under load).
            engine = create_engine(
                parsed, connect_args={"timeout": 30}, pool_size=1, max_overflow=0, pool_timeout=60
            )
            if sqlite_synchronous not in ("full", "normal"):
                raise RecommenderError(
                    f"sqlite_synchronous: expected full or normal; got {sqlite_synchronous!r}"
                )
            event.listen(engine, "connect", lambda dbapi, _: _sqlite_pragmas(dbapi, sqlite_synchronous))
            if parsed.database and parsed.database != ":memory:":
                file = Path(parsed.database).expanduser()
                event.listen(engine, "connect", lambda dbapi, _: _private_files(file))
            return engine
        if parsed.get_driver_name() != "psycopg" or not hasattr(select, "poll"):  # poll: not on Windows
            return create_engine(parsed, pool_pre_ping=True, pool_size=15, max_overflow=5)
        engine = create_engine(parsed, pool_size=15, max_overflow=5)
        event.listen(engine, "checkout", _closed_by_server)
        return engine
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        hint = " (pip install '.[postgresql]')" if parsed.get_backend_name() == "postgresql" else ""
        raise RecommenderError(f"--database {shown_url(url)}: driver not installed{hint}: {exc}") from None


def _closed_by_server(dbapi_connection: Any, record: Any, proxy: Any) -> None:
    """Pool checkout (PostgreSQL with psycopg): a pooled connection the server has closed is dropped
    and replaced before a request uses it, as ``pool_pre_ping`` would, without its round trip.

    An idle connection in the pool has nothing to read: a query's whole answer was read when it ran.
    When the server restarts, is stopped or ends the backend (``pg_terminate_backend``), it sends its
    goodbye (or the socket's end) to every idle connection, which makes the socket readable. One
    ``poll`` with no wait sees that (about a microsecond, no server work); ``DisconnectionError``
    makes the pool discard the connection and open a new one (issue 27: the ping was a round trip on
    every checkout, two per request). The trade-off: a server that vanished without a word is not seen
    here. After a network cut the first query waits for the network's timeout, as the ping would; after
    the server's host restarted (its answer is a reset) the first request on each stale connection
    fails with 503 and SQLAlchemy then replaces the pool's connections, where the ping would have
    reconnected silently.
    """
    if dbapi_connection.closed or dbapi_connection.broken:
        raise DisconnectionError("the connection is closed")
    poller = select.poll()
    poller.register(dbapi_connection.fileno(), select.POLLIN | select.POLLPRI)
    if poller.poll(0):
        raise DisconnectionError("the server closed the connection while it was idle in the pool")


def _private_place(file: Path) -> None:
    """The database's directory: made 0700 when it is new; a warning when an existing one is open to
    the group or others (its mode is the operator's to change, not ours)."""
    folder = file.parent
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700)
        folder.chmod(0o700)  # whatever the umask
    elif folder.stat().st_mode & 0o077:
        log.warning(
            "the database's directory %s is mode %o: others on this machine can list it; "
            "chmod 700 it / mappen bør kun kunne læses af tjenesten",
            folder,
            folder.stat().st_mode & 0o777,
        )


def _private_files(file: Path) -> None:
    """The database file and its WAL and shared-memory files: readable by the service's user only."""
    for path in (file, file.with_name(file.name + "-wal"), file.with_name(file.name + "-shm")):
        try:
            if path.exists() and path.stat().st_mode & 0o077:
                path.chmod(0o600)
        except OSError:  # not ours to change (another user's file): SQLite reads it or refuses
            pass


def _sqlite_pragmas(dbapi_connection, synchronous: str) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA synchronous={synchronous.upper()}")
    cursor.execute("PRAGMA foreign_keys=ON")
    # REPLACE deletes the row it conflicts with; delete triggers (the audit trail's guard against
    # deleting young events) fire on that only with recursive triggers on (issue 28)
    cursor.execute("PRAGMA recursive_triggers=ON")
    cursor.close()


def _alembic_config(connection=None):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest migration this code ships."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at (``None`` for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str]:
    """Migrate the database to ``revision`` in one transaction; return (before, after).

    A failure anywhere (a broken reference, a crash part-way) rolls every step back: on SQLite too,
    whose driver would otherwise commit each ALTER/CREATE TABLE on its own (see :func:`_sqlite_migration`).
    """
    from alembic import command

    before = current_revision(engine)
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        with _sqlite_migration(conn) if sqlite else nullcontext():
            with conn.begin():
                if sqlite:
                    conn.exec_driver_sql("BEGIN")  # the driver's own BEGIN is off (see above)
                command.upgrade(_alembic_config(conn), revision)
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all() if sqlite else []
                if broken:
                    raise SchemaError(
                        f"the migration left {len(broken)} broken references; nothing was changed"
                    )
    return before, current_revision(engine) or ""


@contextmanager
def _sqlite_migration(conn: Connection) -> Iterator[None]:
    """SQLite's recipe for a migration in one real transaction, on this connection only.

    pysqlite begins a transaction only before INSERT/UPDATE/DELETE, so an ALTER TABLE or a batch-mode
    table copy before the first of those committed on its own, and a failed migration left the database
    half-done (a column added, the revision unchanged). With the driver's transaction handling off, the
    caller emits ``BEGIN`` itself and every statement, DDL included, commits or rolls back together.
    Foreign keys are off meanwhile (a batch-mode table copy of a table others refer to, migration 0005;
    the pragma works only outside a transaction): the caller checks every reference before commit.
    The connection goes back to the pool as it came (driver transactions and foreign keys on).
    """
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    conn.commit()  # nothing open on the driver's side before its transaction handling changes
    previous = dbapi.isolation_level
    dbapi.isolation_level = None
    try:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        conn.commit()
        yield
    finally:
        conn.rollback()
        conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        conn.commit()
        dbapi.isolation_level = previous


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {s.revision for s in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}


def open_database(url: str, *, create: bool = True, sqlite_synchronous: str = "full") -> Database:
    """Open ``url`` and check its schema (an empty database is created when ``create``)."""
    engine = make_engine(url, sqlite_synchronous=sqlite_synchronous)
    try:
        current = current_revision(engine)
        head = head_revision()
        if current is None and create and not inspect(engine).get_table_names():
            upgrade(engine)
        elif current != head:
            flag = f" --database {shown_url(url)}" if url else ""
            if current is not None and current not in _known_revisions():
                raise SchemaError(
                    f"databasen er nyere end programmet / the database schema ({current}) is "
                    f"newer than this version of recommender (needs {head}); upgrade "
                    "recommender"
                )
            raise SchemaError(
                f"databasens skema er forældet / the database schema is out of date "
                f"({current or 'tom/empty'}, needs {head}): run `recommender db upgrade"
                f"{flag}`"
            )
    except RecommenderError:
        engine.dispose()
        raise
    except Exception as exc:
        engine.dispose()
        from sqlalchemy.exc import DBAPIError

        if isinstance(exc, DBAPIError):
            raise RecommenderError(
                f"--database {shown_url(url)}: cannot open the database: "
                f"{' '.join(str(exc.orig).split())[:200]}"
            ) from None
        raise
    return Database(engine=engine, sessions=sessionmaker(engine, expire_on_commit=False), url=url)
