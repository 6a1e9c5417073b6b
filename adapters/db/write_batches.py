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
from adapters.db.write_statement import Shape, WriteSet, matched_updates, shape
from domain.ports import StaleVersion

_Shaped = tuple[Shape, str, WriteSet]  # the write set's shape and its aggregate's id


class WriteBatches(StatementBatcher[_Shaped, None]):
    def __init__(self, engine: AsyncEngine, *, batch: int = 64, in_flight: int = 4) -> None:
        super().__init__(engine, batch=batch, in_flight=in_flight)

    async def write(self, writes: WriteSet) -> None:
        """Stores the write set, which has its guarded update; `StaleVersion` (nothing stored)
        when the aggregate changed since it was read."""
        if writes.update is None:
            raise ValueError("only write sets with their aggregate's update are shared")
        await self.submit((shape(writes), str(writes.update[1]["id"]), writes))

    def _take(self) -> list[Waiting[_Shaped, None]]:
        """The oldest write set and the queued ones of its shape, one per aggregate."""
        wanted = self._queue[0][0][0]
        taken: list[Waiting[_Shaped, None]] = []
        owners: set[str] = set()
        later: deque[Waiting[_Shaped, None]] = deque()
        while self._queue and len(taken) < self._batch:
            waiting = self._queue.popleft()
            kind, owner, _ = waiting[0]
            if owner not in owners and kind == wanted:
                taken.append(waiting)
                owners.add(owner)
            else:
                later.append(waiting)
        later.extend(self._queue)
        self._queue = later
        return taken

    async def _execute(self, driver: Any, items: Sequence[_Shaped]) -> Sequence[Exception | None]:
        matched = await matched_updates(driver, [writes for _, _, writes in items])
        return [
            None
            if owner in matched
            else StaleVersion("changed by another transaction since it was read")
            for _, owner, _ in items
        ]
