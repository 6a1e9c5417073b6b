from __future__ import annotations

import io
import json
import logging
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import httpx
import pytest
import structlog
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import HTMLResponse
from starlette.types import Message, Receive, Scope, Send

from adapters.logging import configure_logging
from api.metrics import HttpMetrics, Registry
from api.middleware import CSP_API, CSP_HTML, RequestContextMiddleware, route_template

LIMIT = 100
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"
SECURITY_HEADERS = {
    "api-version": "1.0.0",
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


def build_fastapi(calls: list[str]) -> FastAPI:
    app = FastAPI(redirect_slashes=False)
    trajecten = APIRouter(prefix="/trajecten")

    @trajecten.get("/{traject_id}")
    async def get_traject(traject_id: str) -> dict[str, str]:
        calls.append("traject")
        return {"id": traject_id}

    app.include_router(trajecten, prefix="/v1")

    @app.get("/v1/context")
    async def context(request: Request) -> dict[str, Any]:
        return {
            "request_id": request.state.request_id,
            "trace_id": request.state.trace_id,
            "traceparent": request.state.traceparent,
            "log_context": structlog.contextvars.get_contextvars(),
        }

    @app.post("/v1/echo")
    async def echo(request: Request) -> dict[str, int]:
        calls.append("echo")
        return {"bytes": len(await request.body())}

    @app.get("/v1/docs", response_class=HTMLResponse)
    async def docs() -> str:
        return "<html></html>"

    @app.get("/v1/cached")
    async def cached(response: Response) -> dict[str, str]:
        response.headers["Cache-Control"] = "max-age=60"
        return {}

    @app.get("/v1/log")
    async def log() -> dict[str, str]:
        logging.getLogger("mim.test").warning("verwerkt voor %s", "moeder@example.nl")
        return {}

    @app.get("/v1/kapot")
    async def broken() -> dict[str, str]:
        raise RuntimeError("stuk")

    return app


def wrapped(
    *, production: bool = False, metrics: HttpMetrics | None = None, calls: list[str] | None = None
) -> RequestContextMiddleware:
    return RequestContextMiddleware(
        build_fastapi(calls if calls is not None else []),
        production=production,
        max_body_bytes=LIMIT,
        metrics=metrics,
        html_paths=frozenset({"/v1/docs"}),
    )


def client_for(app: Any, *, raise_app_exceptions: bool = True) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=raise_app_exceptions)
    return httpx.AsyncClient(transport=transport, base_url="http://test")


async def chunks(count: int, size: int) -> AsyncIterator[bytes]:
    for _ in range(count):
        yield b"x" * size


def is_canonical_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


@pytest.mark.parametrize(
    "request_id", ["abc-123", "A.b_c-9", "x" * 64, "0b7e1c7a-1234-4a5b-9c1d-123456789012"]
)
async def test_a_well_formed_request_id_is_echoed_and_stored(request_id: str) -> None:
    async with client_for(wrapped()) as client:
        response = await client.get("/v1/context", headers={"X-Request-Id": request_id})

    assert response.headers["x-request-id"] == request_id
    assert response.json()["request_id"] == request_id


@pytest.mark.parametrize("request_id", ["met spatie", "x" * 65, "", "a/b", "<script>"])
async def test_a_malformed_request_id_is_replaced_by_a_canonical_uuid(request_id: str) -> None:
    async with client_for(wrapped()) as client:
        response = await client.get("/v1/context", headers={"X-Request-Id": request_id})

    echoed = response.headers["x-request-id"]
    assert echoed != request_id
    assert is_canonical_uuid(echoed)
    assert response.json()["request_id"] == echoed


async def test_a_request_without_id_gets_a_canonical_uuid() -> None:
    async with client_for(wrapped()) as client:
        response = await client.get("/v1/trajecten/abc")

    assert is_canonical_uuid(response.headers["x-request-id"])


def oversized_post(client: httpx.AsyncClient) -> Awaitable[httpx.Response]:
    return client.post("/v1/echo", content=b"x" * (LIMIT + 1))


@pytest.mark.parametrize(
    ("path", "status"), [("/v1/trajecten/abc", 200), ("/v1/bestaat-niet", 404), ("/v1/echo", 413)]
)
@pytest.mark.parametrize("production", [False, True])
async def test_every_response_carries_api_version_and_security_headers(
    path: str, status: int, production: bool
) -> None:
    async with client_for(wrapped(production=production)) as client:
        if status == 413:
            response = await oversized_post(client)
        else:
            response = await client.get(path)

    assert response.status_code == status
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get_list(name) == [value], name
    assert response.headers["content-security-policy"] == CSP_API
    assert ("strict-transport-security" in response.headers) is production
    if production:
        assert response.headers["strict-transport-security"] == "max-age=31536000"


async def test_development_html_pages_get_a_csp_that_allows_their_scripts() -> None:
    async with client_for(wrapped()) as client:
        response = await client.get("/v1/docs")

    assert response.headers["content-security-policy"] == CSP_HTML
    assert response.headers["x-frame-options"] == "DENY"


async def test_a_cache_control_set_by_the_app_is_kept_and_not_duplicated() -> None:
    async with client_for(wrapped()) as client:
        response = await client.get("/v1/cached")

    assert response.headers.get_list("cache-control") == ["max-age=60"]
    assert response.headers.get_list("api-version") == ["1.0.0"]


async def test_a_declared_oversized_body_is_refused_with_413_without_calling_the_app() -> None:
    calls: list[str] = []
    async with client_for(wrapped(calls=calls)) as client:
        response = await oversized_post(client)

    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "te-groot"
    assert response.json()["status"] == 413
    assert calls == []


async def test_a_body_at_the_limit_reaches_the_app() -> None:
    async with client_for(wrapped()) as client:
        response = await client.post("/v1/echo", content=b"x" * LIMIT)

    assert response.status_code == 200
    assert response.json() == {"bytes": LIMIT}


async def test_the_413_instance_is_the_urn_of_a_canonical_request_id() -> None:
    request_id = "0b7e1c7a-1234-4a5b-9c1d-123456789012"
    async with client_for(wrapped()) as client:
        response = await client.post(
            "/v1/echo", content=b"x" * (LIMIT + 1), headers={"X-Request-Id": request_id}
        )

    assert response.json()["instance"] == f"urn:uuid:{request_id}"
    assert response.headers["x-request-id"] == request_id


async def test_the_413_instance_is_the_path_for_a_non_uuid_request_id() -> None:
    async with client_for(wrapped()) as client:
        response = await client.post(
            "/v1/echo?x=1", content=b"x" * (LIMIT + 1), headers={"X-Request-Id": "abc-123"}
        )

    assert response.json()["instance"] == "/v1/echo"


async def test_a_chunked_body_over_the_limit_is_answered_with_413() -> None:
    async with client_for(wrapped()) as client:
        response = await client.post("/v1/echo", content=chunks(4, 40))

    assert response.status_code == 413
    assert response.json()["code"] == "te-groot"
    assert response.headers["api-version"] == "1.0.0"
    assert response.headers["content-security-policy"] == CSP_API


async def test_a_chunked_body_under_the_limit_reaches_the_app_whole() -> None:
    async with client_for(wrapped()) as client:
        response = await client.post("/v1/echo", content=chunks(2, 40))

    assert response.status_code == 200
    assert response.json() == {"bytes": 80}


async def test_a_non_numeric_content_length_is_a_400_ongeldig_formaat() -> None:
    calls: list[str] = []
    async with client_for(wrapped(calls=calls)) as client:
        response = await client.post("/v1/echo", content=b"", headers={"Content-Length": "12a"})

    assert response.status_code == 400
    assert response.json()["code"] == "ongeldig-formaat"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert calls == []


async def test_a_valid_traceparent_is_kept_in_request_state() -> None:
    async with client_for(wrapped()) as client:
        response = await client.get("/v1/context", headers={"traceparent": TRACEPARENT})

    assert response.json()["trace_id"] == TRACE_ID
    assert response.json()["traceparent"] == TRACEPARENT


@pytest.mark.parametrize(
    "traceparent",
    [
        f"00-{'0' * 32}-00f067aa0ba902b7-01",
        f"00-{TRACE_ID}-{'0' * 16}-01",
        f"ff-{TRACE_ID}-00f067aa0ba902b7-01",
        f"00-{TRACE_ID.upper()}-00f067aa0ba902b7-01",
        f"00-{TRACE_ID}-00f067aa0ba902b7-01-extra",
        "onzin",
    ],
)
async def test_an_invalid_traceparent_starts_a_new_trace(traceparent: str) -> None:
    async with client_for(wrapped()) as client:
        response = await client.get("/v1/context", headers={"traceparent": traceparent})

    trace_id = response.json()["trace_id"]
    assert re.fullmatch(r"[0-9a-f]{32}", trace_id)
    assert trace_id not in {TRACE_ID, "0" * 32}
    assert re.fullmatch(rf"00-{trace_id}-[0-9a-f]{{16}}-01", response.json()["traceparent"])


async def test_a_request_without_traceparent_gets_a_new_trace() -> None:
    async with client_for(wrapped()) as client:
        first = (await client.get("/v1/context")).json()
        second = (await client.get("/v1/context")).json()

    assert re.fullmatch(r"[0-9a-f]{32}", first["trace_id"])
    assert first["trace_id"] != second["trace_id"]


async def test_the_log_context_holds_request_id_method_and_path_without_query() -> None:
    async with client_for(wrapped()) as client:
        response = await client.get("/v1/context?geheim=1", headers={"X-Request-Id": "abc-123"})

    log_context = response.json()["log_context"]
    assert log_context["request_id"] == "abc-123"
    assert log_context["method"] == "GET"
    assert log_context["path"] == "/v1/context"
    assert structlog.contextvars.get_contextvars() == {}


async def test_metrics_label_requests_with_the_route_template_not_the_raw_path() -> None:
    metrics = HttpMetrics(Registry())
    async with client_for(wrapped(metrics=metrics)) as client:
        await client.get("/v1/trajecten/0b7e1c7a-1234-4a5b-9c1d-123456789012")
        await client.get("/v1/trajecten/abc")

    assert (
        metrics.requests.value(methode="GET", route="/v1/trajecten/{traject_id}", status="200") == 2
    )
    rendered = "\n".join(metrics.requests.samples())
    assert "abc" not in rendered
    assert "0b7e1c7a" not in rendered


@pytest.mark.parametrize(
    ("send_request", "method", "route", "status"),
    [
        (lambda c: c.get("/v1/nergens/123456"), "GET", "onbekend", "404"),
        (lambda c: c.post("/v1/echo", content=b"x" * (LIMIT + 1)), "POST", "onbekend", "413"),
        (lambda c: c.post("/v1/echo", content=chunks(4, 40)), "POST", "/v1/echo", "413"),
        (lambda c: c.delete("/v1/trajecten/abc"), "DELETE", "/v1/trajecten/{traject_id}", "405"),
        (lambda c: c.get("/v1/docs"), "GET", "/v1/docs", "200"),
    ],
    ids=["unmatched", "declared-too-large", "streamed-too-large", "wrong-method", "static-page"],
)
async def test_metrics_record_the_status_under_a_bounded_route_label(
    send_request: Callable[[httpx.AsyncClient], Awaitable[httpx.Response]],
    method: str,
    route: str,
    status: str,
) -> None:
    metrics = HttpMetrics(Registry())
    async with client_for(wrapped(metrics=metrics)) as client:
        await send_request(client)

    assert metrics.requests.value(methode=method, route=route, status=status) == 1


async def test_metrics_observe_the_duration_of_each_request() -> None:
    metrics = HttpMetrics(Registry())
    async with client_for(wrapped(metrics=metrics)) as client:
        await client.get("/v1/trajecten/abc")

    histogram = metrics.duration.labels(methode="GET", route="/v1/trajecten/{traject_id}")
    assert histogram.count == 1
    assert histogram.sum >= 0


async def test_an_error_behind_server_error_middleware_still_carries_the_headers() -> None:
    async with client_for(wrapped(production=True), raise_app_exceptions=False) as client:
        response = await client.get("/v1/kapot")

    assert response.status_code == 500
    assert response.headers["api-version"] == "1.0.0"
    assert response.headers["strict-transport-security"] == "max-age=31536000"


async def test_an_unhandled_error_inside_add_middleware_is_a_500_problem_with_headers() -> None:
    app = build_fastapi([])
    metrics = HttpMetrics(Registry())
    app.add_middleware(RequestContextMiddleware, production=False, metrics=metrics)
    async with client_for(app, raise_app_exceptions=False) as client:
        response = await client.get("/v1/kapot", headers={"X-Request-Id": "abc-123"})

    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "interne-fout"
    assert "stuk" not in response.text
    assert response.headers["x-request-id"] == "abc-123"
    assert response.headers["x-frame-options"] == "DENY"
    assert metrics.requests.value(methode="GET", route="/v1/kapot", status="500") == 1


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """JSON logging as `configure_logging` sets it up, written to a buffer; undone afterwards."""
    root = logging.getLogger()
    before = set(root.handlers)
    level = root.level
    config = structlog.get_config()
    configure_logging(json=True, level="INFO")
    buffer = io.StringIO()
    added = [h for h in root.handlers if h not in before]
    for handler in added:
        assert isinstance(handler, logging.StreamHandler)
        handler.setStream(buffer)
    yield buffer
    for handler in added:
        root.removeHandler(handler)
    root.setLevel(level)
    structlog.configure(**config)


async def test_a_stdlib_log_line_inside_a_request_is_json_with_request_id_and_redacted(
    log_output: io.StringIO,
) -> None:
    async with client_for(wrapped()) as client:
        response = await client.get("/v1/log", headers={"X-Request-Id": "abc-123"})

    lines = [json.loads(line) for line in log_output.getvalue().splitlines()]
    entries = [line for line in lines if line["logger"] == "mim.test"]
    assert response.status_code == 200
    assert len(entries) == 1
    assert entries[0]["request_id"] == "abc-123"
    assert entries[0]["method"] == "GET"
    assert entries[0]["path"] == "/v1/log"
    assert entries[0]["event"] == "verwerkt voor [email]"
    assert "message" not in entries[0]


async def test_websocket_and_lifespan_scopes_pass_through_untouched() -> None:
    seen: list[Scope] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope)

    async def receive() -> Message:
        return {"type": "lifespan.startup"}

    async def send(message: Message) -> None:
        raise AssertionError("nothing may be sent")

    middleware = RequestContextMiddleware(app, production=True)
    await middleware({"type": "lifespan"}, receive, send)

    assert seen == [{"type": "lifespan"}]


def test_route_template_is_unknown_without_a_matched_route() -> None:
    assert route_template({"type": "http", "path": "/v1/x/1"}) == "onbekend"


def test_route_template_adds_the_mount_prefix() -> None:
    class Route:
        path_format = "/x/{y}"

    scope: Scope = {"type": "http", "path": "/sub/x/1", "root_path": "/sub", "route": Route()}
    assert route_template(scope) == "/sub/x/{y}"
