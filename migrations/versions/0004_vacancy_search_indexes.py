"""vacancy search indexes: words (trigram) and places (spatial) of open vacancies

SQLite: an FTS5 table with the trigram tokenizer (`vacancy_text`: title, employer) and an
R*Tree (`vacancy_places`: latitude, longitude), both holding open vacancies only, kept
current by triggers on `vacancies`. PostgreSQL: pg_trgm GIN indexes on title and employer
and a GiST index on point(longitude, latitude), partial on open vacancies; the server keeps
them current. Both: an index for newest-first listing. Existing rows are indexed here.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 08:45:00
"""
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

_OPEN = "'open'"
_OLD_LOCATION_INDEX = ("CREATE INDEX ix_vacancies_open_location ON vacancies "
                       "(status, latitude, longitude, closes_on, duplicate_of_id)")
_HAS_PLACE = "{row}.latitude IS NOT NULL AND {row}.longitude IS NOT NULL"

SQLITE_UP = [
    # Contentless: the words are indexed, not stored twice; a delete names the old values.
    "CREATE VIRTUAL TABLE vacancy_text USING fts5(title, employer, content='', "
    "tokenize='trigram')",
    "CREATE VIRTUAL TABLE vacancy_places USING rtree(id, min_lat, max_lat, min_lon, max_lon)",
    f"""CREATE TRIGGER vacancies_search_insert AFTER INSERT ON vacancies
    WHEN new.status = {_OPEN}
    BEGIN
        INSERT INTO vacancy_text(rowid, title, employer) VALUES (new.id, new.title, new.employer);
        INSERT INTO vacancy_places(id, min_lat, max_lat, min_lon, max_lon)
            SELECT new.id, new.latitude, new.latitude, new.longitude, new.longitude
            WHERE {_HAS_PLACE.format(row="new")};
    END""",
    f"""CREATE TRIGGER vacancies_search_delete AFTER DELETE ON vacancies
    WHEN old.status = {_OPEN}
    BEGIN
        INSERT INTO vacancy_text(vacancy_text, rowid, title, employer)
            VALUES ('delete', old.id, old.title, old.employer);
        DELETE FROM vacancy_places WHERE id = old.id;
    END""",
    f"""CREATE TRIGGER vacancies_search_update
    AFTER UPDATE OF title, employer, latitude, longitude, status ON vacancies
    WHEN (old.status = {_OPEN} OR new.status = {_OPEN}) AND (
        old.status IS NOT new.status OR old.title IS NOT new.title
        OR old.employer IS NOT new.employer OR old.latitude IS NOT new.latitude
        OR old.longitude IS NOT new.longitude)
    BEGIN
        INSERT INTO vacancy_text(vacancy_text, rowid, title, employer)
            SELECT 'delete', old.id, old.title, old.employer WHERE old.status = {_OPEN};
        DELETE FROM vacancy_places WHERE id = old.id;
        INSERT INTO vacancy_text(rowid, title, employer)
            SELECT new.id, new.title, new.employer WHERE new.status = {_OPEN};
        INSERT INTO vacancy_places(id, min_lat, max_lat, min_lon, max_lon)
            SELECT new.id, new.latitude, new.latitude, new.longitude, new.longitude
            WHERE new.status = {_OPEN} AND {_HAS_PLACE.format(row="new")};
    END""",
    f"""INSERT INTO vacancy_text(rowid, title, employer)
        SELECT id, title, employer FROM vacancies WHERE status = {_OPEN}""",
    f"""INSERT INTO vacancy_places(id, min_lat, max_lat, min_lon, max_lon)
        SELECT id, latitude, latitude, longitude, longitude FROM vacancies
        WHERE status = {_OPEN} AND {_HAS_PLACE.format(row="vacancies")}""",
    "CREATE INDEX ix_vacancies_posted_on ON vacancies (posted_on)",
    # Replaced by the R*Tree; left in place it tempts SQLite's planner away from it.
    "DROP INDEX ix_vacancies_open_location",
]
SQLITE_DOWN = [
    _OLD_LOCATION_INDEX,
    "DROP INDEX ix_vacancies_posted_on",
    "DROP TRIGGER vacancies_search_update",
    "DROP TRIGGER vacancies_search_delete",
    "DROP TRIGGER vacancies_search_insert",
    "DROP TABLE vacancy_places",
    "DROP TABLE vacancy_text",
]

POSTGRESQL_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_vacancies_open_title_trgm ON vacancies USING gin (title gin_trgm_ops) "
    f"WHERE status = {_OPEN}",
    "CREATE INDEX ix_vacancies_open_employer_trgm ON vacancies "
    f"USING gin (employer gin_trgm_ops) WHERE status = {_OPEN}",
    "CREATE INDEX ix_vacancies_open_point ON vacancies USING gist (point(longitude, latitude)) "
    f"WHERE status = {_OPEN}",
    "CREATE INDEX ix_vacancies_posted_on ON vacancies (posted_on DESC NULLS LAST, id DESC)",
    "DROP INDEX ix_vacancies_open_location",
]
POSTGRESQL_DOWN = [
    _OLD_LOCATION_INDEX,
    "DROP INDEX ix_vacancies_posted_on",
    "DROP INDEX ix_vacancies_open_point",
    "DROP INDEX ix_vacancies_open_employer_trgm",
    "DROP INDEX ix_vacancies_open_title_trgm",
]


def _run(statements: dict[str, list[str]]) -> None:
    for statement in statements.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def upgrade() -> None:
    _run({"sqlite": SQLITE_UP, "postgresql": POSTGRESQL_UP})


def downgrade() -> None:
    _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRESQL_DOWN})
