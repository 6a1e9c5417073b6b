"""Request context, security headers, body limit and HTTP metrics in one pure ASGI middleware.

Pure ASGI because `BaseHTTPMiddleware` costs throughput and breaks contextvars (TECH-NOTES §8,
§11); one class because every layer is paid per request. Contract §1: `X-Request-Id`,
`traceparent`, `API-Version` and the security headers on every response, problems included.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from typing import Any, Final

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from adapters.clock import RandomIds
from api.metrics import HttpMetrics
from api.problems import PROBLEM_MEDIA_TYPE, instance_for, problem_body

API_VERSION: Final = "1.0.0"
UNKNOWN_ROUTE: Final = "onbekend"
CSP_API: Final = "default-src 'none'; frame-ancestors 'none'"
# Swagger UI and GraphiQL load their scripts and styles from these CDNs (development only).
CSP_HTML: Final = (
    "default-src 'self' 'unsafe-inline' https://unpkg.com https://cdn.jsdelivr.net; "
    "img-src 'self' data: https:; frame-ancestors 'none'"
)
HSTS: Final = "max-age=31536000"

_REQUEST_ID: Final = re.compile(r"[A-Za-z0-9._-]{1,64}")
# W3C Trace Context level 1: version-traceid-parentid-flags; later versions may append fields.
_TRACEPARENT: Final = re.compile(r"([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?")
_ZERO_TRACE: Final = "0" * 32
_ZERO_SPAN: Final = "0" * 16
_IDS: Final = RandomIds()  # canonical UUIDv4 text, without building a UUID object


class _BodyTooLargeError(Exception):
    """Raised inside `receive` once the streamed body passes the limit; never leaves us."""


def valid_request_id(value: str | None) -> str:
    """The caller's id when it is 1-64 of `[A-Za-z0-9._-]`, else a new canonical UUID."""
    if value is not None and _REQUEST_ID.fullmatch(value):
        return value
    return _IDS.new()


def parse_traceparent(value: str | None) -> tuple[str, str] | None:
    """(trace id, header) for a valid W3C `traceparent`, else None."""
    if value is None:
        return None
    match = _TRACEPARENT.fullmatch(value)
    if match is None:
        return None
    version, trace_id, parent_id, _flags, rest = match.groups()
    if version == "ff" or (version == "00" and rest is not None):
        return None
    if trace_id == _ZERO_TRACE or parent_id == _ZERO_SPAN:
        return None
    return trace_id, value


def new_traceparent() -> tuple[str, str]:
    trace_id = secrets.token_hex(16)
    return trace_id, f"00-{trace_id}-{secrets.token_hex(8)}-01"


def route_template(scope: Scope, *, root_path: str = "") -> str:
    """The matched route's path template (`/v1/trajecten/{traject_id}`), never the raw path.

    FastAPI 0.163 no longer copies included routes: `scope["route"]` is the router's own
    `APIRoute` without the `include_router` prefix; the full template sits on the effective
    route context it keeps in `scope["fastapi"]`. Mounts add their prefix to `root_path`.
    """
    route = scope.get("route")
    prefix = str(scope.get("root_path", ""))[len(root_path) :]
    if route is None:
        # Plain Starlette routes (FastAPI's docs, openapi.json) set no `route`; matched without
        # path parameters, their path is the template.
        if "endpoint" in scope and not scope.get("path_params"):
            path = str(scope.get("path", ""))
            return path[len(root_path) :] if path.startswith(root_path) else path
        return UNKNOWN_ROUTE
    template: Any = None
    fastapi_scope = scope.get("fastapi")
    if isinstance(fastapi_scope, dict):
        context = fastapi_scope.get("effective_route_context")
        if context is not None and getattr(context, "original_route", None) is route:
            template = getattr(context, "path_format", None)
    if not isinstance(template, str) or not template:
        template = getattr(route, "path_format", None)
    if not isinstance(template, str) or not template:
        return UNKNOWN_ROUTE
    return prefix + template


class RequestContextMiddleware:
    """Request id, trace context, log context, security headers, body limit, metrics."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        production: bool,
        max_body_bytes: int = 65536,
        metrics: HttpMetrics | None = None,
        html_paths: frozenset[str] = frozenset(),
    ) -> None:
        self.app = app
        self.production = production
        self.max_body_bytes = max_body_bytes
        self.metrics = metrics
        self.html_paths = html_paths
        common = [
            (b"api-version", API_VERSION.encode()),
            (b"cache-control", b"no-store"),
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"no-referrer"),
        ]
        if production:
            common.append((b"strict-transport-security", HSTS.encode()))
        self._api_headers = (*common, (b"content-security-policy", CSP_API.encode()))
        self._html_headers = (*common, (b"content-security-policy", CSP_HTML.encode()))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await _Exchange(self, scope, receive, send).run()


class _Exchange:
    """One request/response: the state the wrapped `receive` and `send` share."""

    __slots__ = (
        "extra_headers",
        "mw",
        "path",
        "raw_content_length",
        "receive",
        "received",
        "request_id",
        "root_path",
        "scope",
        "send",
        "started",
        "status",
        "too_large",
    )

    def __init__(
        self, mw: RequestContextMiddleware, scope: Scope, receive: Receive, send: Send
    ) -> None:
        self.mw = mw
        self.scope = scope
        self.receive = receive
        self.send = send
        self.path: str = scope["path"]
        self.root_path: str = scope.get("root_path", "")
        self.started = False
        self.status = 500
        self.received = 0
        self.too_large = False
        self.raw_content_length: bytes | None = None

        request_id: str | None = None
        traceparent: str | None = None
        for name, value in scope["headers"]:
            if name == b"x-request-id" and request_id is None:
                request_id = value.decode("latin-1")
            elif name == b"traceparent" and traceparent is None:
                traceparent = value.decode("latin-1")
            elif name == b"content-length" and self.raw_content_length is None:
                self.raw_content_length = value
        self.request_id = valid_request_id(request_id)
        trace_id, traceparent = parse_traceparent(traceparent) or new_traceparent()

        state = scope.setdefault("state", {})
        state["request_id"] = self.request_id
        state["trace_id"] = trace_id
        state["traceparent"] = traceparent

        base = mw._html_headers if self.path in mw.html_paths else mw._api_headers
        self.extra_headers = (*base, (b"x-request-id", self.request_id.encode()))

    async def run(self) -> None:
        # Bound for this request and reset to what was there before (not cleared: clearing
        # walks the whole context, a measurable cost on every request).
        tokens = structlog.contextvars.bind_contextvars(
            request_id=self.request_id,
            trace_id=self.scope["state"]["trace_id"],
            method=self.scope["method"],
            path=self.path,
        )
        start = time.perf_counter()
        try:
            await self._dispatch()
        finally:
            if self.mw.metrics is not None:
                self.mw.metrics.record(
                    self.scope["method"],
                    route_template(self.scope, root_path=self.root_path),
                    self.status,
                    time.perf_counter() - start,
                )
            structlog.contextvars.reset_contextvars(**tokens)

    async def _dispatch(self) -> None:
        limit = self.mw.max_body_bytes
        receive: Receive = self.receive
        if self.raw_content_length is not None:
            text = self.raw_content_length.strip()
            if not text.isdigit():
                await self._problem("ongeldig-formaat", 400, "Content-Length is geen getal.")
                return
            if int(text) > limit:
                await self._problem("te-groot", 413, f"Het verzoek is groter dan {limit} bytes.")
                return
        else:
            # No length announced (chunked): count while the app reads. With a length the
            # server already stops the body at that many bytes.
            receive = self._counting_receive

        try:
            await self.mw.app(self.scope, receive, self._send)
        except Exception:
            if not self.too_large:
                if not self.started:
                    await self._problem("interne-fout", 500, None)
                raise
            # The app met `_BodyTooLargeError` (perhaps wrapped as a 400 or 500): answer 413 below.
        if self.too_large and not self.started:
            await self._problem("te-groot", 413, f"Het verzoek is groter dan {limit} bytes.")

    async def _counting_receive(self) -> Message:
        if self.too_large:
            raise _BodyTooLargeError
        message = await self.receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.mw.max_body_bytes:
                self.too_large = True
                raise _BodyTooLargeError
        return message

    async def _send(self, message: Message) -> None:
        if self.too_large and not self.started:
            return  # the app's answer to the aborted body (FastAPI makes it a 400); ours is 413
        await self._emit(message)

    async def _emit(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
            self.status = message["status"]
            message = self._with_headers(message)
        await self.send(message)

    def _with_headers(self, message: Message) -> Message:
        headers = list(message.get("headers", ()))
        present = {name.lower() for name, _ in headers}
        headers.extend(item for item in self.extra_headers if item[0] not in present)
        return {**message, "headers": headers}

    async def _problem(self, code: str, status: int, detail: str | None) -> None:
        body = problem_body(
            code, status, instance=instance_for(self.request_id, self.path), detail=detail
        )
        payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        await self._emit(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                    (b"content-length", str(len(payload)).encode()),
                ],
            }
        )
        await self._emit({"type": "http.response.body", "body": payload})
