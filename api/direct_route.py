"""An operation served straight from the request gate, past FastAPI's routing.

The intake is the service's hot path. After api.request_gate has authenticated it and checked
its media types and query, FastAPI would still match the route against every other one, wrap
it in its exception and exit-stack layers and solve an empty dependency set: a tenth of the
request's CPU for nothing this operation uses. The endpoint is the same function as the
documented route's (which stays in the OpenAPI document and in the router); its exceptions
go to the app's own handlers, and what no handler takes goes on up to ServerErrorMiddleware,
exactly as on the routed path.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

Endpoint = Callable[[Request], Awaitable[Response]]


def direct_route(endpoint: Endpoint) -> ASGIApp:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        # Routing would set these; the metrics label the request by its (literal) path.
        scope["endpoint"], scope["path_params"] = endpoint, {}
        request = Request(scope, receive, send)
        try:
            response = await endpoint(request)
        except Exception as error:
            handler = _handler(scope["app"].exception_handlers, error)
            if handler is None:
                raise
            response = await handler(request, error)
        await response(scope, receive, send)

    return app


def _handler(handlers: Mapping[Any, Any], error: Exception) -> Any:
    """The app's handler for the error's nearest class; `Exception` itself is left to
    ServerErrorMiddleware, as Starlette's ExceptionMiddleware leaves it."""
    for cls in type(error).__mro__:
        if cls is Exception:
            return None
        if cls in handlers:
            return handlers[cls]
    return None
