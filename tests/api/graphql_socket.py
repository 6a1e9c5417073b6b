"""A small graphql-transport-ws client for the subscription tests.

The app is served by uvicorn on loopback inside the test's event loop (Starlette's TestClient
would run it in a loop of its own, away from the session loop that owns the engine), and
`websockets`, which uvicorn[standard] brings, is the client.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Final

from fastapi import FastAPI
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from tests.webhook_receiver import serving

PROTOCOL: Final = Subprotocol("graphql-transport-ws")
PATIENCE: Final = 20.0  # seconds before a test gives up waiting: a guard, never an assertion
EVENT_FIELDS: Final = (
    "specversion id source type subject time datacontenttype dataref sequence volgnummer "
    "traceparent data"
)
SUBSCRIPTION: Final = f"""
subscription Gebeurtenissen($na: Int! = 0, $typen: [String!]) {{
  gebeurtenissen(na: $na, typen: $typen) {{ {EVENT_FIELDS} }}
}}
"""
Message = dict[str, Any]


@dataclass
class GraphQLSocket:
    connection: ClientConnection

    async def send(self, message: Message) -> None:
        await self.connection.send(json.dumps(message))

    async def receive(self) -> Message:
        async with asyncio.timeout(PATIENCE):
            message: Message = json.loads(await self.connection.recv())
        return message

    async def subscribe(
        self, query: str = SUBSCRIPTION, *, id: str = "1", **variables: Any
    ) -> None:
        payload = {"query": query, "variables": variables}
        await self.send({"id": id, "type": "subscribe", "payload": payload})

    async def events(self, count: int) -> list[Message]:
        """The next `count` events streamed (fails on any other message)."""
        found: list[Message] = []
        while len(found) < count:
            message = await self.receive()
            assert message["type"] == "next", message
            found.append(message["payload"]["data"]["gebeurtenissen"])
        return found

    async def events_until(self, subject: str) -> list[Message]:
        """The events streamed up to and including the first about `subject`."""
        found = await self.events(1)
        while found[-1]["subject"] != subject:
            found += await self.events(1)
        return found

    async def close_code(self) -> int | None:
        """The code the server closed the socket with."""
        try:
            async with asyncio.timeout(PATIENCE):
                while True:
                    await self.connection.recv()
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None


@asynccontextmanager
async def socket_url(app: FastAPI) -> AsyncIterator[str]:
    """The app's GraphQL websocket URL, served for as long as the block runs."""
    async with serving(app, 0) as port:
        yield f"ws://127.0.0.1:{port}/v1/graphql"


@asynccontextmanager
async def graphql_socket(
    url: str,
    payload: Message | None = None,
    *,
    headers: dict[str, str] | None = None,
    acknowledged: bool = True,
) -> AsyncIterator[GraphQLSocket]:
    """A socket after `connection_init` with `payload` (and its `connection_ack`, unless told
    that none is expected)."""
    async with connect(url, subprotocols=[PROTOCOL], additional_headers=headers) as connection:
        socket = GraphQLSocket(connection)
        await socket.send({"type": "connection_init", "payload": payload or {}})
        if acknowledged:
            assert (await socket.receive())["type"] == "connection_ack"
        yield socket
