"""What every REST module shares: problem documentation, query and media-type guards, paging."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode

from fastapi import Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import to_json
from starlette.exceptions import HTTPException

from api.errors import shape_problems
from api.problems import PROBLEM_MEDIA_TYPE, acceptable
from api.schemas.common import QueryInt, between
from api.schemas.lean_validation import validate_json
from domain.errors import FieldProblem, RuleViolation
from domain.model.bsn import looks_like_bsn
from domain.views import Page

# The paging parameters of every list (CONTRACT §5.4).
Limit = Annotated[QueryInt, Query(ge=1, le=200, json_schema_extra=between(1, 200))]
Cursor = Annotated[str | None, Query(max_length=512)]


class InvalidParam(BaseModel):
    name: str
    code: str
    reason: str


class Problem(BaseModel):
    """RFC 9457 problem details in the ZGW ValidatieFout shape (CONTRACT §4)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    type: str
    title: str
    status: int
    detail: str
    instance: str
    code: str
    invalidParams: list[InvalidParam] | None = None  # noqa: N815 (published name)


_DESCRIPTIONS = {
    400: "Ongeldige aanvraag (invalidParams noemt elk veld).",
    401: "Niet geauthenticeerd.",
    403: "Geen bevoegdheid.",
    404: "Niet gevonden (ook van een andere organisatie).",
    405: "Methode niet toegestaan.",
    406: "Niet acceptabel.",
    409: "Conflict.",
    412: "Versieconflict.",
    413: "Verzoek te groot.",
    415: "Mediatype niet ondersteund.",
    422: "Idempotency-Key hergebruikt met een andere body.",
    428: "If-Match vereist.",
    500: "Interne fout.",
}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: each status it can return, as problem+json."""
    return {
        status: {
            "description": _DESCRIPTIONS[status],
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }


def known_query(*names: str) -> Callable[[Request], Awaitable[None]]:
    """Documented query keys only (400 `onbekende-parameter`); values BSN-guarded."""
    allowed = frozenset(names)
    exempt = frozenset({"cursor"})

    async def check(request: Request) -> None:
        problems_found = []
        for key, value in request.query_params.multi_items():
            if key not in allowed:
                problems_found.append((key, "onbekende-parameter", "Onbekende parameter."))
            elif key not in exempt and looks_like_bsn(value):
                problems_found.append((key, "bsn-niet-toegestaan", "Een BSN is niet toegestaan."))
        if problems_found:
            raise RuleViolation([FieldProblem(*p) for p in problems_found])

    return check


Model = TypeVar("Model", bound=BaseModel)
T = TypeVar("T")


async def json_body(request: Request, model: type[Model]) -> Model:
    """The body, parsed and validated by pydantic-core in one pass (`model_validate_json`):
    on the intake path FastAPI's own body handling (stdlib `json.loads`, then validation of
    the Python objects) costs a measurable share of the request. Errors are the same 400.
    `validate_json` skips the per-string Python guards for bodies that cannot trip them and
    gives the same result and errors as `model.model_validate_json`."""
    try:
        return validate_json(model, await request.body())
    except ValidationError as error:
        located = [{**e, "loc": ("body", *e["loc"])} for e in error.errors()]
        raise RuleViolation(shape_problems(located), "De aanvraag is ongeldig.") from None


def request_body(model: type[BaseModel]) -> dict[str, Any]:
    """`openapi_extra` documenting a body that `json_body` reads."""
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}
            },
        }
    }


def next_link(request: Request, *, cursor_name: str, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    params = [(k, v) for k, v in request.query_params.multi_items() if k != cursor_name]
    params.append((cursor_name, cursor))
    return f"{request.url.path}?{urlencode(params)}"


def json_response(
    body: Any, *, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """JSONResponse's bytes (compact UTF-8), written by pydantic-core: on a list page of 50
    trajectories `json.dumps` took 3.5 ms of the request's CPU."""
    return Response(
        to_json(body), status_code=status_code, headers=headers, media_type="application/json"
    )


def page_response(request: Request, page: Page[T], wire: Callable[[T], Any]) -> Response:
    """The list envelope (CONTRACT §5.4): `resultaten`, `volgende` and `Link: rel="next"`."""
    url = next_link(request, cursor_name="cursor", cursor=page.next_cursor)
    body = {"resultaten": [wire(item) for item in page.items], "volgende": url}
    return json_response(body, headers=link_header(url))


def link_header(url: str | None) -> dict[str, str]:
    return {"Link": f'<{url}>; rel="next"'} if url else {}


async def json_media(request: Request) -> None:
    """An unsatisfiable `Accept` is 406 (requests with a body: see api.request_gate)."""
    if not acceptable(request.headers.get("accept")):
        raise HTTPException(406)
