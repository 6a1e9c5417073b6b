"""Annotated dependencies shared by the REST routes and the GraphQL context.

All are `async def`: FastAPI runs a plain `def` dependency in a worker thread, which costs
more than everything it does here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Protocol
from uuid import UUID

from fastapi import Depends, Request

from api.auth import TokenVerifier, authenticate
from domain.errors import NotFound, RuleViolation
from domain.model.audit import AuditEntry
from domain.model.contact import IDEMPOTENCY_KEY
from domain.model.organisations import OrganisationDirectory
from domain.policy import Actor
from domain.ports import AccessContext, Clock, IdempotencyClaim, IdGenerator, UnitOfWork
from domain.services.subscriptions import UrlGuard


class UnitOfWorkFactory(Protocol):
    def __call__(self, context: AccessContext) -> UnitOfWork: ...


@dataclass(frozen=True, slots=True)
class Services:
    """Everything `create_app` wires once; routes reach it through the dependencies below."""

    new_uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator
    directory: OrganisationDirectory
    verifier: TokenVerifier
    record_failure: Callable[[AccessContext, Sequence[AuditEntry], int], Awaitable[None]]
    url_guard: UrlGuard


def actor_of(request: Request, wiring: Services) -> Actor:
    """The verified caller (api.request_gate verified those of body requests already).
    The bearer scheme is documented in the OpenAPI document by api.app."""
    actor: Actor | None = getattr(request.state, "actor", None)
    if actor is None:
        header = request.headers.get("authorization")
        actor = authenticate(header if header else None, wiring.verifier)
        request.state.actor = actor
    return actor


def access_context(request: Request, actor: Actor) -> AccessContext:
    state: Any = request.state
    return AccessContext(
        actor=actor,
        request_id=getattr(state, "request_id", None),
        trace_id=getattr(state, "trace_id", None),
        traceparent=getattr(state, "traceparent", None),
        network_address=request.client.host if request.client else None,
    )


@dataclass(frozen=True, slots=True)
class Ports:
    """What a use case needs, bound to this request's caller: one dependency where a route
    would otherwise solve six (each costs more than what it does)."""

    actor: Actor
    new_uow: Callable[[], UnitOfWork]
    clock: Clock
    ids: IdGenerator
    directory: OrganisationDirectory
    url_guard: UrlGuard

    def uow(self) -> UnitOfWork:
        return self.new_uow()


async def ports_of(request: Request) -> Ports:
    wiring: Services = request.app.state.services
    actor = actor_of(request, wiring)
    context = access_context(request, actor)
    return Ports(
        actor=actor,
        new_uow=lambda: wiring.new_uow(context),
        clock=wiring.clock,
        ids=wiring.ids,
        directory=wiring.directory,
        url_guard=wiring.url_guard,
    )


PortsDep = Annotated[Ports, Depends(ports_of)]


def parse_id(value: str) -> str:
    """A path id that is not a UUID answers 404, like a missing one (CONTRACT §1)."""
    try:
        return str(UUID(value))
    except ValueError:
        raise NotFound("Niet gevonden.") from None


def idempotency_claim(
    raw: str | None, *, actor: Actor, scope: str, fingerprint: str, required: bool
) -> IdempotencyClaim | None:
    """Idempotency-Key (structured-field string, bare form accepted) -> a claim, per
    (sub, org, method and path or mutation field)."""
    if raw is None or raw == "":
        if required:
            raise RuleViolation.of(
                "Idempotency-Key", "idempotency-key-ontbreekt", "Idempotency-Key is verplicht."
            )
        return None
    key = raw[1:-1] if len(raw) >= 2 and raw[0] == raw[-1] == '"' else raw
    if not IDEMPOTENCY_KEY.fullmatch(key):
        raise RuleViolation.of(
            "Idempotency-Key", "ongeldig-formaat", "16-64 tekens uit [A-Za-z0-9_-]."
        )
    material = "\x1f".join((actor.id, actor.organisation, scope, key))
    return IdempotencyClaim(hashlib.sha256(material.encode()).hexdigest(), fingerprint)
