"""Trajectory reads of concurrent requests, sent together (adapters.db.statement_batcher).

A transition or a visit starts by reading its trajectory (with its referrer's organisation,
and for a visit its newest counted visit). Reads that queue at the same moment go out as one
statement, so a request on the hot path needs no pooled connection of its own. The read runs
in autocommit on the sender's connection, as it did on the request's own: the write that
follows is guarded by the version read (adapters.db.write_statement).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.db.driver_reads import Wanted, fetch_trajectories
from adapters.db.statement_batcher import StatementBatcher


class TrajectoryReads(StatementBatcher[Wanted, Any]):
    def __init__(self, engine: AsyncEngine, *, batch: int = 64, in_flight: int = 2) -> None:
        super().__init__(engine, batch=batch, in_flight=in_flight)

    async def read(self, wanted: Wanted) -> Any:
        """The record of `adapters.db.driver_reads.TRAJECTORIES`, or None when not found."""
        return await self.submit(wanted)

    async def _execute(self, driver: Any, items: Sequence[Wanted]) -> Sequence[Any]:
        found = await fetch_trajectories(driver, items)
        return [found.get(wanted) for wanted in items]
