"""REST door of referral intake: POST /v1/verwijzingen, its status view and lookup."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from pydantic_core import to_json

from api.deps import PortsDep, idempotency_claim, parse_id, ports_of
from api.problems import instance_for
from api.rest.common import json_body, json_media, known_query, problems, request_body
from api.schemas.lean_validation import serve_lean
from api.schemas.referrals import (
    NieuweVerwijzing,
    VerwijzingStatus,
    VerwijzingStatusLijst,
    VerwijzingZoekvraag,
    render_intake,
)
from domain.errors import DomainError
from domain.ports import StoredResponse
from domain.services import referrals
from domain.services.referrals import IntakeResult, Replayed

router = APIRouter(
    prefix="/v1",
    responses=problems(406, 500),
    tags=["verwijzingen"],
    # Body requests are checked by api.request_gate (401, 406, 415, query keys) first.
)

# Built at import: a body model the lean fast path cannot serve stops the app from starting,
# rather than failing its first request.
serve_lean(NieuweVerwijzing)

IDEMPOTENCY_KEY_PARAMETER: dict[str, Any] = {
    "parameters": [
        {
            "name": "Idempotency-Key",
            "in": "header",
            "required": True,
            "description": "16-64 tekens [A-Za-z0-9_-], UUIDv4 aanbevolen (CONTRACT §5.2).",
            "schema": {"type": "string", "pattern": '^"?[A-Za-z0-9_-]{16,64}"?$'},
        }
    ]
}


def _render(request: Request) -> referrals.Render:
    """Renders an outcome once: the use case stores it under the key, the route sends it."""
    instance = instance_for(getattr(request.state, "request_id", None), request.scope["path"])
    rendered: dict[int, tuple[object, StoredResponse]] = {}

    def render(outcome: IntakeResult | DomainError) -> StoredResponse:
        kept = rendered.get(id(outcome))
        if kept is None or kept[0] is not outcome:
            kept = rendered[id(outcome)] = (outcome, render_intake(outcome, instance=instance))
        return kept[1]

    return render


def _respond(stored: StoredResponse, *, replayed: bool = False) -> Response:
    headers = {k: v for k, v in stored.headers.items() if k != "Content-Type"}
    if replayed:
        headers["Idempotency-Replayed"] = "true"
    media = stored.headers.get("Content-Type", "application/json")
    # pydantic-core writes the same compact UTF-8 JSON as JSONResponse, several times faster.
    body = to_json(stored.body)
    return Response(body, status_code=stored.status, headers=headers, media_type=media)


@router.post(
    "/verwijzingen",
    status_code=201,
    response_model=VerwijzingStatus,
    response_model_exclude_unset=True,
    responses={
        200: {"model": VerwijzingStatus, "description": "Identieke verwijzing bestond al."},
        **problems(400, 401, 403, 409, 413, 415, 422),
    },
    summary="Verwijzing aanmelden",
    openapi_extra=request_body(NieuweVerwijzing) | IDEMPOTENCY_KEY_PARAMETER,
)
async def post_referral(request: Request) -> Response:
    """Registers a referral and opens its trajectory (`aangemeld`) in one transaction.

    Idempotency-Key is required: the same key replays the first outcome; the same
    business key (organisatieId, referentie) answers 200 for identical content and
    409 `verwijzing-bestaat-al` otherwise.
    """
    # The hot path of the service: no FastAPI dependencies to solve (each costs more than what
    # it does here); the body and the header are documented through `openapi_extra`.
    ports = await ports_of(request)
    idempotency_key = request.headers.get("idempotency-key")
    body = await json_body(request, NieuweVerwijzing)
    fingerprint = body.fingerprint()
    claim = idempotency_claim(
        idempotency_key,
        actor=ports.actor,
        scope="POST /v1/verwijzingen",
        fingerprint=fingerprint,
        required=True,
    )
    render = _render(request)
    outcome = await referrals.register(
        body.to_command(fingerprint),
        uow=ports.uow(),
        clock=ports.clock,
        ids=ports.ids,
        actor=ports.actor,
        directory=ports.directory,
        claim=claim,
        render=render,
    )
    if isinstance(outcome, Replayed):
        return _respond(outcome.response, replayed=True)
    if outcome.created:
        request.app.state.metrics.verwijzingen_ontvangen.inc()
    return _respond(render(outcome))


@router.post(
    "/verwijzingen/_zoek",
    response_model=VerwijzingStatusLijst,
    response_model_exclude_unset=True,
    responses=problems(400, 401, 403, 413, 415),
    summary="Verwijzingen zoeken op referentie",
)
async def search_referrals(body: VerwijzingZoekvraag, ports: PortsDep) -> JSONResponse:
    """Finds the caller's own referrals by the referrer's reference, kept out of the URL."""
    found = await referrals.find(body.referentie, uow=ports.uow(), actor=ports.actor)
    items = [VerwijzingStatus.from_view(view).wire() for view in found]
    return JSONResponse({"resultaten": items, "volgende": None})


@router.get(
    "/verwijzingen/{verwijzing_id}",
    response_model=VerwijzingStatus,
    response_model_exclude_unset=True,
    responses=problems(401, 403, 404),
    dependencies=[Depends(json_media), Depends(known_query())],
    summary="Status van een verwijzing",
)
async def get_referral(verwijzing_id: str, ports: PortsDep) -> JSONResponse:
    """The thin status view of one referral: all a referrer ever sees (CONTRACT §8.3)."""
    view = await referrals.status(parse_id(verwijzing_id), uow=ports.uow(), actor=ports.actor)
    return JSONResponse(VerwijzingStatus.from_view(view).wire())
