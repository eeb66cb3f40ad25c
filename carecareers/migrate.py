"""Apply the Alembic migrations to a database."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy.exc import SQLAlchemyError

from carecareers.db import DatabaseUnavailable, check_database, make_engine
from carecareers.settings import PROJECT_ROOT


def alembic_config(database_url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Migrate the database to `revision`; raise DatabaseUnavailable if it does not answer."""
    engine = make_engine(database_url)
    try:
        check_database(engine)
        with engine.begin() as connection:
            config = alembic_config(database_url)
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    except SQLAlchemyError as exc:
        raise DatabaseUnavailable(f"migration failed: {str(exc).splitlines()[0]}") from exc
    finally:
        engine.dispose()
