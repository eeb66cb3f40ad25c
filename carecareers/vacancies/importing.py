"""Import a vacancy feed into the database: idempotent, de-duplicated, with a summary.

Transactions: the caller owns the transaction (`with factory() as session,
session.begin(): import_source(session, ...)`). `import_source` first reads the whole
feed once to check it, so a truncated or malformed file raises `FeedError` before any
vacancy changes; let the error leave the `with` block and the transaction rolls back.
To keep a record of a failed import, call `record_failed_import` in a new transaction.

Search indexes: every write here goes through the `vacancies` table, so SQLite's
triggers (FTS5 words and R*Tree places of open vacancies, migration 0004) and
PostgreSQL's own indexes follow each insert, update and expiry. After a large import on
PostgreSQL the planner's statistics are refreshed, so that searches choose the indexes
that suit the new rows at once rather than after autovacuum's next pass.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar, cast

from sqlalchemy import Table, bindparam, insert, select, text, update
from sqlalchemy.orm import Session

from carecareers.clock import Clock
from carecareers.geo import Gazetteer, default_gazetteer
from carecareers.models import FeedImport, Vacancy
from carecareers.vacancies.errors import FeedError, UnknownSource
from carecareers.vacancies.fetch import local_copy, redact
from carecareers.vacancies.normalise import NormalisedVacancy, Normaliser
from carecareers.vacancies.records import BadEntry, VacancyRecord
from carecareers.vacancies.roles import RoleIndex, default_role_index
from carecareers.vacancies.salary import PayRates, default_pay_rates
from carecareers.vacancies.sources import format_of

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
PRELOAD_ENTRIES = 2000
"""From this many entries, read the source's stored rows once instead of per batch."""
ANALYZE_AFTER_ROWS = 10_000
"""PostgreSQL: from this many rows created, updated or expired, ANALYZE the table."""
MAX_EXAMPLES = 5
STREAM_ROWS = 10_000
"""Rows fetched at a time when reading all of a source's vacancies."""
OPEN = "open"
EXPIRED = "expired"

__all__ = [
    "FeedError",
    "ImportSummary",
    "UnknownSource",
    "import_source",
    "record_failed_import",
]

T = TypeVar("T")


@dataclass
class ImportSummary:
    """What one import did; `as_dict()` for JSON."""

    source: str
    location: str
    entries: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    expired: int = 0
    duplicates: int = 0
    cross_feed_duplicates: int = 0
    skipped_reasons: dict[str, int] = field(default_factory=dict)
    skipped_examples: list[BadEntry] = field(default_factory=list)
    started_at: datetime = field(kw_only=True)
    finished_at: datetime | None = None
    feed_import_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "location": self.location,
            "entries": self.entries,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "expired": self.expired,
            "duplicates": self.duplicates,
            "cross_feed_duplicates": self.cross_feed_duplicates,
            "skipped_reasons": dict(self.skipped_reasons),
            "skipped_examples": [e.as_dict() for e in self.skipped_examples],
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "feed_import_id": self.feed_import_id,
        }

    def note_skipped(self, entry: BadEntry) -> None:
        self.skipped += 1
        self.skipped_reasons[entry.reason] = self.skipped_reasons.get(entry.reason, 0) + 1
        if len(self.skipped_examples) < MAX_EXAMPLES:
            self.skipped_examples.append(entry)


def import_source(
    session: Session,
    source: str,
    location: str,
    *,
    complete: bool = False,
    clock: Clock,
    progress: Callable[[int], None] | None = None,
    headers: Mapping[str, str] | None = None,
    gazetteer: Gazetteer | None = None,
    roles: RoleIndex | None = None,
    pay: PayRates | None = None,
) -> ImportSummary:
    """Import one feed (a file path or an http(s) URL) of a source; see the module notes.

    `complete=True` says the feed lists every open vacancy of the source, so open ones it
    no longer lists expire; vacancies that closed before the clock's day (the UK date)
    expire too. `progress` is called with the number of entries done so far.
    """
    feed_format = format_of(source)
    summary = ImportSummary(source=source, location=redact(location), started_at=clock.now())
    day = clock.today()
    normaliser = Normaliser(gazetteer or default_gazetteer(), roles or default_role_index(),
                            pay or default_pay_rates(), day)
    with local_copy(location, headers=headers) as path:
        info = feed_format.check(path)
        if complete and info.total_pages and info.total_pages > 1:
            raise FeedError(
                f"{summary.location} is one page of {info.total_pages}: a complete import "
                "needs every vacancy in one feed"
            )
        run = _ImportRun(session, source, day, clock.now(), normaliser, summary, progress)
        if info.entries >= PRELOAD_ENTRIES:
            run.preload()
        run.import_entries(feed_format.records(path))
    run.expire_closed()
    if complete:
        run.expire_missing()
    _refresh_statistics(session, summary)
    _record(session, summary, clock.now())
    logger.info("imported %s: %s", source, _counts(summary))
    return summary


def record_failed_import(session: Session, source: str, location: str, error: str,
                         now: datetime) -> FeedImport:
    """Record an import that failed (call it in a new transaction after the failed one)."""
    row = FeedImport(source=source[:64], location=redact(location)[:1000], error=error,
                     started_at=now, finished_at=now, details={})
    session.add(row)
    session.flush()
    return row


def _refresh_statistics(session: Session, summary: ImportSummary) -> None:
    changed = summary.created + summary.updated + summary.expired
    if changed >= ANALYZE_AFTER_ROWS and session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE vacancies"))


def _record(session: Session, summary: ImportSummary, now: datetime) -> None:
    summary.finished_at = now
    summary.skipped_examples.sort(key=lambda entry: entry.index)
    row = FeedImport(
        source=summary.source,
        location=summary.location[:1000],
        started_at=summary.started_at,
        finished_at=summary.finished_at,
        created=summary.created,
        updated=summary.updated,
        unchanged=summary.unchanged,
        skipped=summary.skipped,
        expired=summary.expired,
        entries=summary.entries,
        duplicates=summary.duplicates,
        details={
            "cross_feed_duplicates": summary.cross_feed_duplicates,
            "skipped_reasons": summary.skipped_reasons,
            "skipped_examples": [e.as_dict() for e in summary.skipped_examples],
        },
    )
    session.add(row)
    session.flush()
    summary.feed_import_id = row.id


def _counts(summary: ImportSummary) -> str:
    return (f"{summary.entries} entries, {summary.created} created, {summary.updated} updated, "
            f"{summary.unchanged} unchanged, {summary.skipped} skipped, "
            f"{summary.expired} expired, {summary.duplicates} duplicates")


def _id_key(source_id: str) -> int:
    """A 128-bit digest of a feed's id: two ids of one feed never share it in practice."""
    return int.from_bytes(hashlib.blake2b(source_id.encode("utf-8"), digest_size=16).digest(),
                          "big")


def _hash_key(content_hash: str) -> int:
    """96 bits of a content hash (sha256, hex), never 0 (which marks an unreadable entry)."""
    return int(content_hash[:24], 16) or 1


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@dataclass(slots=True)
class _Existing:
    id: int
    content_hash: str
    status: str
    dedupe_key: str


class _ImportRun:
    """One import of one source: batches of entries written with bulk statements."""

    def __init__(self, session: Session, source: str, today: date, now: datetime,
                 normaliser: Normaliser, summary: ImportSummary,
                 progress: Callable[[int], None] | None) -> None:
        self.session = session
        self.source = source
        self.today = today
        self.normaliser = normaliser
        self.summary = summary
        self.progress = progress
        self.now = now
        # What the feed listed so far, kept small for feeds of a million entries: a 128-bit
        # digest of each id mapped to 96 bits of its content hash (0 for an unreadable
        # entry), and the content hashes' 96 bits. About 170 bytes an entry, not 330.
        self.seen_ids: dict[int, int] = {}
        self.seen_hashes: set[int] = set()
        self._known: dict[str, _Existing] | None = None
        self._known_originals: dict[str, int] | None = None

    def preload(self) -> None:
        """Read this source's rows and other sources' originals once, for a large feed.

        One scan each instead of two indexed look-ups per batch: faster for big feeds, and
        independent of the planner (a freshly filled PostgreSQL table has no statistics).
        """
        rows = self.session.execute(
            select(Vacancy.source_id, Vacancy.id, Vacancy.content_hash, Vacancy.status,
                   Vacancy.dedupe_key)
            .where(Vacancy.source == self.source)
            .execution_options(yield_per=STREAM_ROWS)
        )
        self._known = {r.source_id: _Existing(r.id, r.content_hash, r.status, r.dedupe_key)
                       for r in rows}
        self._known_originals = _all_originals(self.session, exclude_source=self.source,
                                               today=self.today)

    # -- reading -------------------------------------------------------------------------

    def import_entries(self, items: Iterable[VacancyRecord | BadEntry]) -> None:
        for batch in _chunks(self._accepted(items), BATCH_SIZE):
            self._write(batch)
            if self.progress:
                self.progress(self.summary.entries)
        if self.progress:
            self.progress(self.summary.entries)

    def _accepted(self, items: Iterable[VacancyRecord | BadEntry]) -> Iterator[NormalisedVacancy]:
        for index, item in enumerate(items, start=1):
            self.summary.entries = index
            if isinstance(item, BadEntry):
                self._skip(item)
                continue
            vacancy = self.normaliser.normalise(item)
            vacancy.index = index
            if self._first_sighting(vacancy, index):
                yield vacancy

    def _skip(self, entry: BadEntry) -> None:
        self.summary.note_skipped(entry)
        if entry.source_id:  # listed, though unreadable: do not expire it
            self.seen_ids.setdefault(_id_key(entry.source_id), 0)

    def _first_sighting(self, vacancy: NormalisedVacancy, index: int) -> bool:
        """False for an exact duplicate (dropped) or a clashing duplicate id (skipped)."""
        key, content = _id_key(vacancy.source_id), _hash_key(vacancy.content_hash)
        earlier = self.seen_ids.get(key)
        if earlier is not None:
            if earlier == content:
                self.summary.duplicates += 1
            else:
                self.summary.note_skipped(BadEntry(index, "duplicate id",
                                                   "an earlier entry has the same id",
                                                   vacancy.source_id))
            return False
        self.seen_ids[key] = content
        if content in self.seen_hashes:
            self.summary.duplicates += 1
            return False
        self.seen_hashes.add(content)
        return True

    # -- writing -------------------------------------------------------------------------

    def _write(self, batch: list[NormalisedVacancy]) -> None:
        existing = self._existing([v.source_id for v in batch])
        originals = self._originals({v.dedupe_key for v in batch if v.dedupe_key})
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        unchanged: list[int] = []
        to_expire: list[int] = []
        rekeyed: list[int] = []
        for vacancy in batch:
            row = existing.get(vacancy.source_id)
            if vacancy.closes_on is not None and vacancy.closes_on < self.today:
                self._closed(vacancy, row, to_expire)
                continue
            values = self._values(vacancy, originals)
            if row is None:
                inserts.append(values | {"source": self.source, "source_id": vacancy.source_id,
                                         "first_seen_at": self.now})
                self.summary.created += 1
            elif row.content_hash == vacancy.content_hash and row.status == OPEN:
                unchanged.append(row.id)
                self.summary.unchanged += 1
            else:
                updates.append(values | {"id": row.id})
                self.summary.updated += 1
                if row.dedupe_key != vacancy.dedupe_key:
                    rekeyed.append(row.id)
        self._apply(inserts, updates, unchanged, to_expire, rekeyed)

    def _closed(self, vacancy: NormalisedVacancy, row: _Existing | None,
                to_expire: list[int]) -> None:
        if row is None:
            self.summary.note_skipped(BadEntry(vacancy.index, "already closed",
                                               f"closed on {vacancy.closes_on}",
                                               vacancy.source_id))
        elif row.status == OPEN:
            to_expire.append(row.id)
        else:
            self.summary.unchanged += 1

    def _values(self, vacancy: NormalisedVacancy,
                originals: dict[str, int]) -> dict[str, Any]:
        duplicate_of = originals.get(vacancy.dedupe_key) if vacancy.dedupe_key else None
        if duplicate_of is not None:
            self.summary.cross_feed_duplicates += 1
        return vacancy.values | {"status": OPEN, "duplicate_of_id": duplicate_of,
                                 "last_seen_at": self.now}

    def _apply(self, inserts: list[dict[str, Any]], updates: list[dict[str, Any]],
               unchanged: list[int], to_expire: list[int], rekeyed: list[int]) -> None:
        if inserts:
            self.session.execute(_INSERT, inserts)
        if updates:
            self.session.execute(_UPDATE_BY_ID, [_by_id(values) for values in updates])
        if unchanged:
            self.session.execute(
                update(Vacancy).where(Vacancy.id.in_(unchanged)).values(last_seen_at=self.now),
                execution_options={"synchronize_session": False},
            )
        if rekeyed:
            release_duplicates(self.session, rekeyed)
        if to_expire:
            self.summary.expired += expire(self.session, to_expire)

    def _existing(self, source_ids: Sequence[str]) -> dict[str, _Existing]:
        if self._known is not None:
            return {i: self._known[i] for i in source_ids if i in self._known}
        rows = self.session.execute(
            select(Vacancy.source_id, Vacancy.id, Vacancy.content_hash, Vacancy.status,
                   Vacancy.dedupe_key)
            .where(Vacancy.source == self.source, Vacancy.source_id.in_(source_ids))
        )
        return {r.source_id: _Existing(r.id, r.content_hash, r.status, r.dedupe_key)
                for r in rows}

    def _originals(self, keys: set[str]) -> dict[str, int]:
        """Map each dedupe key to the open, original vacancy of another source that has it."""
        if not keys:
            return {}
        if self._known_originals is not None:
            return {k: self._known_originals[k] for k in keys if k in self._known_originals}
        return _originals_for(self.session, keys, exclude_source=self.source, today=self.today)

    # -- expiry --------------------------------------------------------------------------

    def expire_closed(self) -> None:
        """Expire open vacancies of this source whose closing date has passed."""
        ids = self.session.scalars(
            select(Vacancy.id).where(Vacancy.source == self.source, Vacancy.status == OPEN,
                                     Vacancy.closes_on < self.today)
        ).all()
        for chunk in _chunks(ids, BATCH_SIZE):
            self.summary.expired += expire(self.session, chunk)

    def expire_missing(self) -> None:
        """Expire open vacancies of this source that the (complete) feed no longer lists."""
        rows = self.session.execute(
            select(Vacancy.id, Vacancy.source_id)
            .where(Vacancy.source == self.source, Vacancy.status == OPEN)
            .execution_options(yield_per=STREAM_ROWS)  # not a million rows in memory at once
        )
        missing = [r.id for r in rows if _id_key(r.source_id) not in self.seen_ids]
        for chunk in _chunks(missing, BATCH_SIZE):
            self.summary.expired += expire(self.session, chunk)


VACANCIES = cast(Table, Vacancy.__table__)
# Core statements, so that every row of a batch goes in one executemany (the ORM's bulk
# statements leave out None values and so split a batch into many small statements).
# RETURNING makes SQLAlchemy send a batch as multi-row INSERTs ("insertmanyvalues") where
# psycopg2 would otherwise run one INSERT per row.
_INSERT = insert(VACANCIES).returning(VACANCIES.c.id)
_UPDATABLE = [c.name for c in VACANCIES.columns
              if c.name not in ("id", "source", "source_id", "first_seen_at")]
_UPDATE_BY_ID = (
    update(VACANCIES)
    .where(VACANCIES.c.id == bindparam("row_id"))
    .values({name: bindparam(f"new_{name}") for name in _UPDATABLE})
)


def _by_id(values: dict[str, Any]) -> dict[str, Any]:
    row = {f"new_{name}": values.get(name) for name in _UPDATABLE}
    row["row_id"] = values["id"]
    return row


def _originals_for(session: Session, keys: Iterable[str], *, exclude_source: str,
                   today: date) -> dict[str, int]:
    """Map each key to the lowest-id open original of another source that has it.

    Only the key is filtered in SQL, so the planner always takes the dedupe_key index;
    the few rows that share a key are sorted out here.
    """
    candidates: list[Any] = []
    for chunk in _chunks(sorted(keys), BATCH_SIZE):
        candidates.extend(session.execute(
            select(Vacancy.dedupe_key, Vacancy.id, Vacancy.source, Vacancy.status,
                   Vacancy.duplicate_of_id, Vacancy.closes_on)
            .where(Vacancy.dedupe_key.in_(chunk))
        ))
    found: dict[str, int] = {}
    for row in sorted(candidates, key=lambda r: r.id):
        if (row.source != exclude_source and row.status == OPEN and row.duplicate_of_id is None
                and (row.closes_on is None or row.closes_on >= today)):
            found.setdefault(row.dedupe_key, row.id)
    return found


def _all_originals(session: Session, *, exclude_source: str, today: date) -> dict[str, int]:
    """Map every dedupe key to the lowest-id open original of the other sources."""
    rows = session.execute(
        select(Vacancy.dedupe_key, Vacancy.id, Vacancy.closes_on)
        .where(Vacancy.source != exclude_source, Vacancy.status == OPEN,
               Vacancy.duplicate_of_id.is_(None), Vacancy.dedupe_key != "")
        .execution_options(yield_per=STREAM_ROWS)
    )
    found: dict[str, int] = {}
    for row in rows:
        if row.closes_on is None or row.closes_on >= today:
            if row.id < found.get(row.dedupe_key, row.id + 1):
                found[row.dedupe_key] = row.id
    return found


def expire(session: Session, ids: Sequence[int]) -> int:
    """Mark vacancies expired and let any duplicates of them stand on their own."""
    if not ids:
        return 0
    session.execute(
        update(Vacancy).where(Vacancy.id.in_(ids)).values(status=EXPIRED),
        execution_options={"synchronize_session": False},
    )
    release_duplicates(session, ids)
    return len(ids)


def release_duplicates(session: Session, original_ids: Sequence[int]) -> None:
    """Detach vacancies marked as duplicates of these; link each again to another original."""
    released = session.execute(
        select(Vacancy.id, Vacancy.source, Vacancy.dedupe_key, Vacancy.status)
        .where(Vacancy.duplicate_of_id.in_(original_ids))
        .order_by(Vacancy.id)
    ).all()
    if not released:
        return
    session.execute(
        update(Vacancy).where(Vacancy.id.in_([r.id for r in released]))
        .values(duplicate_of_id=None),
        execution_options={"synchronize_session": False},
    )
    _relink(session, released)


def _relink(session: Session, released: Sequence[Any]) -> None:
    """Within each group of released vacancies with one key, pick an original again."""
    groups: dict[str, list[Any]] = {}
    for row in released:
        if row.dedupe_key and row.status == OPEN:
            groups.setdefault(row.dedupe_key, []).append(row)
    released_ids = [r.id for r in released]
    for key, rows in groups.items():
        original = session.execute(
            select(Vacancy.id, Vacancy.source)
            .where(Vacancy.dedupe_key == key, Vacancy.status == OPEN,
                   Vacancy.duplicate_of_id.is_(None), Vacancy.id.not_in(released_ids))
            .order_by(Vacancy.id).limit(1)
        ).first() or rows[0]
        followers = [r.id for r in rows if r.id != original.id and r.source != original.source]
        if followers:
            session.execute(
                update(Vacancy).where(Vacancy.id.in_(followers))
                .values(duplicate_of_id=original.id),
                execution_options={"synchronize_session": False},
            )
