"""The GraphQL routes: POST /v1/graphql everywhere, GET → 405, GraphiQL in development only."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.routing import APIRoute
from strawberry.fastapi import GraphQLRouter
from strawberry.http.ides import get_graphql_ide_html

from api.errors import problem_response
from api.graphql.context import get_context
from api.graphql.schema import build_schema

GRAPHQL_PATH = "/v1/graphql"
_FETCH_URL = 'const fetchURL = window.location.href.split("?")[0];'


def graphiql_html() -> str:
    """Strawberry's GraphiQL page, pointed at /v1/graphql instead of its own URL."""
    html = get_graphql_ide_html("graphiql")
    if _FETCH_URL not in html:  # a new strawberry changed the page: fail loudly, not silently
        raise RuntimeError("GraphiQL page: cannot point the fetcher at /v1/graphql")
    return html.replace(
        _FETCH_URL, f'const fetchURL = new URL("{GRAPHQL_PATH}", window.location.href).href;'
    )


async def json_request(request: Request) -> None:
    """400 `ongeldige-json` for a malformed body, as REST (Strawberry would answer in plain
    text); 401, 406 and 415 came before, from api.request_gate."""
    try:
        json.loads(await request.body())  # Starlette keeps the body for Strawberry
    except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        raise HTTPException(400) from None


def graphql_routes(*, production: bool) -> APIRouter:
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

    graphql = GraphQLRouter(
        build_schema(production=production),
        context_getter=get_context,
        graphql_ide=None,
        allow_queries_via_get=False,
        include_in_schema=False,
    )
    # POST only: no subscriptions, so no websocket route; GET is answered above.
    graphql.routes = [
        route
        for route in graphql.routes
        if isinstance(route, APIRoute) and "POST" in (route.methods or ())
    ]
    routes.include_router(graphql, prefix=GRAPHQL_PATH, dependencies=[Depends(json_request)])
    return routes
