"""Referral intake over GraphQL: `aanmelden`, `verwijzing`, `verwijzingen` (CONTRACT §8, §17)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from pydantic import ValidationError

from api.deps import idempotency_claim, parse_id
from api.errors import status_of
from api.graphql.context import Context
from api.graphql.failure_audit import audit_failure
from api.graphql.inputs import AanmeldInvoer, rest_body
from api.graphql.results import (
    AanmeldenGelukt,
    AanmeldenResultaat,
    intake_failure,
    replayed_intake,
    shape_violation,
    validation_failure,
)
from api.graphql.types import VerwijzingStatus, VerwijzingStatusLijst
from api.schemas.referrals import NieuweVerwijzing, VerwijzingZoekvraag, render_intake
from domain.errors import DomainError, NotFound
from domain.services import referrals
from domain.services.referrals import Replayed

Info = strawberry.Info[Context, None]
INTAKE_SCOPE = "graphql aanmelden"  # idempotency scope: (sub, org, mutation field name)


async def aanmelden(
    info: Info,
    invoer: AanmeldInvoer,
    idempotency_key: Annotated[
        str, strawberry.argument(description="16-64 tekens [A-Za-z0-9_-] (CONTRACT §5.2).")
    ],
) -> AanmeldenResultaat:
    """Registers a referral and opens its trajectory (`aangemeld`) in one transaction; the
    same idempotencyKey replays the first outcome (`herhaald: true`)."""
    context = info.context
    try:
        body = NieuweVerwijzing.model_validate(rest_body(invoer))
    except ValidationError as error:
        await audit_failure(context.request, 400)
        return validation_failure(shape_violation(error))
    fingerprint = body.fingerprint()
    try:
        claim = idempotency_claim(
            idempotency_key,
            actor=context.actor,
            scope=INTAKE_SCOPE,
            fingerprint=fingerprint,
            required=True,
        )
        outcome = await referrals.register(
            body.to_command(fingerprint),
            uow=context.new_uow(),
            clock=context.clock,
            ids=context.ids,
            actor=context.actor,
            directory=context.directory,
            claim=claim,
            render=lambda o: render_intake(o, instance="/v1/graphql"),
        )
    except DomainError as error:
        await audit_failure(context.request, status_of(error))
        return intake_failure(error)
    if isinstance(outcome, Replayed):
        return replayed_intake(outcome.response)
    verwijzing = VerwijzingStatus.from_view(outcome.view)
    return AanmeldenGelukt(verwijzing=verwijzing, nieuw=outcome.created, herhaald=False)


async def verwijzing(
    info: Info, verwijzing_id: Annotated[strawberry.ID, strawberry.argument(name="id")]
) -> VerwijzingStatus | None:
    """The status view of one own referral; null when missing or someone else's."""
    context = info.context
    try:
        view = await referrals.status(
            parse_id(verwijzing_id), uow=context.new_uow(), actor=context.actor
        )
    except NotFound:
        return None
    return VerwijzingStatus.from_view(view)


async def verwijzingen(info: Info, referentie: str) -> VerwijzingStatusLijst:
    """The caller's own referrals with this reference (an argument, never in a URL)."""
    try:
        question = VerwijzingZoekvraag.model_validate({"referentie": referentie})
    except ValidationError as error:
        raise shape_violation(error) from None
    context = info.context
    found = await referrals.find(question.referentie, uow=context.new_uow(), actor=context.actor)
    return VerwijzingStatusLijst(resultaten=[VerwijzingStatus.from_view(v) for v in found])
