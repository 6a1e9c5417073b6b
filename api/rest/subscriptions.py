"""REST door of webhook subscriptions (CONTRACT §13.3): /v1/abonnementen and deliveries."""

from __future__ import annotations

from typing import Annotated, Literal

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
from api.rest.writes import IDEMPOTENCY_KEY_OPTIONAL, answer, idempotent
from api.schemas.subscriptions import (
    Abonnement,
    AbonnementLijst,
    Aflevering,
    AfleveringLijst,
    NieuwAbonnement,
    delivery_wire,
    subscription_wire,
)
from domain.model.subscription import Delivery, DeliveryStatus
from domain.ports import StoredResponse
from domain.services import subscriptions
from domain.services.subscriptions import CreatedSubscription

router = APIRouter(
    prefix="/v1",
    responses=problems(406, 500),
    tags=["abonnementen"],
    dependencies=[Depends(json_media)],
)
AfleverStatus = Literal["gepland", "afgeleverd", "mislukt", "dood", "geannuleerd"]


def render_created(created: CreatedSubscription) -> StoredResponse:
    s = created.subscription
    body = subscription_wire(s, with_secret=True)
    return StoredResponse(201, body, {"Location": f"/v1/abonnementen/{s.id}", "ETag": '"1"'})


def render_restarted(delivery: Delivery) -> StoredResponse:
    return StoredResponse(202, delivery_wire(delivery))


@router.post(
    "/abonnementen",
    status_code=201,
    response_model=Abonnement,
    responses=problems(400, 401, 403, 409, 413, 415, 422),
    summary="Abonnement aanmaken",
    openapi_extra=request_body(NieuwAbonnement) | {"parameters": [IDEMPOTENCY_KEY_OPTIONAL]},
)
async def post_subscription(request: Request, ports: PortsDep) -> Response:
    """A webhook for the given event types, for this organisation and the token's scopes.
    The secret (`geheim`) is shown in this answer only; rotate by creating a second
    subscription and deleting the first."""
    command = (await json_body(request, NieuwAbonnement)).to_command()
    outcome = await idempotent(
        request,
        ports,
        render_created,
        lambda once: subscriptions.create(
            command,
            uow=ports.uow(),
            clock=ports.clock,
            ids=ports.ids,
            actor=ports.actor,
            guard=ports.url_guard,
            once=once,
        ),
    )
    return await answer(outcome, render_created)


@router.get(
    "/abonnementen",
    response_model=AbonnementLijst,
    responses=problems(400, 401, 403),
    dependencies=[Depends(known_query("limit", "cursor"))],
    summary="Abonnementen van de eigen organisatie",
)
async def list_subscriptions(
    request: Request, ports: PortsDep, limit: Limit = 50, cursor: Cursor = None
) -> Response:
    """Those this token manages: of its organisation, with types it may receive itself."""
    found = await subscriptions.page(cursor=cursor, limit=limit, uow=ports.uow(), actor=ports.actor)
    return page_response(request, found, subscription_wire)


@router.get(
    "/abonnementen/{abonnement_id}",
    response_model=Abonnement,
    responses=problems(401, 403, 404),
    dependencies=[Depends(known_query())],
    summary="Eén abonnement",
)
async def get_subscription(abonnement_id: str, ports: PortsDep) -> Response:
    found = await subscriptions.get(parse_id(abonnement_id), uow=ports.uow(), actor=ports.actor)
    return json_response(subscription_wire(found), headers={"ETag": f'"{found.version}"'})


@router.delete(
    "/abonnementen/{abonnement_id}",
    status_code=204,
    responses=problems(401, 403, 404),
    dependencies=[Depends(known_query())],
    summary="Abonnement verwijderen",
)
async def delete_subscription(abonnement_id: str, ports: PortsDep) -> Response:
    """Its pending deliveries are cancelled."""
    await subscriptions.delete(
        parse_id(abonnement_id), uow=ports.uow(), clock=ports.clock, actor=ports.actor
    )
    return Response(status_code=204)


@router.get(
    "/abonnementen/{abonnement_id}/afleveringen",
    response_model=AfleveringLijst,
    responses=problems(400, 401, 403, 404),
    dependencies=[Depends(known_query("status", "limit", "cursor"))],
    summary="Afleveringen van een abonnement",
)
async def list_deliveries(
    abonnement_id: str,
    request: Request,
    ports: PortsDep,
    status: Annotated[list[AfleverStatus] | None, Query()] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Response:
    """Newest first; never a response body of the receiver."""
    found = await subscriptions.deliveries(
        parse_id(abonnement_id),
        statuses=frozenset(DeliveryStatus(s) for s in status or ()),
        cursor=cursor,
        limit=limit,
        uow=ports.uow(),
        actor=ports.actor,
    )
    return page_response(request, found, delivery_wire)


@router.post(
    "/abonnementen/{abonnement_id}/afleveringen/{aflevering_id}/opnieuw",
    status_code=202,
    response_model=Aflevering,
    responses=problems(401, 403, 404, 409, 422),
    summary="Een dode aflevering opnieuw proberen",
    openapi_extra={"parameters": [IDEMPOTENCY_KEY_OPTIONAL]},
)
async def redeliver(
    abonnement_id: str, aflevering_id: str, request: Request, ports: PortsDep
) -> Response:
    """Only a `dood` delivery (else 409 `ongeldige-status`); the same `webhook-id`."""
    subscription_id, delivery_id = parse_id(abonnement_id), parse_id(aflevering_id)
    outcome = await idempotent(
        request,
        ports,
        render_restarted,
        lambda once: subscriptions.redeliver(
            subscription_id,
            delivery_id,
            uow=ports.uow(),
            clock=ports.clock,
            actor=ports.actor,
            once=once,
        ),
    )
    return await answer(outcome, render_restarted)
