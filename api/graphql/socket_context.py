"""The context of a GraphQL websocket (graphql-transport-ws): one per connection.

FastAPI injects no `Request` into a websocket's dependencies, and the token arrives only in
`connection_init`, after the context is built: so this context holds the wiring and the
connection, and `sign_in` (from the router's `on_ws_connect`) finds and verifies the bearer
token. The token is kept to be verified again, expiry included, before every wait for events;
it is never logged.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.websockets import WebSocket
from strawberry.fastapi import BaseContext

from api.auth import authenticate
from api.deps import Services
from api.graphql.event_watch import EventWatch
from domain.errors import Unauthenticated
from domain.policy import Actor
from domain.ports import AccessContext, UnitOfWork


def bearer_of(connection_params: object, headers: Mapping[str, str]) -> str | None:
    """`{"Authorization": "Bearer …"}` (or `authorization`) in the `connection_init` payload,
    else the Authorization header of the upgrade request."""
    if isinstance(connection_params, Mapping):
        for key in ("Authorization", "authorization"):
            value = connection_params.get(key)
            if isinstance(value, str) and value:
                return value
    return headers.get("authorization") or None


class SocketContext(BaseContext):
    def __init__(self, *, services: Services, watch: EventWatch, connection: WebSocket) -> None:
        super().__init__()
        self.services, self.watch, self.connection = services, watch, connection
        self._authorization: str | None = None

    def sign_in(self) -> Actor:
        """At `connection_init`: the token verified, or `Unauthenticated` (close 4403)."""
        self._authorization = bearer_of(self.connection_params, self.connection.headers)
        return self.actor()

    def actor(self) -> Actor:
        """The token of `connection_init` verified again: once it has expired, `Unauthenticated`
        (`niet-geauthenticeerd`) ends the operation."""
        if self._authorization is None:
            raise Unauthenticated("Bearer-token ontbreekt.")
        return authenticate(self._authorization, self.services.verifier)

    def new_uow(self, actor: Actor) -> UnitOfWork:
        client = self.connection.client
        context = AccessContext(actor=actor, network_address=client.host if client else None)
        return self.services.new_uow(context)
