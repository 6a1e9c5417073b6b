"""A webhook receiver on loopback for the delivery tests: a small ASGI app served by uvicorn
inside the test's event loop. It keeps every request (headers and exact body) and answers
with the next scripted status for its subject, 204 when the script is empty."""

from __future__ import annotations

import asyncio
import json
import socket
from collections import defaultdict, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn


@dataclass(frozen=True, slots=True)
class Received:
    headers: dict[str, str]
    body: bytes
    status: int
    query: str  # "?b" for a callback URL ending in ?b: which subscription it was for

    @property
    def event(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed


@dataclass
class Receiver:
    port: int = 0
    delay: float = 0.0  # seconds before answering: a slow receiver keeps attempts in flight
    received: list[Received] = field(default_factory=list)
    # (status, headers) to answer, per event subject, then per type; else 204
    script: dict[str, deque[tuple[int, dict[str, str]]]] = field(
        default_factory=lambda: defaultdict(deque)
    )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def answer(self, key: str, *answers: int | tuple[int, dict[str, str]]) -> None:
        for item in answers:
            self.script[key].append(item if isinstance(item, tuple) else (item, {}))

    def delivered(self) -> list[Received]:
        return [r for r in self.received if 200 <= r.status < 300]

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = await read_body(receive)
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        event = json.loads(body)
        status, extra = 204, dict[str, str]()
        for key in (event.get("subject"), event.get("type")):
            if self.script.get(key):
                status, extra = self.script[key].popleft()
                break
        query = scope.get("query_string", b"").decode("latin-1")
        self.received.append(Received(headers, body, status, f"?{query}" if query else ""))
        if self.delay:
            await asyncio.sleep(self.delay)
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(k.encode(), v.encode()) for k, v in extra.items()],
            }
        )
        await send({"type": "http.response.body", "body": b""})


async def read_body(receive: Any) -> bytes:
    """An ASGI request's whole body."""
    body = b""
    while True:
        message = await receive()
        chunk: bytes = message.get("body", b"")
        body += chunk
        if not message.get("more_body"):
            return body


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@asynccontextmanager
async def running_receiver() -> AsyncIterator[Receiver]:
    receiver = Receiver(port=free_port())
    async with serving(receiver, receiver.port):
        yield receiver


@asynccontextmanager
async def serving(app: Any, port: int) -> AsyncIterator[int]:
    """Any ASGI app on loopback at `port` (0: a free one), for as long as the block runs."""
    port = port or free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    for _ in range(500):  # uvicorn has no start-up event to await
        if server.started:
            break
        await asyncio.sleep(0.01)
    try:
        yield port
    finally:
        server.should_exit = True
        await task
