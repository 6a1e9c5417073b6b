"""REST door of the event feed: GET /v1/gebeurtenissen (CloudEvents from the outbox)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from api.deps import PortsDep
from api.rest.common import Limit, json_media, known_query, link_header, problems
from api.schemas.common import Line, QueryInt, at_least, matching
from api.schemas.events import cloud_event
from domain.services import events

# Event types are `nl.mim.<resource>.<what-happened>` (CONTRACT §13.1).
EventType = Annotated[Line, matching(r"^nl\.mim\.[a-z0-9-]+(\.[a-z0-9-]+)+$")]

router = APIRouter(
    prefix="/v1",
    responses=problems(406, 500),
    tags=["gebeurtenissen"],
    dependencies=[Depends(json_media)],
)


class Gebeurtenis(BaseModel):
    """A thin CloudEvent 1.0 (NL GOV profile): ids, states and codes only."""

    model_config = ConfigDict(extra="allow")

    specversion: str
    id: str = Field(json_schema_extra={"format": "uuid"})
    source: str
    type: str
    subject: str
    time: str
    datacontenttype: str
    dataref: str
    sequence: str
    volgnummer: int
    traceparent: str | None
    data: dict[str, Any]


class GebeurtenisLijst(BaseModel):
    resultaten: list[Gebeurtenis]
    volgende: str | None
    laatstVerwijderd: int  # noqa: N815


@router.get(
    "/gebeurtenissen",
    response_model=GebeurtenisLijst,
    responses=problems(400, 401, 403),
    dependencies=[Depends(known_query("na", "limit", "type"))],
    summary="Gebeurtenissen na een volgnummer",
)
async def list_events(
    request: Request,
    ports: PortsDep,
    na: Annotated[QueryInt, Query(ge=0, json_schema_extra=at_least(0))] = 0,
    limit: Limit = 50,
    type: Annotated[list[EventType] | None, Query(max_length=25)] = None,
) -> JSONResponse:
    """Events the token may see with a higher volgnummer than `na`, ascending.

    A consumer has missed events exactly when `na` < `laatstVerwijderd`.
    """
    page = await events.feed(
        after=na, limit=limit, types=frozenset(type or ()), uow=ports.uow(), actor=ports.actor
    )
    url = None
    if page.full and page.events:
        params = [(k, v) for k, v in request.query_params.multi_items() if k != "na"]
        params.append(("na", str(page.events[-1].volgnummer)))
        url = f"{request.url.path}?{urlencode(params)}"
    body = {
        "resultaten": [cloud_event(e) for e in page.events],
        "volgende": url,
        "laatstVerwijderd": page.last_purged,
    }
    return JSONResponse(body, headers=link_header(url))
