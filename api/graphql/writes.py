"""What the lifecycle mutations share: `invoer` validated by the REST model, the optional
idempotencyKey, and a DomainError turned into the mutation's union member (CONTRACT §17).

idempotencyKey behaves like Idempotency-Key (§5.2): scoped per (sub, org, mutation field
name); the fingerprint is the SHA-256 of the arguments (`invoer` and the ids and `versie` it
acts on) re-serialised with sorted keys, so a key reused on another trajectory is
`IdempotencyKeyHergebruikt` rather than the other trajectory's answer. The stored response is
the member's JSON: the REST rendering of the resource for a success, the refusal's fields for a
409. A replay rebuilds the member from it through the same function as the first answer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable, Mapping
from http import HTTPStatus
from typing import Any, TypeVar

import strawberry
from pydantic import BaseModel, ValidationError

from api.deps import idempotency_claim
from api.errors import status_of
from api.graphql.context import Context
from api.graphql.failure_audit import audit_failure
from api.graphql.results import Fout, failure_of, member_from_json, member_json, shape_violation
from domain.errors import DomainError
from domain.ports import StoredResponse
from domain.services.once import Once, Replayed, remember_refusal

Info = strawberry.Info[Context, None]
M = TypeVar("M", bound=BaseModel)
C = TypeVar("C")
R = TypeVar("R")
S = TypeVar("S")
Wire = Mapping[str, Any]


def validated(model: type[M], body: Any) -> M:
    """`invoer` through the REST model: the same codes and JSON paths as REST (400)."""
    try:
        return model.model_validate(body)
    except ValidationError as error:
        raise shape_violation(error) from None


def fingerprint(arguments: Mapping[str, Any]) -> str:
    canonical = json.dumps(arguments, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


async def mutate(
    info: Info,
    *,
    field: str,
    key: str | None,
    arguments: Mapping[str, Any],
    command: Callable[[], C],
    run: Callable[[C, Once[R] | None], Awaitable[R | Replayed]],
    wire: Callable[[R], dict[str, Any]],
    success: Callable[[Wire, bool], S],
    failures: tuple[type[Fout], ...],
    created: bool = True,
) -> S | Fout:
    """Validates, claims the key, runs the use case (which stores its outcome under the key
    in its own transaction) and renders the outcome as a member."""
    context = info.context
    status = HTTPStatus.CREATED if created else HTTPStatus.OK
    once: Once[R] | None = None
    try:
        parsed = command()
        claim = idempotency_claim(
            key,
            actor=context.actor,
            scope=f"graphql {field}",
            fingerprint=fingerprint(arguments),
            required=False,
        )
        if claim is not None:
            once = Once(claim, lambda result: StoredResponse(status, wire(result)))
        outcome = await run(parsed, once)
    except DomainError as error:
        member = failure_of(error)
        if not isinstance(member, failures):
            raise  # not a member of this union: a GraphQL error with its code
        await audit_failure(context.request, status_of(error))
        if once is not None and status_of(error) == HTTPStatus.CONFLICT:
            await _keep_refusal(once, member, context)
        return member
    if isinstance(outcome, Replayed):
        return _replayed(outcome.response, success, failures)
    return success(wire(outcome), False)


async def _keep_refusal(once: Once[R], member: Fout, context: Context) -> None:
    """A 409 answer is kept under the key too, except `verzoek-loopt-nog` (CONTRACT §5.2)."""
    if member.code == "verzoek-loopt-nog":
        return
    response = StoredResponse(HTTPStatus.CONFLICT, member_json(member))
    await remember_refusal(once, response, uow=context.new_uow())


def _replayed(
    stored: StoredResponse,
    success: Callable[[Wire, bool], S],
    failures: tuple[type[Fout], ...],
) -> S | Fout:
    if HTTPStatus.OK <= stored.status < HTTPStatus.MULTIPLE_CHOICES:
        return success(stored.body, True)
    member = member_from_json(stored.body)
    if not isinstance(member, failures):
        raise RuntimeError("a stored refusal that is no member of this union")
    return member
