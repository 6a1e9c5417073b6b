"""The one error table: DomainError -> HTTP status and GraphQL member; problem+json rendering."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Final

import structlog
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Match

from api.problems import PROBLEM_MEDIA_TYPE, instance_for, problem_body
from domain.errors import (
    DomainError,
    DuplicateReferral,
    FieldProblem,
    Forbidden,
    IdempotencyKeyReused,
    InvalidState,
    InvalidTransition,
    NotFound,
    PreconditionRequired,
    RequestInProgress,
    RuleViolation,
    Unauthenticated,
    VersionConflict,
)


@dataclass(frozen=True, slots=True)
class ErrorRoute:
    status: HTTPStatus
    graphql_member: str


ERROR_TABLE: Final[Mapping[type[DomainError], ErrorRoute]] = {
    RuleViolation: ErrorRoute(HTTPStatus.BAD_REQUEST, "ValidatieFout"),
    Unauthenticated: ErrorRoute(HTTPStatus.UNAUTHORIZED, "NietGeauthenticeerd"),
    Forbidden: ErrorRoute(HTTPStatus.FORBIDDEN, "GeenBevoegdheid"),
    NotFound: ErrorRoute(HTTPStatus.NOT_FOUND, "NietGevonden"),
    InvalidTransition: ErrorRoute(HTTPStatus.CONFLICT, "OngeldigeOvergang"),
    InvalidState: ErrorRoute(HTTPStatus.CONFLICT, "OngeldigeStatus"),
    VersionConflict: ErrorRoute(HTTPStatus.PRECONDITION_FAILED, "VersieConflict"),
    DuplicateReferral: ErrorRoute(HTTPStatus.CONFLICT, "VerwijzingBestaatAl"),
    IdempotencyKeyReused: ErrorRoute(HTTPStatus.UNPROCESSABLE_ENTITY, "IdempotencyKeyHergebruikt"),
    RequestInProgress: ErrorRoute(HTTPStatus.CONFLICT, "VerzoekLooptNog"),
    # GraphQL has no member: its `versie!` argument is required by the schema.
    PreconditionRequired: ErrorRoute(HTTPStatus.PRECONDITION_REQUIRED, "VersieConflict"),
}


def route_of(error: DomainError) -> ErrorRoute:
    for kind in type(error).__mro__:
        if kind in ERROR_TABLE:
            return ERROR_TABLE[kind]
    return ErrorRoute(HTTPStatus.INTERNAL_SERVER_ERROR, "InterneFout")


def status_of(error: DomainError) -> int:
    if isinstance(error, VersionConflict) and not error.precondition:
        return HTTPStatus.CONFLICT
    return route_of(error).status


def problem_extras(error: DomainError, request_path_prefix: str = "/v1") -> dict[str, Any]:
    if isinstance(error, RuleViolation):
        return {"invalidParams": [_param(p) for p in error.problems]}
    if isinstance(error, InvalidTransition):
        extra: dict[str, Any] = {
            "van": error.current,
            "naar": error.target,
            "toegestaneOvergangen": error.allowed,
        }
        if error.condition:
            extra["voorwaarde"] = error.condition
        return extra
    if isinstance(error, InvalidState) and error.condition:
        return {"voorwaarde": error.condition}
    if isinstance(error, VersionConflict):
        return {"huidigeVersie": error.current_version}
    if isinstance(error, DuplicateReferral):
        return {"bestaandeVerwijzing": f"{request_path_prefix}/verwijzingen/{error.existing_id}"}
    return {}


def _param(problem: FieldProblem) -> dict[str, str]:
    return {"name": problem.name, "code": problem.code, "reason": problem.reason}


def problem_headers(error: DomainError) -> dict[str, str]:
    if isinstance(error, Unauthenticated):
        return {
            "WWW-Authenticate": 'Bearer error="invalid_token"' if error.token_sent else "Bearer"
        }
    if isinstance(error, RequestInProgress):
        return {"Retry-After": "1"}
    return {}


def problem_response(
    request: Request,
    code: str,
    status: int,
    *,
    detail: str | None = None,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = problem_body(
        code,
        status,
        instance=instance_for(getattr(request.state, "request_id", None), request.url.path),
        detail=detail,
        extra=extra,
    )
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)


def render_domain_error(request: Request, error: DomainError) -> JSONResponse:
    return problem_response(
        request,
        error.code,
        status_of(error),
        detail=error.detail,
        extra=problem_extras(error),
        headers=problem_headers(error),
    )


# Pydantic error types -> contract codes (CONTRACT §4); our own validators raise the codes.
_OWN_CODES: Final = frozenset(
    {"ongeldig-formaat", "ongeldige-waarde", "bsn-niet-toegestaan", "verplicht", "onbekend-veld"}
)
_FORMAT = re.compile(r"(_parsing|_type|_pattern_mismatch|uuid_|json_type|_from_datetime)")


def code_for(error_type: str, given: object) -> str:
    if error_type in _OWN_CODES:
        return error_type
    if error_type == "missing" or (given is None and _FORMAT.search(error_type)):
        return "verplicht"
    if error_type == "extra_forbidden":
        return "onbekend-veld"
    if error_type == "json_invalid":
        return "ongeldige-json"
    if _FORMAT.search(error_type) or error_type == "model_attributes_type":
        return "ongeldig-formaat"
    return "ongeldige-waarde"


def json_path(location: Sequence[int | str]) -> str:
    """("body", "aanmelding", "redenen", 1) -> "aanmelding.redenen[1]"."""
    source, *rest = location if location else ("body",)
    if source in ("query", "path", "cookie"):
        return str(rest[0]) if rest else ""  # a repeated key is named once: `status`
    if source == "header":
        return "-".join(part.capitalize() for part in str(rest[0]).split("-")) if rest else ""
    path = ""
    for part in rest:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not part.startswith(("function-", "literal[", "json-or-python")):
            path += f".{part}" if path else part
    return path or "$"


def shape_problems(errors: Sequence[Any]) -> list[FieldProblem]:
    problems = []
    for error in errors:
        code = code_for(error.get("type", ""), error.get("input", ...))
        if code == "ongeldige-json":  # its location is a character offset, not a field
            return [FieldProblem("$", code, _REASONS[code])]
        reason = error.get("msg", "") if error.get("type") in _OWN_CODES else _REASONS[code]
        problems.append(FieldProblem(json_path(error.get("loc", ())), code, reason))
    return problems


_REASONS: Final = {
    "verplicht": "Dit veld is verplicht.",
    "onbekend-veld": "Dit veld is onbekend of alleen-lezen.",
    "ongeldige-json": "De body is geen geldige JSON.",
    "ongeldig-formaat": "Het formaat klopt niet.",
    "ongeldige-waarde": "De waarde is niet toegestaan.",
}


async def on_domain_error(request: Request, error: Exception) -> Response:
    if not isinstance(error, DomainError):
        raise error
    await _audit_failure(request, status_of(error))
    return render_domain_error(request, error)


async def on_validation_error(request: Request, error: Exception) -> Response:
    if not isinstance(error, RequestValidationError):
        raise error
    violation = RuleViolation(shape_problems(error.errors()), "De aanvraag is ongeldig.")
    await _audit_failure(request, HTTPStatus.BAD_REQUEST)
    return render_domain_error(request, violation)


_HTTP_CODES: Final = {
    404: "niet-gevonden",
    405: "methode-niet-toegestaan",
    406: "niet-acceptabel",
    413: "te-groot",
    415: "mediatype-niet-ondersteund",
    400: "ongeldige-json",
}


async def on_http_error(request: Request, error: Exception) -> Response:
    if not isinstance(error, StarletteHTTPException):
        raise error
    code = _HTTP_CODES.get(error.status_code, "interne-fout")
    headers = dict(error.headers or {})
    if error.status_code == 405:
        headers["Allow"] = ", ".join(allowed_methods(request))
    return problem_response(request, code, error.status_code, headers=headers)


def allowed_methods(request: Request) -> list[str]:
    """The methods documented for this path (Starlette lists only the first route's).

    A literal path (`/v1/verwijzingen/_zoek`) is served by its own operation only, not by a
    templated sibling that would also match it (`/v1/verwijzingen/{verwijzing_id}`).
    Undocumented routes (the OpenAPI document itself, the development pages) fall back to
    the router.
    """
    served = _documented(request.app, request.url.path)
    if not served:
        served = [
            (method, True)
            for method in _METHODS
            for route in request.app.router.routes
            if route.matches({**request.scope, "method": method})[0] is Match.FULL
        ]
    literal_match = any(is_literal for _, is_literal in served)
    allowed = sorted(
        {m for m, is_literal in served if is_literal or not literal_match}, key=_METHODS.index
    )
    return allowed


def documented_methods(app: Any, path: str) -> list[str]:
    """The methods the OpenAPI document gives this path (a literal path before a template)."""
    served = _documented(app, path)
    literal_match = any(is_literal for _, is_literal in served)
    return [m for m, is_literal in served if is_literal or not literal_match]


def _documented(app: Any, path: str) -> list[tuple[str, bool]]:
    return [
        (method, literal)
        for pattern, literal, methods in _documented_paths(app)
        if pattern.fullmatch(path)
        for method in methods
    ]


def _documented_paths(app: Any) -> list[tuple[re.Pattern[str], bool, list[str]]]:
    cached: list[tuple[re.Pattern[str], bool, list[str]]] | None = getattr(
        app.state, "documented_paths", None
    )
    if cached is None:
        cached = []
        for template, item in app.openapi().get("paths", {}).items():
            regex = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
            methods = [m.upper() for m in item if m.upper() in _METHODS]
            cached.append((re.compile(regex), "{" not in template, methods))
        app.state.documented_paths = cached
    return cached


_METHODS: Final = ("GET", "POST", "PUT", "PATCH", "DELETE")


async def on_unexpected(request: Request, error: Exception) -> Response:
    structlog.get_logger("mim.errors").error("interne-fout", error_type=type(error).__name__)
    await _audit_failure(request, HTTPStatus.INTERNAL_SERVER_ERROR)
    return problem_response(request, "interne-fout", 500)


async def _audit_failure(request: Request, status: int) -> None:
    """Lines of a request failing after authentication, in their own short transaction."""
    hook = getattr(request.app.state, "audit_failure", None)
    if hook is not None and getattr(request.state, "actor", None) is not None:
        await hook(request, status)
