"""Database sessions whose work is rolled back at the end, whatever the code under test commits."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session


@contextmanager
def rolled_back(engine: Engine) -> Iterator[tuple[Connection, Session]]:
    """A connection in a transaction that is rolled back, and a session on it.

    Commits inside become savepoints (`join_transaction_mode="create_savepoint"`), so code
    that owns its transaction runs unchanged.
    """
    with engine.connect() as connection:
        transaction = connection.begin()
        with Session(bind=connection, join_transaction_mode="create_savepoint",
                     expire_on_commit=False) as session:
            yield connection, session
        transaction.rollback()
