"""REST door of trajectory reads: GET /v1/trajecten and /v1/trajecten/{id}."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api.deps import PortsDep, parse_id
from api.rest.common import (
    Cursor,
    Limit,
    json_body,
    json_media,
    json_response,
    known_query,
    page_response,
    problems,
)
from api.rest.writes import IF_MATCH_PARAMETER, if_match, not_modified
from api.schemas.common import Line
from api.schemas.trajectories import Fase, Traject, TrajectLijst, TrajectStatus, traject_wire
from api.schemas.trajectory_patch import TrajectWijziging
from domain.model.trajectory import TrajectoryState
from domain.services import trajectories
from domain.views.expansion import parse_expand

router = APIRouter(
    prefix="/v1",
    responses=problems(406, 500),
    tags=["trajecten"],
    dependencies=[Depends(json_media)],
)

LIST_QUERY = ("status", "fase", "gemeente", "vrijwilligerId", "expand", "limit", "cursor")
Expand = Annotated[
    list[str] | None,
    Query(description="moeder, vrijwilliger (en op het detail huisbezoeken), kommagescheiden."),
]


@router.get(
    "/trajecten",
    response_model=TrajectLijst,
    responses=problems(400, 401, 403),
    dependencies=[Depends(known_query(*LIST_QUERY))],
    summary="Trajecten van de eigen organisatie",
)
async def list_trajectories(
    request: Request,
    ports: PortsDep,
    status: Annotated[list[TrajectStatus] | None, Query()] = None,
    fase: Annotated[list[Fase] | None, Query()] = None,
    gemeente: Annotated[
        Line | None, Query(pattern=r"^GM\d{4}$", json_schema_extra={"pattern": r"^GM\d{4}$"})
    ] = None,
    vrijwilliger_id: Annotated[
        str | None,
        Query(
            alias="vrijwilligerId",
            pattern=r"^[0-9a-fA-F-]{36}$",
            json_schema_extra={"pattern": r"^[0-9a-fA-F-]{36}$"},
        ),
    ] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
    expand: Expand = None,
) -> Response:
    """Newest first, cursor-paged; a volunteer sees only active trajectories matched to her.

    Each returned trajectory writes one audit line (a search, NEN 7513).
    """
    found = await trajectories.page(
        states=frozenset(TrajectoryState(s) for s in status or ()),
        phases=frozenset(TrajectoryState(f) for f in fase or ()),
        municipality=gemeente,
        volunteer_id=vrijwilliger_id,
        cursor=cursor,
        limit=limit,
        uow=ports.uow(),
        clock=ports.clock,
        actor=ports.actor,
        expand=parse_expand(expand, detail=False),
    )
    return page_response(request, found, traject_wire)


@router.get(
    "/trajecten/{traject_id}",
    response_model=Traject,
    responses={
        304: {"description": "Niet gewijzigd (If-None-Match)."},
        **problems(400, 401, 403, 404),
    },
    dependencies=[Depends(known_query("expand"))],
    summary="Eén traject",
)
async def get_trajectory(
    traject_id: str, request: Request, ports: PortsDep, expand: Expand = None
) -> Response:
    """One trajectory of the caller's organisation; fields shaped by role (CONTRACT §9.2).
    `If-None-Match` with the current ETag answers 304 (the read is audited all the same)."""
    view = await trajectories.get(
        parse_id(traject_id),
        uow=ports.uow(),
        clock=ports.clock,
        actor=ports.actor,
        expand=parse_expand(expand, detail=True),
    )
    etag = f'"{view.version}"'
    return not_modified(request, etag) or json_response(traject_wire(view), headers={"ETag": etag})


@router.patch(
    "/trajecten/{traject_id}",
    response_model=Traject,
    responses=problems(400, 401, 403, 404, 409, 412, 413, 415, 428),
    summary="Contact- en kindgegevens bijwerken (merge patch)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                media: {"schema": {"$ref": "#/components/schemas/TrajectWijziging"}}
                for media in ("application/merge-patch+json", "application/json")
            },
        },
        "parameters": [{**IF_MATCH_PARAMETER, "required": True}],
    },
)
async def patch_trajectory(traject_id: str, request: Request, ports: PortsDep) -> Response:
    """Merge patch (RFC 7396) of the mother's contact data, the child's data and the consent
    scope (which may only shrink), with `If-Match`: 428 without, 412 when stale (§9.3)."""
    trajectory_id = parse_id(traject_id)
    body = await json_body(request, TrajectWijziging)
    view = await trajectories.update(
        body.to_command(trajectory_id, expected_version=if_match(request)),
        uow=ports.uow(),
        clock=ports.clock,
        actor=ports.actor,
    )
    return json_response(traject_wire(view), headers={"ETag": f'"{view.version}"'})
