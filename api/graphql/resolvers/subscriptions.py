"""Webhook subscriptions over GraphQL (CONTRACT §13.3, §17): `abonnementAanmaken`,
`abonnementVerwijderen`, `afleveringOpnieuw` and the queries `abonnementen`, `afleveringen`,
through the same use cases and policy as REST."""

from __future__ import annotations

from typing import Annotated, Final, cast

import strawberry

from api.deps import parse_id
from api.graphql.inputs import rest_body
from api.graphql.subscription_types import (
    ABONNEMENT_AANMAKEN_FAILURES,
    ABONNEMENT_VERWIJDEREN_FAILURES,
    AFLEVERING_OPNIEUW_FAILURES,
    Abonnement,
    AbonnementAangemaakt,
    AbonnementAanmakenResultaat,
    AbonnementInvoer,
    AbonnementVerbinding,
    AbonnementVerwijderd,
    AbonnementVerwijderenResultaat,
    Aflevering,
    AfleveringOpnieuwGepland,
    AfleveringOpnieuwResultaat,
    AfleveringVerbinding,
    AfleverStatus,
)
from api.graphql.writes import Info, mutate, validated
from api.schemas.subscriptions import NieuwAbonnement, delivery_wire, subscription_wire
from domain.errors import NotFound, RuleViolation
from domain.model.subscription import Delivery, DeliveryStatus
from domain.services import subscriptions
from domain.services.once import Once, Replayed
from domain.services.subscriptions import CreatedSubscription, NewSubscription

KEY: Final = "Optioneel, 16-64 tekens [A-Za-z0-9_-]; als Idempotency-Key (CONTRACT §5.2)."
Key = Annotated[str | None, strawberry.argument(description=KEY)]
Id = Annotated[strawberry.ID, strawberry.argument(name="id")]


async def abonnement_aanmaken(
    info: Info, invoer: AbonnementInvoer, idempotency_key: Key = None
) -> AbonnementAanmakenResultaat:
    """A webhook for the given types; the secret is in this answer only."""
    context, body = info.context, rest_body(invoer)

    def command() -> NewSubscription:
        return validated(NieuwAbonnement, body).to_command()

    async def run(
        cmd: NewSubscription, once: Once[CreatedSubscription] | None
    ) -> CreatedSubscription | Replayed:
        return await subscriptions.create(
            cmd,
            uow=context.new_uow(),
            clock=context.clock,
            ids=context.ids,
            actor=context.actor,
            guard=context.url_guard,
            once=once,
        )

    result = await mutate(
        info,
        field="abonnementAanmaken",
        key=idempotency_key,
        arguments={"invoer": body},
        command=command,
        run=run,
        wire=lambda created: subscription_wire(created.subscription, with_secret=True),
        success=AbonnementAangemaakt.from_wire,
        failures=ABONNEMENT_AANMAKEN_FAILURES,
    )
    return cast(AbonnementAanmakenResultaat, result)


async def abonnement_verwijderen(
    info: Info, abonnement_id: Id, idempotency_key: Key = None
) -> AbonnementVerwijderenResultaat:
    """Its pending deliveries are cancelled."""
    context = info.context

    async def run(subscription_id: str, once: Once[str] | None) -> str | Replayed:
        return await subscriptions.delete(
            subscription_id,
            uow=context.new_uow(),
            clock=context.clock,
            actor=context.actor,
            once=once,
        )

    result = await mutate(
        info,
        field="abonnementVerwijderen",
        key=idempotency_key,
        arguments={"id": abonnement_id},
        command=lambda: parse_id(abonnement_id),
        run=run,
        wire=lambda deleted: {"id": deleted},
        success=AbonnementVerwijderd.from_wire,
        failures=ABONNEMENT_VERWIJDEREN_FAILURES,
        created=False,
    )
    return cast(AbonnementVerwijderenResultaat, result)


async def aflevering_opnieuw(
    info: Info,
    abonnement_id: strawberry.ID,
    aflevering_id: strawberry.ID,
    idempotency_key: Key = None,
) -> AfleveringOpnieuwResultaat:
    """Only a `dood` delivery starts again, with the same `webhook-id`."""
    context = info.context

    async def run(ids: tuple[str, str], once: Once[Delivery] | None) -> Delivery | Replayed:
        return await subscriptions.redeliver(
            *ids, uow=context.new_uow(), clock=context.clock, actor=context.actor, once=once
        )

    result = await mutate(
        info,
        field="afleveringOpnieuw",
        key=idempotency_key,
        arguments={"abonnementId": abonnement_id, "afleveringId": aflevering_id},
        command=lambda: (parse_id(abonnement_id), parse_id(aflevering_id)),
        run=run,
        wire=delivery_wire,
        success=AfleveringOpnieuwGepland.from_wire,
        failures=AFLEVERING_OPNIEUW_FAILURES,
        created=False,
    )
    return cast(AfleveringOpnieuwResultaat, result)


def _size(limit: int | None) -> int:
    size = 50 if limit is None else limit
    if not 1 <= size <= 200:
        raise RuleViolation.of("limit", "ongeldige-waarde", "Tussen 1 en 200.")
    return size


async def abonnementen(
    info: Info, limit: int | None = 50, cursor: str | None = None
) -> AbonnementVerbinding:
    """The organisation's subscriptions this token manages, newest first."""
    context = info.context
    found = await subscriptions.page(
        cursor=cursor, limit=_size(limit), uow=context.new_uow(), actor=context.actor
    )
    return AbonnementVerbinding(
        resultaten=[Abonnement.from_wire(subscription_wire(s)) for s in found.items],
        volgende=found.next_cursor,
    )


async def afleveringen(
    info: Info,
    abonnement_id: strawberry.ID,
    status: list[AfleverStatus] | None = None,
    limit: int | None = 50,
    cursor: str | None = None,
) -> AfleveringVerbinding | None:
    """Null for a subscription that is missing or not this token's to manage."""
    context = info.context
    try:
        found = await subscriptions.deliveries(
            parse_id(abonnement_id),
            statuses=frozenset(DeliveryStatus(s.value) for s in status or ()),
            cursor=cursor,
            limit=_size(limit),
            uow=context.new_uow(),
            actor=context.actor,
        )
    except NotFound:
        return None
    return AfleveringVerbinding(
        resultaten=[Aflevering.from_wire(delivery_wire(d)) for d in found.items],
        volgende=found.next_cursor,
    )
