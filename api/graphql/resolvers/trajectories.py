"""Trajectory reads over GraphQL: `traject`, `trajecten` (CONTRACT §9, §17)."""

from __future__ import annotations

import re
from typing import Annotated, Final

import strawberry

from api.deps import parse_id
from api.graphql.context import Context
from api.graphql.inputs import TrajectFilter
from api.graphql.traject import Traject, TrajectVerbinding
from domain.errors import NotFound, RuleViolation
from domain.model.trajectory import TrajectoryState
from domain.services import trajectories

Info = strawberry.Info[Context, None]
_GEMEENTE: Final = re.compile(r"GM\d{4}")


async def traject(
    info: Info, traject_id: Annotated[strawberry.ID, strawberry.argument(name="id")]
) -> Traject | None:
    """One trajectory of the caller's organisation; null when missing or not visible."""
    context = info.context
    try:
        view = await trajectories.get(
            parse_id(traject_id), uow=context.new_uow(), clock=context.clock, actor=context.actor
        )
    except NotFound:
        return None
    return Traject.from_view(view)


async def trajecten(
    info: Info,
    filter: TrajectFilter | None = None,
    limit: int | None = 50,
    cursor: str | None = None,
) -> TrajectVerbinding:
    """Newest first, cursor-paged (`volgende`); a volunteer sees only her active matches."""
    selection = filter or TrajectFilter()
    if selection.gemeente is not None and not _GEMEENTE.fullmatch(selection.gemeente):
        raise RuleViolation.of("filter.gemeente", "ongeldig-formaat", "Een CBS-code GMnnnn.")
    volunteer_id = None
    if selection.vrijwilliger_id is not None:
        try:
            volunteer_id = parse_id(selection.vrijwilliger_id)
        except NotFound:
            raise RuleViolation.of(
                "filter.vrijwilligerId", "ongeldig-formaat", "Een UUID."
            ) from None
    context = info.context
    found = await trajectories.page(
        states=frozenset(TrajectoryState(s.value) for s in selection.status or ()),
        phases=frozenset(TrajectoryState(f.value) for f in selection.fase or ()),
        municipality=selection.gemeente,
        volunteer_id=volunteer_id,
        cursor=cursor,
        limit=50 if limit is None else limit,
        uow=context.new_uow(),
        clock=context.clock,
        actor=context.actor,
    )
    return TrajectVerbinding(
        resultaten=[Traject.from_view(view) for view in found.items], volgende=found.next_cursor
    )
