"""The relay's HTTP transport: one httpx client whose connections live in pools of one.

httpcore's pool walks every one of its connections on each request and each release, and
polls every idle socket while it does; with the relay's 64 connections that bookkeeping was
half of the relay's CPU (measured with py-spy; httpcore PR #924 and #1035 describe it).
Here each connection has its own pool, so that walk is one connection long. A request takes
a pool that last served its origin (its connection is still open), else a pool not used yet,
else the one idle longest, whose connection to another origin httpcore then closes. At most
`size` requests run at once; more wait for a pool to come back."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from typing import Final

import httpx

Origin = tuple[bytes, bytes, int | None]

ONE: Final = httpx.Limits(max_connections=1, max_keepalive_connections=1)


class SmallPoolsTransport(httpx.AsyncBaseTransport):
    def __init__(self, size: int) -> None:
        self._size = size
        self._ssl = httpx.create_ssl_context()  # one context for all: each costs ~1 ms
        self._made = 0
        # idle pools by origin, the longest idle origin first; within one, the newest last
        self._idle: OrderedDict[Origin, list[httpx.AsyncHTTPTransport]] = OrderedDict()
        self._all: list[httpx.AsyncHTTPTransport] = []
        self._free = asyncio.Semaphore(size)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        origin = (request.url.raw_scheme, request.url.raw_host, request.url.port)
        await self._free.acquire()
        try:
            pool = self._take(origin)
        except BaseException:
            self._free.release()
            raise
        try:
            response = await pool.handle_async_request(request)
        except BaseException:
            self._give_back(origin, pool)
            raise
        stream = response.stream
        assert isinstance(stream, httpx.AsyncByteStream)  # noqa: S101 - the async transport's
        response.stream = _GivenBackOnClose(stream, lambda: self._give_back(origin, pool))
        return response

    def _take(self, origin: Origin) -> httpx.AsyncHTTPTransport:
        idle = self._idle.get(origin)
        if idle:
            pool = idle.pop()
            if not idle:
                del self._idle[origin]
            return pool
        if self._made < self._size:
            self._made += 1
            pool = httpx.AsyncHTTPTransport(verify=self._ssl, limits=ONE)
            self._all.append(pool)
            return pool
        # every pool is idle with another origin's connection (a free slot was acquired)
        other, pools = next(iter(self._idle.items()))
        pool = pools.pop(0)
        if not pools:
            del self._idle[other]
        return pool

    def _give_back(self, origin: Origin, pool: httpx.AsyncHTTPTransport) -> None:
        self._idle.setdefault(origin, []).append(pool)
        self._idle.move_to_end(origin)
        self._free.release()

    async def aclose(self) -> None:
        for pool in self._all:
            await pool.aclose()


class _GivenBackOnClose(httpx.AsyncByteStream):
    """The answer's body; closing it (httpx always does) returns its pool."""

    def __init__(self, stream: httpx.AsyncByteStream, give_back: Callable[[], None]) -> None:
        self._stream = stream
        self._give_back = give_back
        self._closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            await self._stream.aclose()
        finally:
            self._give_back()
