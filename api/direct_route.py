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

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

Endpoint = Callable[[Request], Awaitable[Response]]


@dataclass(frozen=True, slots=True)
class _Template:
    """What the metrics read of a matched route (api.middleware.route_template)."""

    path_format: str


def direct_route(
    endpoint: Endpoint, *, template: str | None = None, pattern: re.Pattern[str] | None = None
) -> ASGIApp:
    """`template` and `pattern` for a path with parameters (`/v1/trajecten/{traject_id}/…`):
    the pattern's named groups become `path_params`, the template the metrics label."""
    route = _Template(template) if template is not None else None

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        # Routing would set these; the metrics label the request by its template or path.
        params: dict[str, str] = {}
        if pattern is not None:
            found = pattern.fullmatch(scope["path"])
            params = found.groupdict() if found else {}
        scope["endpoint"], scope["path_params"] = endpoint, params
        if route is not None:
            scope["route"] = route
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
