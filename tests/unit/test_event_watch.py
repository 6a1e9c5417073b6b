"""The GraphQL event watch: one poll of the outbox's head for all waiting subscribers, only while
anyone waits; a change of the head wakes them (api.graphql.event_watch)."""

from __future__ import annotations

import asyncio
from collections.abc import Hashable, Iterator

from api.graphql.event_watch import EventWatch


class ScriptedHead:
    """The heads a poll reads, in order; the last one repeats. None: the read fails."""

    def __init__(self, *heads: Hashable | None) -> None:
        self._heads: Iterator[Hashable | None] = iter(heads)
        self._last: Hashable | None = heads[-1]
        self.reads = 0

    async def __call__(self) -> Hashable:
        self.reads += 1
        head = next(self._heads, self._last)
        if head is None:
            raise ConnectionError("database away")
        return head


async def idle(watch: EventWatch) -> None:
    for _ in range(100):  # the poller notices at its next turn that nobody waits
        if not watch.polling:
            return
        await asyncio.sleep(0)


async def test_nothing_is_polled_while_nobody_waits() -> None:
    head = ScriptedHead((1, 0))
    watch = EventWatch(head, interval=0)
    await asyncio.sleep(0)

    assert head.reads == 0
    assert not watch.polling


async def test_a_waiter_wakes_on_a_change_of_the_head_and_not_before() -> None:
    head = ScriptedHead((1, 0), (1, 0), (1, 0), (2, 0))
    watch = EventWatch(head, interval=0)
    await watch.wait_past(watch.generation)  # the first poll: anything may have happened
    first = watch.generation
    await watch.wait_past(first)

    assert head.reads == 4
    assert watch.generation == first + 1


async def test_one_poll_serves_every_waiter_and_stops_when_they_are_gone() -> None:
    head = ScriptedHead((1, 0), (1, 0), (1, 1))
    watch = EventWatch(head, interval=0)
    await watch.wait_past(watch.generation)
    seen = watch.generation
    await asyncio.gather(*(watch.wait_past(seen) for _ in range(5)))
    await idle(watch)
    reads = head.reads
    await asyncio.sleep(0.01)

    assert reads == 3
    assert head.reads == reads
    assert not watch.polling


async def test_a_failed_poll_is_retried() -> None:
    head = ScriptedHead(None, (3, 0))
    watch = EventWatch(head, interval=0)
    await watch.wait_past(watch.generation)

    assert head.reads == 2


async def test_a_waiter_that_already_missed_a_change_returns_at_once() -> None:
    head = ScriptedHead((1, 0))
    watch = EventWatch(head, interval=0)
    await watch.wait_past(watch.generation)
    await idle(watch)
    reads = head.reads
    await watch.wait_past(watch.generation - 1)

    assert head.reads == reads


async def test_after_stop_nothing_is_polled_any_more() -> None:
    head = ScriptedHead((1, 0))
    watch = EventWatch(head, interval=0)
    await watch.stop()
    waiter = asyncio.create_task(watch.wait_past(watch.generation))
    await asyncio.sleep(0.01)
    waiter.cancel()

    assert head.reads == 0
    assert not watch.polling
