"""Rasa's SQL tracker store, with pooled connections checked before use.

Rasa's own `SQLTrackerStore` keeps PostgreSQL connections in a pool without checking them,
so after a database restart the first turn on each Rasa server fails on a dead connection
(and its FailSafeTrackerStore answers from an empty conversation, saving nothing). This
store is the same, except that its engine pings a pooled connection before handing it out
(`pool_pre_ping`) and replaces it when the database has gone away in the meantime.

Runs inside the Rasa server (`.venv-rasa`, SQLAlchemy 1.4): endpoints.yml names it as
`rasa_plugins.tracker_store.PrePingSQLTrackerStore`, and Rasa finds it on PYTHONPATH, which
`carecareers.runtime.processes.rasa_environment` sets to the project root.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from sqlalchemy.orm import sessionmaker


class PrePingSQLTrackerStore(SQLTrackerStore):
    """An SQL tracker store whose engine checks each pooled connection before use."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sessionmaker(bind=self.engine)
