"""Engine and session factory; callers own their transactions."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

SQLITE_CACHE_KB = 65536
AUTOCOMMIT = "AUTOCOMMIT"


class DatabaseUnavailable(Exception):
    """The database at DATABASE_URL does not answer."""


def make_engine(url: str, *, immediate: bool = False, **kwargs: object) -> Engine:
    """Create an engine; make the SQLite folder and turn on its foreign keys.

    SQL parameters never appear in error messages or logs (`hide_parameters`): they hold
    names, emails and phone numbers. With `immediate`, each SQLite transaction takes the
    write lock as it begins (BEGIN IMMEDIATE): for the long-running processes that write
    at the same time (web app, bot, action server), whose read-then-write transactions
    would otherwise fail at once with "database is locked" instead of waiting their turn.
    """
    kwargs.setdefault("hide_parameters", True)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)  # type: ignore[arg-type]
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate if immediate else _sqlite_begin)
    else:
        kwargs.setdefault("pool_pre_ping", True)
        engine = create_engine(url, **kwargs)  # type: ignore[arg-type]
    event.listen(engine, "handle_error", _drop_error_detail)
    return engine


def _drop_error_detail(context) -> None:  # type: ignore[no-untyped-def]
    """Keep only the first line of a driver's error: PostgreSQL's DETAIL repeats values.

    ("Key (email)=(someone@example.org) already exists."); `orig.diag` still has it all.
    """
    for error in (context.original_exception, context.sqlalchemy_exception):
        if error is not None and error.args and isinstance(error.args[0], str):
            error.args = (error.args[0].strip().split("\n", 1)[0], *error.args[1:])


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # Let SQLAlchemy, not the driver, issue BEGIN so that savepoints work (pysqlite recipe).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    # A write-ahead log: a commit appends to one file (0.3 ms on these machines, against
    # 3.5 ms for the rollback journal's files), and reading goes on while another process
    # writes. Each commit is still synced to disk. The mode is kept in the database file.
    cursor.execute("PRAGMA journal_mode=WAL")
    # 64 MB of page cache (SQLite's default is 2 MB): a search at 1,000,000 vacancies reads
    # the R*Tree, the FTS5 index and the rows it ranks from memory rather than the disk.
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KB}")
    cursor.close()


def _sqlite_begin(connection) -> None:  # type: ignore[no-untyped-def]
    if not _autocommit(connection):
        connection.exec_driver_sql("BEGIN")


def _sqlite_begin_immediate(connection) -> None:  # type: ignore[no-untyped-def]
    if not _autocommit(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _autocommit(connection) -> bool:  # type: ignore[no-untyped-def]
    return connection.get_execution_options().get("isolation_level") == AUTOCOMMIT


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


class SingleStatements(Protocol):
    """Where statements that stand alone go (`single_statements`)."""

    def connect(self) -> AbstractContextManager[Connection]: ...

    def close(self) -> None:
        """Close the connections kept for these statements alone, if there are any."""


class _Lent:
    """A connection lent for single statements: `connect()` gives it, and leaves it open.

    It is in its lender's transaction, so each use is a savepoint of it: a statement that
    fails is undone alone, as outside a transaction, and the lender's work goes on.
    """

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    @contextlib.contextmanager
    def connect(self) -> Iterator[Connection]:
        with self._connection.begin_nested():
            yield self._connection

    def close(self) -> None:
        """The connection is its lender's to close."""


class _Pooled:
    """Single statements through `engine`; `close()` disposes its pool when it is their own."""

    def __init__(self, engine: Engine, own_pool: bool) -> None:
        self.engine = engine
        self._own_pool = own_pool

    def connect(self) -> AbstractContextManager[Connection]:
        return self.engine.connect()

    def close(self) -> None:
        if self._own_pool:
            self.engine.dispose()


def single_statements(sessions: sessionmaker[Session]) -> SingleStatements:
    """Where to run a statement that stands alone, outside a transaction, on the database
    `sessions` use: on PostgreSQL no BEGIN and COMMIT round trips, on SQLite no write lock
    (BEGIN IMMEDIATE) for a read.

    For a read, or a write that is whole in one statement: each is committed alone, and what
    one sees another may not. For sessions bound to a connection (a test's, inside its own
    transaction), that connection.
    """
    bind = sessions.kw["bind"]
    if not isinstance(bind, Engine):
        return _Lent(bind)
    if bind.dialect.name == "sqlite":  # switching a SQLite connection costs no round trip
        return _Pooled(bind.execution_options(isolation_level=AUTOCOMMIT), own_pool=False)
    # A pool of its own, of connections that stay in autocommit: switching one of the
    # sessions' connections into it and back costs round trips on every use (a read took
    # 0.8 ms so, and 0.5 ms here, on PostgreSQL on the test machine). Not checked before each
    # use (pool_pre_ping is a round trip): after the database restarts, one statement fails,
    # which makes the pool replace every connection it held. Its user has a way to go on
    # when a statement fails, and closes it.
    return _Pooled(make_engine(bind.url.render_as_string(hide_password=False),
                               isolation_level=AUTOCOMMIT, pool_pre_ping=False),
                   own_pool=True)


def check_database(engine: Engine) -> None:
    """Raise DatabaseUnavailable unless a trivial query answers."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        raise DatabaseUnavailable(_describe(engine, exc)) from exc


def _describe(engine: Engine, exc: SQLAlchemyError) -> str:
    safe_url = engine.url.render_as_string(hide_password=True)
    reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
    return f"database {safe_url} does not answer: {reason}"
