"""Statements shared between concurrent requests on PostgreSQL.

Under load many requests wait for the database at the same moment. Each one sending its own
statement pays a pool checkout and return, a round trip and, for a write, a commit; on this
stack that costs more CPU than the statement's own work. Here they queue, and whatever has
queued while earlier statements ran goes out together as one statement: one round trip (and
one commit) for the lot. A request never waits for company: while fewer than `in_flight`
senders are at work, a new one starts at once. Each sender holds one pooled connection while
work queues for it (a checkout and a return per statement cost about as much CPU as the
statement itself).

When a statement for several items fails, each item is sent again in a statement of its own,
so one item's failure is never another's. Nothing else is sent on a sender's connection, so no
transaction is open there: the driver runs each statement in autocommit, atomically.
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine

In = TypeVar("In")
Out = TypeVar("Out")
Waiting = tuple[In, "asyncio.Future[Out]"]


class StatementBatcher(ABC, Generic[In, Out]):
    def __init__(self, engine: AsyncEngine, *, batch: int, in_flight: int) -> None:
        self._engine, self._batch, self._in_flight = engine, batch, in_flight
        self._queue: deque[Waiting[In, Out]] = deque()
        self._senders: set[asyncio.Task[None]] = set()
        self.statements = 0  # sent, failed ones included

    async def submit(self, item: In) -> Out:
        """The item's outcome once its statement has run; raises what `_execute` answered
        for it as an exception."""
        done: asyncio.Future[Out] = asyncio.get_running_loop().create_future()
        self._queue.append((item, done))
        if len(self._senders) < self._in_flight:
            self._start_sender()
        return await done

    @abstractmethod
    async def _execute(self, driver: Any, items: Sequence[In]) -> Sequence[Out | Exception]:
        """Runs one statement for `items`: each item's result or refusal, in their order.
        Raising fails all of them (each is then retried alone)."""

    def _failure(self, error: Exception) -> Exception:
        """What a request learns when its statement, sent alone, failed with `error`."""
        return error

    def _take(self) -> list[Waiting[In, Out]]:
        """The next batch, oldest first (subclasses may hold items back for a later one)."""
        count = min(self._batch, len(self._queue))
        return [self._queue.popleft() for _ in range(count)]

    def _start_sender(self) -> None:
        sender = asyncio.get_running_loop().create_task(self._send_queued())
        self._senders.add(sender)
        sender.add_done_callback(self._sender_done)

    def _sender_done(self, sender: asyncio.Task[None]) -> None:
        self._senders.discard(sender)
        if self._queue and len(self._senders) < self._in_flight:
            self._start_sender()  # queued while this one was returning its connection

    async def _send_queued(self) -> None:
        try:
            async with self._engine.connect() as conn:
                driver: Any = (await conn.get_raw_connection()).driver_connection
                while self._queue:
                    taken = self._take()
                    try:
                        await self._send(driver, taken)
                    finally:  # cancelled or broken mid-send: no request waits forever
                        for _, done in taken:
                            settle(done, RuntimeError("statement interrupted"))
        except Exception as error:  # no connection: what waits learns why, unless others send
            while self._queue and len(self._senders) <= 1:
                settle(self._queue.popleft()[1], error)

    async def _send(self, driver: Any, batch: list[Waiting[In, Out]]) -> None:
        """Settles every item of `batch`, whatever happens."""
        self.statements += 1
        try:
            outcomes = await self._execute(driver, [item for item, _ in batch])
            if len(outcomes) != len(batch):
                raise RuntimeError("one outcome per item expected")
        except Exception as error:  # each one's own outcome decides, below
            if len(batch) == 1:
                settle(batch[0][1], self._failure(error))
                return
            for alone in batch:
                await self._send(driver, [alone])
            return
        for (_, done), outcome in zip(batch, outcomes, strict=False):
            settle(done, outcome)


def settle(done: asyncio.Future[Any], outcome: object) -> None:
    if done.done():  # the request was cancelled; what it wrote (if anything) is replayable
        return
    if isinstance(outcome, BaseException):
        done.set_exception(outcome)
    else:
        done.set_result(outcome)
