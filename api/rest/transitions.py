"""REST door of the trajectory lifecycle: POST and GET /v1/trajecten/{id}/overgangen."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api.deps import PortsDep, parse_id, ports_of
from api.rest.common import (
    Cursor,
    Limit,
    json_body,
    json_media,
    json_response,
    known_query,
    page_response,
    problems,
    request_body,
)
from api.rest.writes import (
    IDEMPOTENCY_KEY_OPTIONAL,
    IF_MATCH_PARAMETER,
    answer,
    idempotent,
    if_match,
    record_response,
)
from api.schemas.common import QueryInt, between
from api.schemas.transitions import NieuweOvergang, Overgang, OvergangLijst, overgang_wire
from api.schemas.volunteers import MatchvoorstelLijst, matchvoorstellen_wire
from domain.ports import StoredResponse
from domain.services import lifecycle, matching
from domain.services.lifecycle import TransitionResult

router = APIRouter(
    prefix="/v1",
    responses=problems(406, 500),
    tags=["trajecten"],
    dependencies=[Depends(json_media)],
)


def render_transition(result: TransitionResult) -> StoredResponse:
    record = result.view.record
    return StoredResponse(
        201,
        overgang_wire(result.view, with_warnings=True),
        {
            "Location": f"/v1/trajecten/{record.trajectory_id}/overgangen/{record.id}",
            "ETag": f'"{result.trajectory_version}"',
        },
    )


@router.post(
    "/trajecten/{traject_id}/overgangen",
    status_code=201,
    response_model=Overgang,
    responses=problems(400, 401, 403, 404, 409, 412, 413, 415, 422),
    summary="Traject naar een volgende status",
    openapi_extra=request_body(NieuweOvergang)
    | {"parameters": [IF_MATCH_PARAMETER, IDEMPOTENCY_KEY_OPTIONAL]},
)
async def post_transition(traject_id: str, request: Request, ports: PortsDep) -> Response:
    """Moves a trajectory of the caller's organisation to a state the table allows, if its
    guards hold (CONTRACT §9.4): one Overgang, `versie` + 1, events and audit lines in one
    transaction. `If-Match` makes a stale version 412."""
    trajectory_id = parse_id(traject_id)
    body = await json_body(request, NieuweOvergang)
    command = body.to_command(trajectory_id, expected_version=if_match(request))
    outcome = await idempotent(
        request,
        ports,
        render_transition,
        lambda once: lifecycle.transition(
            command, uow=ports.uow(), clock=ports.clock, ids=ports.ids, actor=ports.actor, once=once
        ),
    )
    if isinstance(outcome, TransitionResult):
        record = outcome.view.record
        request.app.state.metrics.moved(record.from_state.value, record.to_state.value)
    return await answer(outcome, render_transition)


@router.get(
    "/trajecten/{traject_id}/overgangen",
    response_model=OvergangLijst,
    responses=problems(400, 401, 403, 404),
    dependencies=[Depends(known_query("limit", "cursor"))],
    summary="De overgangen van een traject",
)
async def list_transitions(
    traject_id: str,
    request: Request,
    ports: PortsDep,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Response:
    """Newest first; for a volunteer the reason masked and no `toelichting` (§9.2)."""
    found = await lifecycle.history(
        parse_id(traject_id), cursor=cursor, limit=limit, uow=ports.uow(), actor=ports.actor
    )
    return page_response(request, found, overgang_wire)


@router.get(
    "/trajecten/{traject_id}/overgangen/{overgang_id}",
    response_model=Overgang,
    responses=problems(401, 403, 404),
    dependencies=[Depends(known_query())],
    summary="Eén overgang",
)
async def get_transition(
    traject_id: str, overgang_id: str, request: Request, ports: PortsDep
) -> Response:
    view = await lifecycle.one_transition(
        parse_id(traject_id), parse_id(overgang_id), uow=ports.uow(), actor=ports.actor
    )
    return record_response(request, overgang_wire(view))


@router.get(
    "/trajecten/{traject_id}/matchvoorstellen",
    response_model=MatchvoorstelLijst,
    responses=problems(400, 401, 403, 404, 409),
    dependencies=[Depends(known_query("limit"))],
    summary="Vrijwilligers voorgesteld voor een traject",
)
async def list_match_suggestions(
    traject_id: str,
    ports: PortsDep,
    limit: Annotated[QueryInt, Query(ge=1, le=10, json_schema_extra=between(1, 10))] = 10,
) -> Response:
    """Active volunteers with free capacity, ranked by the published score (CONTRACT §11),
    each factor explained; only in `wacht_op_match` or a pause for a volunteer change."""
    view = await matching.suggestions(
        parse_id(traject_id), limit=limit, uow=ports.uow(), clock=ports.clock, actor=ports.actor
    )
    return json_response(matchvoorstellen_wire(view))


async def post_transition_direct(request: Request) -> Response:
    """`post_transition` served straight from the request gate (api.direct_route)."""
    ports = await ports_of(request)
    return await post_transition(request.path_params["traject_id"], request, ports)
