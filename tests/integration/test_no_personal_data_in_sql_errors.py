"""A failing statement's error (and so its log line) carries no SQL parameters."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from tests.conftest import create_postgres_database, drop_postgres_database

EMAIL = "young.person@example.org"


def _fail_with_a_parameter(engine: Engine) -> str:
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE people (email VARCHAR(200) UNIQUE)"))
        connection.execute(text("INSERT INTO people (email) VALUES (:e)"), {"e": EMAIL})
    with pytest.raises(IntegrityError) as failed, engine.begin() as connection:
        connection.execute(text("INSERT INTO people (email) VALUES (:e)"), {"e": EMAIL})
    return str(failed.value)


def test_sqlite_errors_hide_parameters(tmp_path, caplog: pytest.LogCaptureFixture) -> None:
    from carecareers.db import make_engine

    caplog.set_level(logging.DEBUG)
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    message = _fail_with_a_parameter(engine)
    assert "hidden due to hide_parameters" in message
    assert "UNIQUE constraint failed: people.email" in message
    assert EMAIL not in message and EMAIL not in caplog.text


@pytest.mark.postgres
def test_postgresql_errors_hide_parameters(caplog: pytest.LogCaptureFixture) -> None:
    from carecareers.db import make_engine

    caplog.set_level(logging.DEBUG)
    url = create_postgres_database()
    engine = make_engine(url)
    try:
        message = _fail_with_a_parameter(engine)
    finally:
        engine.dispose()
        drop_postgres_database(url)
    assert "hidden due to hide_parameters" in message
    assert "violates unique constraint" in message  # the reason stays, the DETAIL goes
    assert EMAIL not in message
