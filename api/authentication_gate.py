"""Authentication before anything reads the body (pure ASGI).

FastAPI parses a JSON body before it runs dependencies, so without this gate an anonymous
caller would learn from 400 and 415 answers what the API accepts. A request with a body to a
`/v1` path (all of which need a token) must carry a valid bearer token first; the verified
actor is handed on in `scope["state"]`. Requests without a body keep FastAPI's order, which
already authenticates before validating query parameters.
"""

from __future__ import annotations

import json
from typing import Final

from starlette.types import ASGIApp, Receive, Scope, Send

from api.auth import TokenVerifier, authenticate
from api.errors import problem_headers
from api.problems import PROBLEM_MEDIA_TYPE, instance_for, problem_body
from domain.errors import Unauthenticated

BODY_METHODS: Final = frozenset({"POST", "PUT", "PATCH"})  # GETs authenticate before parsing
PUBLIC: Final = ("/v1/openapi.json", "/v1/health/", "/v1/metrics", "/v1/docs", "/v1/graphiql")


class AuthenticationGate:
    def __init__(self, app: ASGIApp, *, verifier: TokenVerifier) -> None:
        self.app, self.verifier = app, verifier

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if (
            scope["type"] != "http"
            or scope.get("method") not in BODY_METHODS
            or not path.startswith("/v1/")
            or path.startswith(PUBLIC)
        ):
            await self.app(scope, receive, send)
            return
        header = _header(scope, b"authorization")
        try:
            actor = authenticate(header, self.verifier)
        except Unauthenticated as error:
            await _refuse(scope, send, error)
            return
        scope.setdefault("state", {})["actor"] = actor
        await self.app(scope, receive, send)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            text: str = value.decode("latin-1")
            return text
    return None


async def _refuse(scope: Scope, send: Send, error: Unauthenticated) -> None:
    request_id = scope.get("state", {}).get("request_id")
    body = problem_body(
        error.code,
        401,
        instance=instance_for(request_id, scope.get("path", "")),
        detail=error.detail,
    )
    payload = json.dumps(body).encode()
    headers = [
        (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
        (b"content-length", str(len(payload)).encode()),
        *((k.lower().encode(), v.encode()) for k, v in problem_headers(error).items()),
    ]
    await send({"type": "http.response.start", "status": 401, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
