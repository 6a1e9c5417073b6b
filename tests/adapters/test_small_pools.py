"""The relay's transport (adapters/webhooks/small_pools.py) against real loopback servers:
connections kept per origin, at most `size` requests at once, and a pool always given back,
whether the answer was read, cut off, or never came."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import httpx
import pytest

from adapters.webhooks.small_pools import SmallPoolsTransport
from tests.webhook_receiver import free_port, serving


class CountingServer:
    """Answers 200 with `body`; counts requests per client port (one port, one connection).
    While `hold` is clear, requests wait for it: they stay in flight."""

    def __init__(self, body: bytes = b"ok") -> None:
        self.body = body
        self.by_connection: Counter[int] = Counter()
        self.in_flight = 0
        self.most_in_flight = 0
        self.hold = asyncio.Event()
        self.hold.set()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        while (await receive()).get("more_body"):
            pass
        self.by_connection[scope["client"][1]] += 1
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await self.hold.wait()
        finally:
            self.in_flight -= 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": self.body})


@asynccontextmanager
async def servers(*apps: CountingServer) -> AsyncIterator[list[str]]:
    async with AsyncExitStack() as stack:
        ports = [await stack.enter_async_context(serving(app, 0)) for app in apps]
        yield [f"http://127.0.0.1:{port}/hook" for port in ports]


async def post(client: httpx.AsyncClient, url: str) -> int:
    async with client.stream("POST", url, content=b"{}") as response:
        await response.aread()
        return response.status_code


async def test_requests_to_one_origin_reuse_their_connections() -> None:
    server = CountingServer()
    async with servers(server) as [url], httpx.AsyncClient(transport=SmallPoolsTransport(4)) as c:
        for _ in range(20):
            assert await asyncio.wait_for(post(c, url), 5) == 200
        together = asyncio.gather(*(post(c, url) for _ in range(40)))
        assert await asyncio.wait_for(together, 10) == [200] * 40

    assert sum(server.by_connection.values()) == 60
    assert len(server.by_connection) <= 4  # one connection per pool, at most four pools


async def test_no_more_requests_run_at_once_than_there_are_pools() -> None:
    server = CountingServer()
    server.hold.clear()
    async with servers(server) as [url], httpx.AsyncClient(transport=SmallPoolsTransport(3)) as c:
        running = [asyncio.create_task(post(c, url)) for _ in range(7)]
        for _ in range(200):
            if server.in_flight == 3:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.1)  # a fourth would have arrived by now
        assert server.in_flight == 3
        server.hold.set()
        assert await asyncio.wait_for(asyncio.gather(*running), 10) == [200] * 7

    assert server.most_in_flight == 3


async def test_each_origin_keeps_its_own_connection_while_there_are_pools_enough() -> None:
    first, second = CountingServer(b"first"), CountingServer(b"second")
    async with (
        servers(first, second) as [url_a, url_b],
        httpx.AsyncClient(transport=SmallPoolsTransport(2)) as client,
    ):
        for url in (url_b, url_a, url_a, url_b, url_a, url_b, url_b, url_a):
            response = await asyncio.wait_for(client.post(url, content=b"{}"), 5)
            assert response.content == (b"first" if url == url_a else b"second")

    assert list(first.by_connection.values()) == [4]
    assert list(second.by_connection.values()) == [4]


async def test_a_pool_moves_to_another_origin_when_every_pool_is_idle_elsewhere() -> None:
    first, second = CountingServer(b"first"), CountingServer(b"second")
    async with (
        servers(first, second) as [url_a, url_b],
        httpx.AsyncClient(transport=SmallPoolsTransport(1)) as client,
    ):
        for url in (url_a, url_b, url_a, url_b):
            response = await asyncio.wait_for(client.post(url, content=b"{}"), 5)
            assert response.content == (b"first" if url == url_a else b"second")

    assert sum(first.by_connection.values()) == sum(second.by_connection.values()) == 2
    # the single pool's connection went to the other origin each time: a new one each visit
    assert len(first.by_connection) == len(second.by_connection) == 2


async def test_a_failed_connection_gives_its_pool_back() -> None:
    server = CountingServer()
    closed = f"http://127.0.0.1:{free_port()}/hook"  # nobody listens there
    async with servers(server) as [url], httpx.AsyncClient(transport=SmallPoolsTransport(1)) as c:
        for _ in range(3):
            with pytest.raises(httpx.ConnectError):
                await asyncio.wait_for(post(c, closed), 5)
        assert await asyncio.wait_for(post(c, url), 5) == 200


async def test_an_answer_closed_unread_gives_its_pool_back() -> None:
    server = CountingServer(body=b"x" * 200_000)
    async with servers(server) as [url], httpx.AsyncClient(transport=SmallPoolsTransport(1)) as c:
        for _ in range(3):
            async with asyncio.timeout(5), c.stream("POST", url, content=b"{}") as response:
                assert response.status_code == 200  # the body is left unread
        assert await asyncio.wait_for(post(c, url), 5) == 200


async def test_a_request_cancelled_while_waiting_for_a_pool_takes_none() -> None:
    server = CountingServer()
    server.hold.clear()
    async with servers(server) as [url], httpx.AsyncClient(transport=SmallPoolsTransport(1)) as c:
        holding = asyncio.create_task(post(c, url))
        waiting = asyncio.create_task(post(c, url))
        await asyncio.sleep(0.2)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        server.hold.set()
        assert await asyncio.wait_for(holding, 5) == 200
        assert await asyncio.wait_for(post(c, url), 5) == 200

    assert sum(server.by_connection.values()) == 2
