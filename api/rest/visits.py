"""REST door of visit records: /v1/trajecten/{id}/huisbezoeken and corrections."""

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
    known_query,
    page_response,
    problems,
    request_body,
)
from api.rest.writes import IDEMPOTENCY_KEY_OPTIONAL, answer, idempotent, record_response
from api.schemas.visits import (
    Huisbezoek,
    HuisbezoekCorrectie,
    HuisbezoekLijst,
    NieuwHuisbezoek,
    huisbezoek_wire,
)
from domain.ports import StoredResponse
from domain.services import visits
from domain.views.lifecycle import VisitView

router = APIRouter(
    prefix="/v1",
    responses=problems(406, 500),
    tags=["huisbezoeken"],
    dependencies=[Depends(json_media)],
)


def render_visit(view: VisitView) -> StoredResponse:
    v = view.visit
    location = f"/v1/trajecten/{v.trajectory_id}/huisbezoeken/{v.id}"
    return StoredResponse(201, huisbezoek_wire(view, with_warnings=True), {"Location": location})


@router.post(
    "/trajecten/{traject_id}/huisbezoeken",
    status_code=201,
    response_model=Huisbezoek,
    responses=problems(400, 401, 403, 404, 409, 413, 415, 422),
    summary="Huisbezoek vastleggen",
    openapi_extra=request_body(NieuwHuisbezoek) | {"parameters": [IDEMPOTENCY_KEY_OPTIONAL]},
)
async def post_visit(traject_id: str, request: Request, ports: PortsDep) -> Response:
    """Records a visit in kennismaking, uitvoering or afsluiting; a volunteer only on a
    trajectory matched to her. Warnings (`duur-buiten-norm`, `langer-dan-maand-geleden`)
    never block."""
    trajectory_id = parse_id(traject_id)
    body = await json_body(request, NieuwHuisbezoek)
    command = body.to_command(trajectory_id)
    outcome = await idempotent(
        request,
        ports,
        render_visit,
        lambda once: visits.record(
            command, uow=ports.uow(), clock=ports.clock, ids=ports.ids, actor=ports.actor, once=once
        ),
    )
    return await answer(outcome, render_visit)


@router.get(
    "/trajecten/{traject_id}/huisbezoeken",
    response_model=HuisbezoekLijst,
    responses=problems(400, 401, 403, 404),
    dependencies=[Depends(known_query("inclusiefVervangen", "limit", "cursor"))],
    summary="De huisbezoeken van een traject",
)
async def list_visits(
    traject_id: str,
    request: Request,
    ports: PortsDep,
    inclusief_vervangen: Annotated[bool, Query(alias="inclusiefVervangen")] = False,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Response:
    """By `datum`, newest first; replaced records only with `inclusiefVervangen=true`; a
    volunteer sees only visits with her own id."""
    found = await visits.page(
        parse_id(traject_id),
        include_replaced=inclusief_vervangen,
        cursor=cursor,
        limit=limit,
        uow=ports.uow(),
        actor=ports.actor,
    )
    return page_response(request, found, huisbezoek_wire)


@router.get(
    "/trajecten/{traject_id}/huisbezoeken/{bezoek_id}",
    response_model=Huisbezoek,
    responses=problems(401, 403, 404),
    dependencies=[Depends(known_query())],
    summary="Eén huisbezoek",
)
async def get_visit(traject_id: str, bezoek_id: str, request: Request, ports: PortsDep) -> Response:
    view = await visits.get(
        parse_id(traject_id), parse_id(bezoek_id), uow=ports.uow(), actor=ports.actor
    )
    return record_response(request, huisbezoek_wire(view))


@router.post(
    "/trajecten/{traject_id}/huisbezoeken/{bezoek_id}/correcties",
    status_code=201,
    response_model=Huisbezoek,
    responses=problems(400, 401, 403, 404, 409, 413, 415, 422),
    summary="Huisbezoek corrigeren",
    openapi_extra=request_body(HuisbezoekCorrectie) | {"parameters": [IDEMPOTENCY_KEY_OPTIONAL]},
)
async def post_correction(
    traject_id: str, bezoek_id: str, request: Request, ports: PortsDep
) -> Response:
    """A new record that replaces the newest of its chain; the original stays unchanged.
    Accepted while the trajectory is active and up to 30 days after it ended."""
    trajectory_id, visit_id = parse_id(traject_id), parse_id(bezoek_id)
    body = await json_body(request, HuisbezoekCorrectie)
    command = body.to_command(trajectory_id, visit_id)
    outcome = await idempotent(
        request,
        ports,
        render_visit,
        lambda once: visits.correct(
            command, uow=ports.uow(), clock=ports.clock, ids=ports.ids, actor=ports.actor, once=once
        ),
    )
    return await answer(outcome, render_visit)


async def post_visit_direct(request: Request) -> Response:
    """`post_visit` served straight from the request gate (api.direct_route)."""
    ports = await ports_of(request)
    return await post_visit(request.path_params["traject_id"], request, ports)
