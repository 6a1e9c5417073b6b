"""Group commit of new referrals on PostgreSQL.

Under load many intakes wait for the database at the same moment. Each one sending its own
statement pays a pool checkout, a round trip and a WAL flush; here they queue, and whatever
has queued while earlier statements ran goes out together as one statement (see
adapters.db.intake_statement): one checkout, one round trip, one flush for the lot. An
intake never waits for company: when fewer than `in_flight` senders are at work, its own
goes out at once. Each sender holds one pooled connection while statements queue for it.
Sixteen senders: a durable commit waits for its WAL flush, which PostgreSQL shares between
concurrent commits, so parallel statements raise throughput (the bench measured 2, 4, 8 and
16 in flight: 680, 810, 860 and 920 intakes/s) while the batches stay small under load.

Every referral's rows stay one atomic unit, and so does the statement. When a statement for
several referrals fails (one of them reused a stored Idempotency-Key, or the connection
broke), each referral is retried in a statement of its own, so one request's failure is never
another's.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.db.intake_statement import INTAKE_SQL, NewReferralRows, intake_arguments
from domain.ports import KeyTaken

IDEMPOTENCY_KEY_CONSTRAINT = "pk_idempotency_record"

_Waiting = tuple[NewReferralRows, "asyncio.Future[None]"]


class GroupCommit:
    def __init__(self, engine: AsyncEngine, *, batch: int = 64, in_flight: int = 16) -> None:
        self._engine, self._batch, self._in_flight = engine, batch, in_flight
        self._queue: deque[_Waiting] = deque()
        self._senders: set[asyncio.Task[None]] = set()
        self.statements = 0  # sent, failed ones included
        self.referrals = 0  # stored

    async def write(self, rows: NewReferralRows) -> None:
        """Stores one new referral with its rows; `KeyTaken` (nothing stored) when its
        Idempotency-Key or its business key is already stored."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.append((rows, done))
        if len(self._senders) < self._in_flight:
            self._start_sender()
        await done

    def _start_sender(self) -> None:
        sender = asyncio.get_running_loop().create_task(self._send_queued())
        self._senders.add(sender)
        sender.add_done_callback(self._sender_done)

    def _sender_done(self, sender: asyncio.Task[None]) -> None:
        self._senders.discard(sender)
        if self._queue and len(self._senders) < self._in_flight:
            self._start_sender()  # queued while this one was returning its connection

    async def _send_queued(self) -> None:
        """One sender: a pooled connection, held while statements queue up for it (a checkout
        and a return per statement cost about as much CPU as the statement itself)."""
        try:
            async with self._engine.connect() as conn:
                driver: Any = (await conn.get_raw_connection()).driver_connection
                while self._queue:
                    count = min(self._batch, len(self._queue))
                    await self._send(driver, [self._queue.popleft() for _ in range(count)])
        except Exception as error:  # no connection: what waits learns why, unless others send
            while self._queue and len(self._senders) <= 1:
                _settle(self._queue.popleft()[1], error)

    async def _send(self, driver: Any, batch: list[_Waiting]) -> None:
        """Settles every referral of `batch`, whatever happens."""
        try:
            stored = await self._execute(driver, [rows for rows, _ in batch])
        except Exception as error:  # each one's own outcome decides, below
            if len(batch) == 1:
                _settle(batch[0][1], _taken(error) or error)
                return
            for alone in batch:
                await self._send(driver, [alone])
            return
        self.referrals += len(stored)
        for rows, done in batch:
            found = rows.referral["id"] in stored
            _settle(done, None if found else KeyTaken("business key already stored"))

    async def _execute(self, driver: Any, batch: list[NewReferralRows]) -> set[Any]:
        self.statements += 1
        # Nothing else is sent on this connection, so no transaction is open: the driver runs
        # the one statement in autocommit, atomically.
        records = await driver.fetch(INTAKE_SQL, *intake_arguments(batch))
        return {record[0] for record in records}


def _taken(error: Exception) -> KeyTaken | None:
    if (
        isinstance(error, asyncpg.UniqueViolationError)
        and error.constraint_name == IDEMPOTENCY_KEY_CONSTRAINT
    ):
        return KeyTaken("Idempotency-Key already stored")  # the statement stored nothing
    return None


def _settle(done: asyncio.Future[None], error: BaseException | None) -> None:
    if done.done():  # the request was cancelled; its referral (if stored) is replayable
        return
    if error is None:
        done.set_result(None)
    else:
        done.set_exception(error)
