"""Volunteers over GraphQL: `vrijwilliger`, `vrijwilligers`, `matchvoorstellen` and the
mutations `vrijwilligerAanmaken`, `vrijwilligerBijwerken`, `begeleidingVastleggen`
(CONTRACT §11, §17), through the use cases of the REST door."""

from __future__ import annotations

from typing import Annotated, cast

import strawberry

from api.deps import parse_id
from api.graphql.inputs import patch_body, rest_body
from api.graphql.lifecycle_inputs import (
    BegeleidingInvoer,
    VrijwilligerFilter,
    VrijwilligerInvoer,
    VrijwilligerWijzigingInvoer,
)
from api.graphql.lifecycle_results import (
    BEGELEIDING_VASTLEGGEN_FAILURES,
    VRIJWILLIGER_AANMAKEN_FAILURES,
    VRIJWILLIGER_BIJWERKEN_FAILURES,
    BegeleidingVastgelegd,
    BegeleidingVastleggenResultaat,
    VrijwilligerAangemaakt,
    VrijwilligerAanmakenResultaat,
    VrijwilligerBijgewerkt,
    VrijwilligerBijwerkenResultaat,
)
from api.graphql.related_types import Matchvoorstel, Vrijwilliger, VrijwilligerVerbinding
from api.graphql.resolvers.lifecycle import Id, Key
from api.graphql.writes import Info, mutate, validated
from api.schemas.common import RequestModel
from api.schemas.volunteers import (
    Gemeente,
    NieuweBegeleiding,
    NieuweVrijwilliger,
    Taal,
    VrijwilligerWijziging,
    begeleiding_wire,
    matchvoorstellen_wire,
    vrijwilliger_wire,
)
from domain.errors import NotFound
from domain.model.volunteer import VolunteerStatus
from domain.services import matching, supervision, volunteers
from domain.services.once import Once, Replayed
from domain.services.supervision import RecordSupervision
from domain.services.volunteers import CreateVolunteer, UpdateVolunteer
from domain.views.volunteers import SupervisionView, VolunteerView


async def vrijwilliger(info: Info, vrijwilliger_id: Id) -> Vrijwilliger | None:
    """A coordinator reads her organisation's volunteers, a volunteer only herself; null
    when missing or not visible."""
    context = info.context
    try:
        view = await volunteers.get(
            parse_id(vrijwilliger_id),
            uow=context.new_uow(),
            clock=context.clock,
            actor=context.actor,
        )
    except NotFound:
        return None
    return Vrijwilliger.from_wire(vrijwilliger_wire(view))


class _Filter(RequestModel):
    """The free-text filters, checked as REST checks its query (BSN guard, patterns)."""

    gemeente: Gemeente | None = None
    taal: Taal | None = None


class _Selection(RequestModel):
    filter: _Filter | None = None


async def vrijwilligers(
    info: Info,
    filter: VrijwilligerFilter | None = None,
    limit: int | None = 50,
    cursor: str | None = None,
) -> VrijwilligerVerbinding:
    """Newest first, cursor-paged; `begeleidingAchterstallig: true` lists whom to call. One
    audit line per returned volunteer (coordinators only)."""
    selection = filter or VrijwilligerFilter()
    given = {"gemeente": selection.gemeente, "taal": selection.taal}
    texts = {name: value for name, value in given.items() if value is not None}
    checked = validated(_Selection, {"filter": texts}).filter or _Filter()
    context = info.context
    found = await volunteers.page(
        statuses=frozenset(VolunteerStatus(s.value) for s in selection.status or ()),
        municipality=checked.gemeente,
        language=checked.taal,
        overdue=selection.begeleiding_achterstallig,
        cursor=cursor,
        limit=50 if limit is None else limit,
        uow=context.new_uow(),
        clock=context.clock,
        actor=context.actor,
    )
    return VrijwilligerVerbinding(
        resultaten=[Vrijwilliger.from_wire(vrijwilliger_wire(v)) for v in found.items],
        volgende=found.next_cursor,
    )


async def matchvoorstellen(
    info: Info, traject_id: strawberry.ID, limit: int | None = 10
) -> list[Matchvoorstel] | None:
    """Active volunteers with free capacity, ranked by the published score (CONTRACT §11);
    only in `wacht_op_match` or a pause for a volunteer change (else `ongeldige-status`).
    Null when the trajectory is missing or not visible."""
    context = info.context
    try:
        view = await matching.suggestions(
            parse_id(traject_id),
            limit=10 if limit is None else limit,
            uow=context.new_uow(),
            clock=context.clock,
            actor=context.actor,
        )
    except NotFound:
        return None
    return [Matchvoorstel.from_wire(w) for w in matchvoorstellen_wire(view)["resultaten"]]


async def vrijwilliger_aanmaken(
    info: Info, invoer: VrijwilligerInvoer, idempotency_key: Key = None
) -> VrijwilligerAanmakenResultaat:
    """Registers a volunteer of the caller's organisation (`aangemeld` by default; `actief`
    needs a VOG date and three training sessions: OngeldigeStatus)."""
    context, body = info.context, rest_body(invoer)

    def command() -> CreateVolunteer:
        return validated(NieuweVrijwilliger, body).to_command()

    async def run(
        cmd: CreateVolunteer, once: Once[VolunteerView] | None
    ) -> VolunteerView | Replayed:
        return await volunteers.create(
            cmd,
            uow=context.new_uow(),
            clock=context.clock,
            ids=context.ids,
            actor=context.actor,
            directory=context.directory,
            once=once,
        )

    result = await mutate(
        info,
        field="vrijwilligerAanmaken",
        key=idempotency_key,
        arguments={"invoer": body},
        command=command,
        run=run,
        wire=vrijwilliger_wire,
        success=VrijwilligerAangemaakt.from_wire,
        failures=VRIJWILLIGER_AANMAKEN_FAILURES,
    )
    return cast(VrijwilligerAanmakenResultaat, result)


async def vrijwilliger_bijwerken(
    info: Info,
    vrijwilliger_id: Id,
    versie: Annotated[
        int,
        strawberry.argument(
            description="Als If-Match (verplicht): verouderd geeft VersieConflict."
        ),
    ],
    invoer: VrijwilligerWijzigingInvoer,
    idempotency_key: Key = None,
) -> VrijwilligerBijwerkenResultaat:
    """Merge patch; a status change follows the volunteer status machine (OngeldigeStatus)."""
    context, body = info.context, patch_body(invoer)

    def command() -> UpdateVolunteer:
        volunteer_id = parse_id(vrijwilliger_id)
        return UpdateVolunteer(
            volunteer_id, versie, validated(VrijwilligerWijziging, body).changes()
        )

    async def run(
        cmd: UpdateVolunteer, once: Once[VolunteerView] | None
    ) -> VolunteerView | Replayed:
        return await volunteers.update(
            cmd,
            uow=context.new_uow(),
            clock=context.clock,
            actor=context.actor,
            directory=context.directory,
            once=once,
        )

    result = await mutate(
        info,
        field="vrijwilligerBijwerken",
        key=idempotency_key,
        arguments={"id": vrijwilliger_id, "invoer": body, "versie": versie},
        command=command,
        run=run,
        wire=vrijwilliger_wire,
        success=VrijwilligerBijgewerkt.from_wire,
        failures=VRIJWILLIGER_BIJWERKEN_FAILURES,
        created=False,
    )
    return cast(VrijwilligerBijwerkenResultaat, result)


async def begeleiding_vastleggen(
    info: Info,
    vrijwilliger_id: strawberry.ID,
    invoer: BegeleidingInvoer,
    idempotency_key: Key = None,
) -> BegeleidingVastleggenResultaat:
    """Appends an individual talk, a group meeting or an induction training session; her
    `versie` follows."""
    context, body = info.context, rest_body(invoer)

    def command() -> RecordSupervision:
        volunteer_id = parse_id(vrijwilliger_id)
        return validated(NieuweBegeleiding, body).to_command(volunteer_id)

    async def run(
        cmd: RecordSupervision, once: Once[SupervisionView] | None
    ) -> SupervisionView | Replayed:
        return await supervision.record_supervision(
            cmd,
            uow=context.new_uow(),
            clock=context.clock,
            ids=context.ids,
            actor=context.actor,
            once=once,
        )

    result = await mutate(
        info,
        field="begeleidingVastleggen",
        key=idempotency_key,
        arguments={"vrijwilligerId": vrijwilliger_id, "invoer": body},
        command=command,
        run=run,
        wire=begeleiding_wire,
        success=BegeleidingVastgelegd.from_wire,
        failures=BEGELEIDING_VASTLEGGEN_FAILURES,
    )
    return cast(BegeleidingVastleggenResultaat, result)
