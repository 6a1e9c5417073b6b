"""One watch per app over the outbox's head, shared by every GraphQL event subscription.

A subscriber that has read the feed to its end waits here instead of polling the database
itself: the watch polls the head (adapters.db.event_head) every POLL_SECONDS while anyone
waits, and stops when nobody does. Polling the database, not only in-process notification,
makes events committed by other processes arrive too. Each change of the head raises the
generation and wakes every waiter, who then reads its next feed page.

Lost wake-ups cannot happen: a subscriber notes the generation *before* its feed read and
waits for a later one, so a change between its read and its wait still wakes it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Hashable
from typing import Final

import structlog

POLL_SECONDS: Final = 0.25


class EventWatch:
    def __init__(
        self, read_head: Callable[[], Awaitable[Hashable]], *, interval: float = POLL_SECONDS
    ) -> None:
        self._read_head, self._interval = read_head, interval
        self._head: Hashable | None = None  # as last polled; None: never polled
        self._generation = 0
        self._changed: asyncio.Event | None = None  # replaced at every change
        self._waiting = 0
        self._poller: asyncio.Task[None] | None = None
        self._stopped = False
        self._log = structlog.get_logger("mim.graphql")

    @property
    def generation(self) -> int:
        """Note this before reading the feed; `wait_past` it afterwards."""
        return self._generation

    @property
    def polling(self) -> bool:
        return self._poller is not None and not self._poller.done()

    async def wait_past(self, generation: int) -> None:
        """Returns once the head has changed after `generation` (callers bound the wait with
        `asyncio.timeout`, to re-check their token)."""
        if self._generation != generation:
            return
        if self._changed is None:
            self._changed = asyncio.Event()
        changed = self._changed
        self._waiting += 1
        if not self.polling and not self._stopped:
            self._poller = asyncio.create_task(self._poll(), name="mim-gebeurtenissen-wacht")
        try:
            await changed.wait()
        finally:
            self._waiting -= 1

    async def stop(self) -> None:
        """At app shutdown: no poll outlives the engine (a late waiter only times out)."""
        self._stopped = True
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
            self._poller = None

    async def _poll(self) -> None:
        # The first poll after a pause compares with an old head: at worst one needless read.
        while self._waiting > 0:
            try:
                head = await self._read_head()
            except Exception as error:  # the next poll retries; waiters time out meanwhile
                self._log.error("gebeurtenissen-peilen-mislukt", error_type=type(error).__name__)
            else:
                if head != self._head:
                    self._head = head
                    self._wake()
            await asyncio.sleep(self._interval)

    def _wake(self) -> None:
        self._generation += 1
        changed, self._changed = self._changed, None
        if changed is not None:
            changed.set()
