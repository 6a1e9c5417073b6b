"""The checks a request with a body must pass before anything parses it (pure ASGI).

FastAPI parses a JSON body before it runs dependencies, so these run first, in this order:
authentication (401, so an anonymous caller learns nothing from 400 or 415 answers), the media
types (415 unless `application/json`, or `application/merge-patch+json` for PATCH; 406 for an
unsatisfiable `Accept`) and the query string (no body request takes a query parameter: 400
`onbekende-parameter`). The verified actor is handed on in `scope["state"]`. Requests without
a body keep FastAPI's order, which authenticates before it validates query parameters.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Receive, Scope, Send

from api.auth import TokenVerifier, authenticate
from api.errors import problem_extras, problem_headers
from api.problems import PROBLEM_MEDIA_TYPE, acceptable, instance_for, problem_body
from domain.errors import DomainError, FieldProblem, RuleViolation, Unauthenticated

BODY_METHODS: Final = frozenset({"POST", "PUT", "PATCH"})
PUBLIC: Final = ("/v1/openapi.json", "/v1/health/", "/v1/metrics", "/v1/docs", "/v1/graphiql")


class RequestGate:
    """`served(path, method)`: whether an operation takes the request (else routing answers
    404 or 405 before any of these checks). `direct`: operations by (method, path) that the
    gate hands straight to their endpoint once they pass (api.direct_route)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        verifier: TokenVerifier,
        served: Callable[[str, str], bool],
        direct: Mapping[tuple[str, str], ASGIApp] | None = None,
        direct_patterns: Sequence[tuple[str, re.Pattern[str], ASGIApp]] = (),
    ) -> None:
        self.app, self.verifier, self.served = app, verifier, served
        self.direct = dict(direct or {})
        self.direct_patterns = tuple(direct_patterns)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        method: str = scope.get("method", "")
        if (
            scope["type"] != "http"
            or method not in BODY_METHODS
            or not path.startswith("/v1/")
            or path.startswith(PUBLIC)
            or not self.served(path, method)
        ):
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v.decode("latin-1") for k, v in scope.get("headers", ())}
        # bytes keys: the ASGI header names
        try:
            actor = authenticate(headers.get(b"authorization"), self.verifier)
        except Unauthenticated as error:
            await _refuse(scope, send, error, 401)
            return
        scope.setdefault("state", {})["actor"] = actor
        refusal = _refusal(scope, headers)
        if refusal is not None:
            await _refuse(scope, send, *refusal)
            return
        await self._target(method, path)(scope, receive, send)

    def _target(self, method: str, path: str) -> ASGIApp:
        direct = self.direct.get((method, path))
        if direct is not None:
            return direct
        for wanted, pattern, app in self.direct_patterns:
            if wanted == method and pattern.fullmatch(path):
                return app
        return self.app


def _refusal(scope: Scope, headers: dict[bytes, str]) -> tuple[DomainError | str, int] | None:
    if not acceptable(headers.get(b"accept")):
        return "niet-acceptabel", 406
    media = headers.get(b"content-type", "").split(";")[0].strip().lower()
    allowed = {"application/json"} | (
        {"application/merge-patch+json"} if scope.get("method") == "PATCH" else set()
    )
    # A POST without a body at all (an action such as `…/opnieuw`) needs no media type.
    empty = not media and headers.get(b"content-length") == "0"
    if media not in allowed and not empty:
        return "mediatype-niet-ondersteund", 415
    keys = [key for key, _ in parse_qsl(scope.get("query_string", b"").decode("latin-1"))]
    if keys:
        problems = [FieldProblem(k, "onbekende-parameter", "Onbekende parameter.") for k in keys]
        return RuleViolation(problems), 400
    return None


async def _refuse(scope: Scope, send: Send, error: DomainError | str, status: int) -> None:
    state: dict[str, Any] = scope.get("state", {})
    instance = instance_for(state.get("request_id"), scope.get("path", ""))
    if isinstance(error, DomainError):
        body = problem_body(
            error.code,
            status,
            instance=instance,
            detail=error.detail,
            extra=problem_extras(error),
        )
        extra_headers = problem_headers(error)
    else:
        body, extra_headers = problem_body(error, status, instance=instance), {}
    payload = json.dumps(body, ensure_ascii=False).encode()
    response_headers = [
        (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
        (b"content-length", str(len(payload)).encode()),
        *((k.lower().encode(), v.encode()) for k, v in extra_headers.items()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": response_headers})
    await send({"type": "http.response.body", "body": payload})
