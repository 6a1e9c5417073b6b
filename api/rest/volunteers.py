"""REST door of volunteers and supervision: /v1/vrijwilligers and its sub-resources."""

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
    request_body,
)
from api.rest.writes import (
    IDEMPOTENCY_KEY_OPTIONAL,
    IF_MATCH_PARAMETER,
    answer,
    idempotent,
    if_match,
    not_modified,
    record_response,
)
from api.schemas.trajectories import TrajectLijst, traject_wire
from api.schemas.volunteers import (
    Begeleiding,
    BegeleidingLijst,
    BegeleidingSoort,
    Gemeente,
    NieuweBegeleiding,
    NieuweVrijwilliger,
    Taal,
    Vrijwilliger,
    VrijwilligerLijst,
    VrijwilligerStatus,
    VrijwilligerWijziging,
    begeleiding_wire,
    vrijwilliger_wire,
)
from domain.model.volunteer import SupervisionKind, VolunteerStatus
from domain.ports import StoredResponse
from domain.services import supervision, trajectories, volunteers
from domain.services.volunteers import UpdateVolunteer
from domain.views.volunteers import SupervisionView, VolunteerView

router = APIRouter(
    prefix="/v1",
    responses=problems(406, 500),
    tags=["vrijwilligers"],
    dependencies=[Depends(json_media)],
)


def render_volunteer(view: VolunteerView) -> StoredResponse:
    return StoredResponse(
        201,
        vrijwilliger_wire(view),
        {
            "Location": f"/v1/vrijwilligers/{view.volunteer.id}",
            "ETag": f'"{view.volunteer.version}"',
        },
    )


def render_supervision(view: SupervisionView) -> StoredResponse:
    s = view.supervision
    return StoredResponse(
        201,
        begeleiding_wire(view),
        {"Location": f"/v1/vrijwilligers/{s.volunteer_id}/begeleidingen/{s.id}"},
    )


@router.post(
    "/vrijwilligers",
    status_code=201,
    response_model=Vrijwilliger,
    responses=problems(400, 401, 403, 409, 413, 415, 422),
    summary="Vrijwilliger aanmelden",
    openapi_extra=request_body(NieuweVrijwilliger) | {"parameters": [IDEMPOTENCY_KEY_OPTIONAL]},
)
async def post_volunteer(request: Request, ports: PortsDep) -> Response:
    """Registers a volunteer of the caller's organisation (status `aangemeld` by default;
    `actief` needs a VOG date and three training sessions, CONTRACT §11)."""
    body = await json_body(request, NieuweVrijwilliger)
    outcome = await idempotent(
        request,
        ports,
        render_volunteer,
        lambda once: volunteers.create(
            body.to_command(),
            uow=ports.uow(),
            clock=ports.clock,
            ids=ports.ids,
            actor=ports.actor,
            directory=ports.directory,
            once=once,
        ),
    )
    return await answer(outcome, render_volunteer)


@router.get(
    "/vrijwilligers",
    response_model=VrijwilligerLijst,
    responses=problems(400, 401, 403),
    dependencies=[
        Depends(
            known_query("status", "gemeente", "taal", "begeleidingAchterstallig", "limit", "cursor")
        )
    ],
    summary="Vrijwilligers van de eigen organisatie",
)
async def list_volunteers(
    request: Request,
    ports: PortsDep,
    status: Annotated[list[VrijwilligerStatus] | None, Query()] = None,
    gemeente: Annotated[Gemeente | None, Query()] = None,
    taal: Annotated[Taal | None, Query()] = None,
    begeleiding_achterstallig: Annotated[
        bool | None, Query(alias="begeleidingAchterstallig")
    ] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Response:
    """Newest first; `begeleidingAchterstallig=true` lists whom to call: a running trajectory
    and no individual supervision in 42 days. One audit line per returned volunteer."""
    found = await volunteers.page(
        statuses=frozenset(VolunteerStatus(s) for s in status or ()),
        municipality=gemeente,
        language=taal,
        overdue=begeleiding_achterstallig,
        cursor=cursor,
        limit=limit,
        uow=ports.uow(),
        clock=ports.clock,
        actor=ports.actor,
    )
    return page_response(request, found, vrijwilliger_wire)


@router.get(
    "/vrijwilligers/{vrijwilliger_id}",
    response_model=Vrijwilliger,
    responses={304: {"description": "Niet gewijzigd (If-None-Match)."}, **problems(401, 403, 404)},
    dependencies=[Depends(known_query())],
    summary="Eén vrijwilliger",
)
async def get_volunteer(vrijwilliger_id: str, request: Request, ports: PortsDep) -> Response:
    """A coordinator reads her organisation's volunteers, a volunteer only herself;
    `If-None-Match` with the current ETag answers 304."""
    view = await volunteers.get(
        parse_id(vrijwilliger_id), uow=ports.uow(), clock=ports.clock, actor=ports.actor
    )
    etag = f'"{view.volunteer.version}"'
    return not_modified(request, etag) or json_response(
        vrijwilliger_wire(view), headers={"ETag": etag}
    )


@router.patch(
    "/vrijwilligers/{vrijwilliger_id}",
    response_model=Vrijwilliger,
    responses=problems(400, 401, 403, 404, 409, 412, 413, 415, 428),
    summary="Vrijwilliger bijwerken (merge patch)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                media: {"schema": {"$ref": "#/components/schemas/VrijwilligerWijziging"}}
                for media in ("application/merge-patch+json", "application/json")
            },
        },
        "parameters": [{**IF_MATCH_PARAMETER, "required": True}],
    },
)
async def patch_volunteer(vrijwilliger_id: str, request: Request, ports: PortsDep) -> Response:
    """Merge patch (RFC 7396) with `If-Match` (428 without, 412 stale); a status change
    follows the volunteer status machine (409 `ongeldige-status`)."""
    volunteer_id = parse_id(vrijwilliger_id)
    body = await json_body(request, VrijwilligerWijziging)
    view = await volunteers.update(
        UpdateVolunteer(volunteer_id, if_match(request), body.changes()),
        uow=ports.uow(),
        clock=ports.clock,
        actor=ports.actor,
        directory=ports.directory,
    )
    return json_response(vrijwilliger_wire(view), headers={"ETag": f'"{view.volunteer.version}"'})


@router.get(
    "/vrijwilligers/{vrijwilliger_id}/trajecten",
    response_model=TrajectLijst,
    responses=problems(400, 401, 403, 404),
    dependencies=[Depends(known_query("limit", "cursor"))],
    summary="De trajecten van een vrijwilliger",
)
async def list_volunteer_trajectories(
    vrijwilliger_id: str,
    request: Request,
    ports: PortsDep,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Response:
    """Her matched trajectories; a volunteer sees only her own, and only the active ones."""
    found = await trajectories.of_volunteer(
        parse_id(vrijwilliger_id),
        cursor=cursor,
        limit=limit,
        uow=ports.uow(),
        clock=ports.clock,
        actor=ports.actor,
    )
    return page_response(request, found, traject_wire)


@router.post(
    "/vrijwilligers/{vrijwilliger_id}/begeleidingen",
    status_code=201,
    response_model=Begeleiding,
    responses=problems(400, 401, 403, 404, 409, 413, 415, 422),
    summary="Begeleiding vastleggen",
    openapi_extra=request_body(NieuweBegeleiding) | {"parameters": [IDEMPOTENCY_KEY_OPTIONAL]},
)
async def post_supervision(vrijwilliger_id: str, request: Request, ports: PortsDep) -> Response:
    """Appends an individual talk, a group meeting (one record per attending volunteer) or
    an induction training session; her `versie` follows."""
    volunteer_id = parse_id(vrijwilliger_id)
    body = await json_body(request, NieuweBegeleiding)
    command = body.to_command(volunteer_id)
    outcome = await idempotent(
        request,
        ports,
        render_supervision,
        lambda once: supervision.record_supervision(
            command, uow=ports.uow(), clock=ports.clock, ids=ports.ids, actor=ports.actor, once=once
        ),
    )
    return await answer(outcome, render_supervision)


@router.get(
    "/vrijwilligers/{vrijwilliger_id}/begeleidingen",
    response_model=BegeleidingLijst,
    responses=problems(400, 401, 403, 404),
    dependencies=[Depends(known_query("soort", "limit", "cursor"))],
    summary="De begeleiding van een vrijwilliger",
)
async def list_supervision(
    vrijwilliger_id: str,
    request: Request,
    ports: PortsDep,
    soort: Annotated[BegeleidingSoort | None, Query()] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Response:
    """By `datum`, newest first; the volunteer herself does not see the notes."""
    found = await supervision.supervisions(
        parse_id(vrijwilliger_id),
        kind=SupervisionKind(soort) if soort else None,
        cursor=cursor,
        limit=limit,
        uow=ports.uow(),
        actor=ports.actor,
    )
    return page_response(request, found, begeleiding_wire)


@router.get(
    "/vrijwilligers/{vrijwilliger_id}/begeleidingen/{begeleiding_id}",
    response_model=Begeleiding,
    responses=problems(401, 403, 404),
    dependencies=[Depends(known_query())],
    summary="Eén begeleiding",
)
async def get_supervision(
    vrijwilliger_id: str, begeleiding_id: str, request: Request, ports: PortsDep
) -> Response:
    view = await supervision.supervision(
        parse_id(vrijwilliger_id), parse_id(begeleiding_id), uow=ports.uow(), actor=ports.actor
    )
    return record_response(request, begeleiding_wire(view))
