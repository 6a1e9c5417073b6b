"""The GraphQL routes: POST /v1/graphql everywhere, GET → 405, GraphiQL in development only,
and the websocket at /v1/graphql for subscriptions (graphql-transport-ws only)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import timedelta
from typing import Final

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.routing import APIRoute, APIWebSocketRoute
from starlette.requests import HTTPConnection
from strawberry.exceptions import ConnectionRejectionError
from strawberry.fastapi import BaseContext, GraphQLRouter
from strawberry.http.ides import get_graphql_ide_html
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UnsetType

from api.errors import problem_response
from api.graphql.context import get_context
from api.graphql.schema import build_schema
from api.graphql.socket_context import SocketContext
from domain.errors import Unauthenticated

GRAPHQL_PATH = "/v1/graphql"
_FETCH_URL = 'const fetchURL = window.location.href.split("?")[0];'
SOCKET_INIT_SECONDS: Final = 10  # a socket without `connection_init` by then is closed (4408)
SOCKET_OPERATIONS: Final = 10  # subscriptions at once on one socket


def graphiql_html() -> str:
    """Strawberry's GraphiQL page, pointed at /v1/graphql instead of its own URL."""
    html = get_graphql_ide_html("graphiql")
    if _FETCH_URL not in html:  # a new strawberry changed the page: fail loudly, not silently
        raise RuntimeError("GraphiQL page: cannot point the fetcher at /v1/graphql")
    return html.replace(
        _FETCH_URL, f'const fetchURL = new URL("{GRAPHQL_PATH}", window.location.href).href;'
    )


async def json_request(connection: HTTPConnection) -> None:
    """400 `ongeldige-json` for a malformed body, as REST (Strawberry would answer in plain
    text); 401, 406 and 415 came before, from api.request_gate. A websocket has no body."""
    if not isinstance(connection, Request):
        return
    try:
        json.loads(await connection.body())  # Starlette keeps the body for Strawberry
    except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        raise HTTPException(400) from None


class BearerGraphQLRouter(GraphQLRouter[BaseContext, None]):
    """Strawberry's router that admits a websocket only with a valid bearer token."""

    async def on_ws_connect(self, context: BaseContext) -> UnsetType | dict[str, object] | None:
        """At `connection_init`: the token in its payload or the upgrade request's header,
        verified; missing or invalid closes the socket with 4403."""
        if not isinstance(context, SocketContext):
            raise ConnectionRejectionError
        try:
            context.sign_in()
        except Unauthenticated:
            raise ConnectionRejectionError from None
        return await super().on_ws_connect(context)  # a bare `connection_ack`


def graphql_routes(*, production: bool, allowed_origins: Sequence[str] = ()) -> APIRouter:
    """Include next to the REST routers; none of these routes lands in /openapi.json."""
    routes = APIRouter(include_in_schema=False)

    # Before the GraphQL router, so it wins: with GET queries and the IDE off, Strawberry
    # would answer 404, the contract wants 405 in every environment.
    @routes.get(GRAPHQL_PATH, include_in_schema=False)
    async def graphql_get(request: Request) -> JSONResponse:
        return problem_response(request, "methode-niet-toegestaan", 405, headers={"Allow": "POST"})

    if not production:
        page = graphiql_html()

        @routes.get("/v1/graphiql", include_in_schema=False)
        async def graphiql() -> HTMLResponse:
            return HTMLResponse(page)

    graphql = BearerGraphQLRouter(
        build_schema(production=production),
        context_getter=get_context,
        graphql_ide=None,
        allow_queries_via_get=False,
        include_in_schema=False,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        connection_init_wait_timeout=timedelta(seconds=SOCKET_INIT_SECONDS),
        max_subscriptions_per_connection=SOCKET_OPERATIONS,
        # Browsers send no CORS preflight for a websocket: pages of other origins are refused
        # unless they are CORS origins (the token guards the socket all the same).
        allowed_origins=allowed_origins,
    )
    # POST and the websocket; GET is answered above.
    graphql.routes = [
        route
        for route in graphql.routes
        if isinstance(route, APIWebSocketRoute)
        or (isinstance(route, APIRoute) and "POST" in (route.methods or ()))
    ]
    routes.include_router(graphql, prefix=GRAPHQL_PATH, dependencies=[Depends(json_request)])
    return routes
