"""REST door of the Meldcode workflow (CONTRACT §12): signals, cases and their steps."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic_core import from_json

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
from api.schemas.meldcode import (
    MeldcodeCasus,
    MeldcodeCasusLijst,
    MeldcodeStap,
    MeldcodeStapLijst,
    NieuwSignaal,
    Signaal,
    SignaalOntvangen,
    case_wire,
    receipt_wire,
    signal_view_wire,
    step_command,
    step_wire,
)
from api.schemas.meldcode_steps import NieuweMeldcodeStap
from domain.errors import RuleViolation
from domain.model.meldcode import CaseStatus
from domain.ports import StoredResponse
from domain.services import meldcode, meldcode_reads
from domain.views.meldcode import SignalReceipt, StepResult

router = APIRouter(
    prefix="/v1",
    responses=problems(406, 500),
    tags=["meldcode"],
    dependencies=[Depends(json_media)],
)

MeldcodeStatus = Literal[
    "signaal_ontvangen",
    "signalen_in_kaart",
    "geconsulteerd",
    "gesprek_gevoerd",
    "gewogen",
    "besloten",
    "afgesloten",
]
UUID_QUERY = r"^[0-9a-fA-F-]{36}$"


def render_receipt(receipt: SignalReceipt) -> StoredResponse:
    return StoredResponse(201, receipt_wire(receipt), {"Location": f"/v1/signalen/{receipt.id}"})


def render_step(result: StepResult) -> StoredResponse:
    step = result.step
    location = f"/v1/meldcode-casussen/{step.case_id}/stappen/{step.id}"
    headers = {"Location": location, "ETag": f'"{result.case_version}"'}
    return StoredResponse(201, step_wire(step), headers)


@router.post(
    "/trajecten/{traject_id}/signalen",
    status_code=201,
    response_model=SignaalOntvangen,
    responses=problems(400, 401, 403, 404, 409, 413, 415, 422),
    summary="Signaal melden",
    openapi_extra=request_body(NieuwSignaal) | {"parameters": [IDEMPOTENCY_KEY_OPTIONAL]},
)
async def post_signal(traject_id: str, request: Request, ports: PortsDep) -> Response:
    """Opens a Meldcode case for the trajectory or joins its open one; a volunteer only on a
    trajectory matched to her, and she learns only `{id, status}`. With `acuutGevaar: true`
    the answer says to phone 112 or Veilig Thuis (0800-2000) now; the service calls nobody."""
    trajectory_id = parse_id(traject_id)
    command = (await json_body(request, NieuwSignaal)).to_command(trajectory_id)
    outcome = await idempotent(
        request,
        ports,
        render_receipt,
        lambda once: meldcode.raise_signal(
            command, uow=ports.uow(), clock=ports.clock, ids=ports.ids, actor=ports.actor, once=once
        ),
    )
    return await answer(outcome, render_receipt)


@router.get(
    "/signalen/{signaal_id}",
    response_model=Signaal | SignaalOntvangen,
    responses=problems(401, 403, 404),
    dependencies=[Depends(known_query())],
    summary="Eén signaal (de melder ziet alleen de status)",
)
async def get_signal(signaal_id: str, request: Request, ports: PortsDep) -> Response:
    view = await meldcode_reads.signal(parse_id(signaal_id), uow=ports.uow(), actor=ports.actor)
    return record_response(request, signal_view_wire(view))


@router.get(
    "/meldcode-casussen",
    response_model=MeldcodeCasusLijst,
    responses=problems(400, 401, 403),
    dependencies=[Depends(known_query("status", "trajectId", "limit", "cursor"))],
    summary="Meldcode-casussen van de eigen organisatie",
)
async def list_cases(
    request: Request,
    ports: PortsDep,
    status: Annotated[list[MeldcodeStatus] | None, Query()] = None,
    traject_id: Annotated[
        str | None,
        Query(alias="trajectId", pattern=UUID_QUERY, json_schema_extra={"pattern": UUID_QUERY}),
    ] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Response:
    """Newest first; only with `meldcode.behandelen` (C, A, E), one audit line per case."""
    found = await meldcode_reads.page(
        statuses=frozenset(CaseStatus(s) for s in status or ()),
        trajectory_id=traject_id.lower() if traject_id else None,
        cursor=cursor,
        limit=limit,
        uow=ports.uow(),
        actor=ports.actor,
    )
    return page_response(request, found, case_wire)


@router.get(
    "/meldcode-casussen/{casus_id}",
    response_model=MeldcodeCasus,
    responses={304: {"description": "Niet gewijzigd (If-None-Match)."}, **problems(401, 403, 404)},
    dependencies=[Depends(known_query())],
    summary="Eén Meldcode-casus",
)
async def get_case(casus_id: str, request: Request, ports: PortsDep) -> Response:
    view = await meldcode_reads.get(parse_id(casus_id), uow=ports.uow(), actor=ports.actor)
    etag = f'"{view.case.version}"'
    return not_modified(request, etag) or json_response(case_wire(view), headers={"ETag": etag})


@router.post(
    "/meldcode-casussen/{casus_id}/stappen",
    status_code=201,
    response_model=MeldcodeStap,
    responses=problems(400, 401, 403, 404, 409, 412, 413, 415, 422),
    summary="Meldcode-stap vastleggen",
    openapi_extra=request_body(NieuweMeldcodeStap)
    | {"parameters": [IF_MATCH_PARAMETER, IDEMPOTENCY_KEY_OPTIONAL]},
)
async def post_step(casus_id: str, request: Request, ports: PortsDep) -> Response:
    """Appends one step, strictly in the order of the meldcode; never edits one (use
    `addendum`). Step 5 (`besluit`) only by the eindverantwoordelijke with
    `meldcode.beslissen`; `mim_voortzetting` moves the trajectory in the same transaction."""
    case_id = parse_id(casus_id)
    expected = if_match(request)
    try:
        data = from_json(await request.body())
    except ValueError:
        raise RuleViolation.of("$", "ongeldige-json", "De body is geen geldige JSON.") from None
    command = step_command(data, case_id, expected)
    outcome = await idempotent(
        request,
        ports,
        render_step,
        lambda once: meldcode.record_step(
            command, uow=ports.uow(), clock=ports.clock, ids=ports.ids, actor=ports.actor, once=once
        ),
    )
    return await answer(outcome, render_step)


@router.get(
    "/meldcode-casussen/{casus_id}/stappen",
    response_model=MeldcodeStapLijst,
    responses=problems(400, 401, 403, 404),
    dependencies=[Depends(known_query("limit", "cursor"))],
    summary="De stappen van een Meldcode-casus",
)
async def list_steps(
    casus_id: str, request: Request, ports: PortsDep, limit: Limit = 50, cursor: Cursor = None
) -> Response:
    """By `volgnummer`, oldest first."""
    found = await meldcode_reads.steps(
        parse_id(casus_id), cursor=cursor, limit=limit, uow=ports.uow(), actor=ports.actor
    )
    return page_response(request, found, step_wire)


@router.get(
    "/meldcode-casussen/{casus_id}/stappen/{stap_id}",
    response_model=MeldcodeStap,
    responses=problems(401, 403, 404),
    dependencies=[Depends(known_query())],
    summary="Eén Meldcode-stap",
)
async def get_step(casus_id: str, stap_id: str, request: Request, ports: PortsDep) -> Response:
    found = await meldcode_reads.step(
        parse_id(casus_id), parse_id(stap_id), uow=ports.uow(), actor=ports.actor
    )
    return record_response(request, step_wire(found))
