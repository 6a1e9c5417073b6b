"""The event subscription (issue 6): `subscription { gebeurtenissen(na, typen) }` streams the
CloudEvents the token may see, exactly the pull feed's selection (CONTRACT §13.1, §13.2).

Each read is the feed use case in a unit of work of its own, in pages of 200, so each read also
seals what has committed (adapters.db.sealer). Between reads the subscriber waits on the app's
one EventWatch; before each wait the token is verified again, so an expired token ends the
stream with `niet-geauthenticeerd`.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncGenerator
from typing import Annotated, Final

import strawberry

from api.graphql.event_types import Gebeurtenis
from api.graphql.socket_context import SocketContext
from api.schemas.subscriptions import TYPE_PATTERN
from domain.errors import FieldProblem, RuleViolation
from domain.services import events

PAGE: Final = 200  # the feed's largest page
MAX_TYPES: Final = 25  # as the feed's `type` and an Abonnement's `typen`
WAIT_ROUND_SECONDS: Final = 1.0  # how late an expired token is noticed while nothing happens
_TYPE: Final = re.compile(TYPE_PATTERN)

Na = Annotated[
    int,
    strawberry.argument(
        description="Alleen gebeurtenissen met een hoger volgnummer: hervat met het laatst "
        "ontvangen `volgnummer`; 0 is vanaf het begin van de bewaarde gebeurtenissen."
    ),
]
Typen = Annotated[
    list[str] | None,
    strawberry.argument(description="Alleen deze typen (hoogstens 25); null of leeg: alle."),
]


def selected_types(na: int, typen: list[str] | None) -> frozenset[str]:
    """The arguments checked as REST checks `na` and `type`: every problem at once (400)."""
    problems: list[FieldProblem] = []
    if na < 0:
        problems.append(FieldProblem("na", "ongeldige-waarde", "na is 0 of groter."))
    if typen is not None and len(typen) > MAX_TYPES:
        problems.append(FieldProblem("typen", "ongeldige-waarde", "Hoogstens 25 typen."))
    problems += [
        FieldProblem(f"typen[{i}]", "ongeldig-formaat", "Geen gebeurtenistype (nl.mim.…).")
        for i, kind in enumerate(typen or ())
        if not _TYPE.fullmatch(kind)
    ]
    if problems:
        raise RuleViolation(problems)
    return frozenset(typen or ())


async def gebeurtenissen(
    info: strawberry.Info[SocketContext, None], na: Na = 0, typen: Typen = None
) -> AsyncGenerator[Gebeurtenis, None]:
    """Every event the token may see after `na`, by volgnummer, then each new one as it comes."""
    types = selected_types(na, typen)
    context, after = info.context, na
    while True:
        actor = context.actor()
        generation = context.watch.generation  # before the read: no change slips past
        page = await events.feed(
            after=after, limit=PAGE, types=types, uow=context.new_uow(actor), actor=actor
        )
        for event in page.events:
            yield Gebeurtenis.from_stored(event)
            after = event.volgnummer
        if not page.full:
            await news_after(generation, context)


async def news_after(generation: int, context: SocketContext) -> None:
    """Waits for the watch to see a change, verifying the token again every round."""
    while True:
        try:
            async with asyncio.timeout(WAIT_ROUND_SECONDS):
                await context.watch.wait_past(generation)
        except TimeoutError:
            context.actor()
        else:
            return
