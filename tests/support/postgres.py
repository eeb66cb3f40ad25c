"""PostgreSQL for tests and benchmarks: a throwaway database per use, on this machine's server."""

from __future__ import annotations

import uuid

import psycopg2

ADMIN = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "dbname": "postgres"}
URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/{name}"


def unavailable() -> str | None:
    """Why PostgreSQL cannot be used here, or None when it can."""
    try:
        psycopg2.connect(connect_timeout=3, **ADMIN).close()
    except psycopg2.OperationalError as exc:
        return str(exc).strip().splitlines()[0]
    return None


def create_database(prefix: str = "cc_test") -> str:
    """Create an empty, uniquely named database and return its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    connection = psycopg2.connect(**ADMIN)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    return URL.format(name=name)


def create_named_database(name: str) -> str:
    """Create an empty database of this name and return its URL."""
    connection = psycopg2.connect(**ADMIN)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    return URL.format(name=name)


def drop_database(url: str) -> None:
    connection = psycopg2.connect(**ADMIN)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
    connection.close()
