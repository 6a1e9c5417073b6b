"""Operations: liveness, readiness and Prometheus metrics (CONTRACT §18)."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from pydantic import BaseModel

from api.rest.common import problems
from domain.errors import Unauthenticated

router = APIRouter(prefix="/v1", tags=["beheer"], responses=problems(500))


class Gezondheid(BaseModel):
    status: str


class Gereedheid(BaseModel):
    status: str
    controles: dict[str, str]


@router.get("/health/live", response_model=Gezondheid, summary="Leeft de service?")
async def live() -> JSONResponse:
    """The process answers."""
    return JSONResponse({"status": "ok"})


@router.get(
    "/health/ready",
    response_model=Gereedheid,
    responses={503: {"model": Gereedheid, "description": "Niet gereed."}},
    summary="Is de service gereed?",
)
async def ready(request: Request) -> JSONResponse:
    """Database reachable, schema at the head revision, scheduler running (or `uit`)."""
    checks = dict(await request.app.state.readiness())
    healthy = all(value in {"ok", "uit"} for value in checks.values())
    body = {"status": "ok" if healthy else "fout", "controles": checks}
    return JSONResponse(body, status_code=200 if healthy else 503)


@router.get(
    "/metrics",
    response_class=PlainTextResponse,
    responses={
        200: {"content": {"text/plain": {"schema": {"type": "string"}}}},
        **problems(401),
    },
    summary="Prometheus-metrieken",
)
async def metrics(request: Request) -> PlainTextResponse:
    """Prometheus text format 0.0.4; no ids, organisation codes or personal data in labels."""
    token: str | None = request.app.state.metrics_token
    if token is not None:
        sent = request.headers.get("authorization", "")
        if not hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
            raise Unauthenticated("Metrics-token vereist.", token_sent=bool(sent))
    state = request.app.state
    await state.refresh_gauges()  # the relay's gauges, read from the tables now
    text = state.metrics.render()
    return PlainTextResponse(text, media_type="text/plain; version=0.0.4; charset=utf-8")
