"""REST door of trajectory reads: GET /v1/trajecten and /v1/trajecten/{id}."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from api.deps import PortsDep, parse_id
from api.rest.common import json_media, known_query, link_header, next_link, problems
from api.schemas.common import Line, QueryInt, between
from api.schemas.trajectories import Fase, Traject, TrajectLijst, TrajectStatus, traject_wire
from domain.model.trajectory import TrajectoryState
from domain.services import trajectories

router = APIRouter(
    prefix="/v1",
    responses=problems(406, 500),
    tags=["trajecten"],
    dependencies=[Depends(json_media)],
)

LIST_QUERY = ("status", "fase", "gemeente", "vrijwilligerId", "limit", "cursor")


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
    limit: Annotated[QueryInt, Query(ge=1, le=200, json_schema_extra=between(1, 200))] = 50,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
) -> JSONResponse:
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
    )
    url = next_link(request, cursor_name="cursor", cursor=found.next_cursor)
    body = {"resultaten": [traject_wire(view) for view in found.items], "volgende": url}
    return JSONResponse(body, headers=link_header(url))


@router.get(
    "/trajecten/{traject_id}",
    response_model=Traject,
    responses=problems(401, 403, 404),
    dependencies=[Depends(known_query())],
    summary="Eén traject",
)
async def get_trajectory(traject_id: str, ports: PortsDep) -> JSONResponse:
    """One trajectory of the caller's organisation; fields shaped by role (CONTRACT §9.2)."""
    view = await trajectories.get(
        parse_id(traject_id), uow=ports.uow(), clock=ports.clock, actor=ports.actor
    )
    return JSONResponse(traject_wire(view), headers={"ETag": f'"{view.version}"'})
