"""Rasa's Redis lock store, with every change to a conversation's lock made atomically.

In Rasa's replicated mode several servers share one lock per conversation in Redis, and
the lock decides which of them runs the conversation's next turn. Rasa's own
`RedisLockStore` changes the lock in three steps: read it, change it, write it back. When
two servers change one lock at the same moment, one server's write undoes the other's:
- a ticket just issued is lost;
- a turn's end is never recorded;
- a server that finishes a turn sees nobody waiting and deletes a lock another server
  has just taken a ticket on.

The message waiting on that ticket then fails with "Could not acquire lock", and that turn
of the person's conversation is lost. This happens when messages sent at once reach both
servers.

This store makes each change a Redis transaction: it watches the lock's key, and it tries
again when another server changed the lock in between. Each of these changes is one
transaction: issuing a ticket, removing expired tickets, finishing a turn, and deleting the
lock only while nobody waits.

endpoints.yml names it (`LOCK_STORE_TYPE`, set by `carecareers.runtime.processes`), and Rasa
builds it from the endpoint's settings.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

T = TypeVar("T")
KEEP, DELETE = "keep", "delete"


class AtomicRedisLockStore(RedisLockStore):
    """A RedisLockStore whose read-change-write steps are Redis transactions."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs}
        super().__init__(**kwargs)

    def _change(self, conversation_id: str,
                change: Callable[[TicketLock | None], tuple[T, TicketLock | None, str]]) -> T:
        """Run `change` on the stored lock inside a transaction, again until no other
        server changed the lock in between. `change` returns its result, the lock and
        whether to keep (save) or delete it; with no lock to save nothing is written."""
        import redis

        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(raw)) if raw else None
                    result, changed, what = change(lock)
                    pipe.multi()
                    if what == DELETE:
                        pipe.delete(key)
                    elif changed is not None:
                        pipe.set(key, changed.dumps())
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue

    def issue_ticket(self, conversation_id: str,
                     lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: TicketLock | None) -> tuple[int, TicketLock, str]:
            lock = lock or TicketLock(conversation_id)
            return lock.issue_ticket(lock_lifetime), lock, KEEP

        try:
            return self._change(conversation_id, issue)
        except Exception as exc:  # as Rasa's own store: any failure is a lock error
            raise LockError(f"Error while acquiring lock. Error:\n{exc}") from exc

    def update_lock(self, conversation_id: str) -> None:
        def expire(lock: TicketLock | None) -> tuple[None, TicketLock | None, str]:
            if lock is not None:
                lock.remove_expired_tickets()
            return None, lock, KEEP

        self._change(conversation_id, expire)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        def finish(lock: TicketLock | None) -> tuple[None, TicketLock | None, str]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return None, lock, KEEP

        self._change(conversation_id, finish)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Finish the ticket, and delete the lock only if nobody is waiting on it, in one
        transaction: a ticket issued meanwhile by another server keeps the lock."""
        def finish(lock: TicketLock | None) -> tuple[None, TicketLock | None, str]:
            if lock is None:
                return None, None, KEEP
            lock.remove_ticket_for(ticket_number)
            return None, lock, KEEP if lock.is_someone_waiting() else DELETE

        self._change(conversation_id, finish)
