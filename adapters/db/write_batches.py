"""Transitions, visits and other one-aggregate writes of concurrent requests, sent together.

A write set (adapters.db.write_statement) updates one aggregate over the version it was read
at and appends its records, events and audit lines. Write sets of the same shape (the same
columns changed, the same tables appended to) that queue at the same moment go out as one
statement (adapters.db.statement_batcher): each one's rows are stored only if its own update
matched, so a writer that lost the race stores nothing and learns `StaleVersion`, whatever
the others in its statement did. Two writes to one aggregate never share a statement: the
later one waits for the next, where the version guard decides between them.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.db.statement_batcher import StatementBatcher, Waiting
from adapters.db.write_statement import WriteSet, matched_updates, shape
from domain.ports import StaleVersion


class WriteBatches(StatementBatcher[WriteSet, None]):
    def __init__(self, engine: AsyncEngine, *, batch: int = 64, in_flight: int = 8) -> None:
        super().__init__(engine, batch=batch, in_flight=in_flight)

    async def write(self, writes: WriteSet) -> None:
        """Stores the write set, which has its guarded update; `StaleVersion` (nothing stored)
        when the aggregate changed since it was read."""
        if writes.update is None:
            raise ValueError("only write sets with their aggregate's update are shared")
        await self.submit(writes)

    def _take(self) -> list[Waiting[WriteSet, None]]:
        """The oldest write set and the queued ones of its shape, one per aggregate."""
        wanted = shape(self._queue[0][0])
        taken: list[Waiting[WriteSet, None]] = []
        owners: set[Any] = set()
        later: deque[Waiting[WriteSet, None]] = deque()
        while self._queue and len(taken) < self._batch:
            waiting = self._queue.popleft()
            owner = _owner(waiting[0])
            if owner not in owners and shape(waiting[0]) == wanted:
                taken.append(waiting)
                owners.add(owner)
            else:
                later.append(waiting)
        later.extend(self._queue)
        self._queue = later
        return taken

    async def _execute(self, driver: Any, items: Sequence[WriteSet]) -> Sequence[Exception | None]:
        matched = await matched_updates(driver, items)
        return [
            None
            if _owner(writes) in matched
            else StaleVersion("changed by another transaction since it was read")
            for writes in items
        ]


def _owner(writes: WriteSet) -> str:
    if writes.update is None:
        raise ValueError("only write sets with their aggregate's update are shared")
    return str(writes.update[1]["id"])
