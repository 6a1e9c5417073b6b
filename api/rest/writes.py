"""What the REST write routes share: If-Match, optional Idempotency-Key, stored answers."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import Response
from pydantic_core import to_json

from api.deps import Ports, idempotency_claim
from api.errors import problem_extras, status_of
from api.problems import PROBLEM_MEDIA_TYPE, instance_for, problem_body
from api.rest.common import json_response
from domain.errors import DomainError, RuleViolation
from domain.ports import StoredResponse
from domain.services.once import Once, Replayed, remember_refusal

R = TypeVar("R")

IF_MATCH_PARAMETER: dict[str, Any] = {
    "name": "If-Match",
    "in": "header",
    "required": False,
    "description": 'De versie die de client las, als "<versie>" (CONTRACT §5.1).',
    "schema": {"type": "string", "pattern": '^(W/)?"?[0-9]+"?$|^\\*$'},
}
IDEMPOTENCY_KEY_OPTIONAL: dict[str, Any] = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "16-64 tekens [A-Za-z0-9_-], UUIDv4 aanbevolen (CONTRACT §5.2).",
    "schema": {"type": "string", "pattern": '^"?[A-Za-z0-9_-]{16,64}"?$'},
}


def if_match(request: Request) -> int | None:
    """`If-Match: "<versie>"` -> the version; absent or `*` -> None (no precondition)."""
    raw = request.headers.get("if-match")
    if raw is None or raw.strip() == "*":
        return None
    value = raw.strip().removeprefix("W/").strip('"')
    if not value.isdigit() or not value.isascii() or len(value) > 9:
        raise RuleViolation.of("If-Match", "ongeldig-formaat", 'Verwacht "<versie>".')
    return int(value)


def fingerprint_of(raw: bytes) -> str:
    """SHA-256 of the body re-serialised with sorted keys (CONTRACT §5.2)."""
    canonical = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


async def once_for(
    request: Request, ports: Ports, render: Callable[[R], StoredResponse]
) -> Once[R] | None:
    """The optional Idempotency-Key of a POST, scoped per (sub, org, method, path)."""
    raw = request.headers.get("idempotency-key")
    if raw is None:
        return None
    claim = idempotency_claim(
        raw,
        actor=ports.actor,
        scope=f"POST {request.url.path}",
        fingerprint=fingerprint_of(await request.body()),
        required=False,
    )
    return None if claim is None else Once(claim, render)


def respond(stored: StoredResponse, *, replayed: bool = False) -> Response:
    headers = {k: v for k, v in stored.headers.items() if k != "Content-Type"}
    if replayed:
        headers["Idempotency-Replayed"] = "true"
    media = stored.headers.get("Content-Type", "application/json")
    return Response(
        to_json(stored.body), status_code=stored.status, headers=headers, media_type=media
    )


async def answer(
    outcome: R | Replayed,
    render: Callable[[R], StoredResponse],
) -> Response:
    if isinstance(outcome, Replayed):
        return respond(outcome.response, replayed=True)
    return respond(render(outcome))


async def idempotent(
    request: Request,
    ports: Ports,
    render: Callable[[R], StoredResponse],
    call: Callable[[Once[R] | None], Awaitable[R | Replayed]],
) -> R | Replayed:
    """Runs a POST's use case under its optional Idempotency-Key; a 409 is kept too."""
    once = await once_for(request, ports, render)
    try:
        return await call(once)
    except DomainError as error:
        await refusal_kept(request, ports, once, error)
        raise


async def refusal_kept(
    request: Request, ports: Ports, once: Once[R] | None, error: DomainError
) -> None:
    """A 409 answer is stored under the key too (not `verzoek-loopt-nog`, CONTRACT §5.2)."""
    if once is None or status_of(error) != 409 or error.code == "verzoek-loopt-nog":
        return
    instance = instance_for(getattr(request.state, "request_id", None), request.url.path)
    body = problem_body(
        error.code, 409, instance=instance, detail=error.detail, extra=problem_extras(error)
    )
    response = StoredResponse(409, body, {"Content-Type": PROBLEM_MEDIA_TYPE})
    await remember_refusal(once, response, uow=ports.uow())


def not_modified(request: Request, etag: str) -> Response | None:
    """`If-None-Match` naming the current ETag -> 304 without a body (CONTRACT §5.1)."""
    header = request.headers.get("if-none-match")
    if header is None:
        return None
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    if "*" in tags or etag.removeprefix("W/") in tags:
        return Response(status_code=304, headers={"ETag": etag})
    return None


def content_etag(body: Any) -> str:
    """A weak ETag over the representation, for records that are never edited but may gain
    a field (a visit its `vervangenDoor`), CONTRACT §5.1."""
    return f'W/"{hashlib.sha256(to_json(body)).hexdigest()[:16]}"'


def record_response(request: Request, body: dict[str, Any]) -> Response:
    """An append-only record with its content ETag; `If-None-Match` on it answers 304."""
    etag = content_etag(body)
    return not_modified(request, etag) or json_response(body, headers={"ETag": etag})
