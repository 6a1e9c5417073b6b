"""The trajectory lifecycle over GraphQL: `trajectOvergang`, `trajectBijwerken`,
`huisbezoekVastleggen`, `huisbezoekCorrigeren` (CONTRACT §9.3, §9.4, §10, §17).

Each builds the REST door's command from the same pydantic model and calls the same use case;
`versie` is If-Match, `idempotencyKey` is Idempotency-Key (api/graphql/writes.py).
"""

from __future__ import annotations

from typing import Annotated, Final, cast

import strawberry

from api.deps import parse_id
from api.graphql.inputs import patch_body, rest_body
from api.graphql.lifecycle_inputs import (
    HuisbezoekCorrectieInvoer,
    HuisbezoekInvoer,
    OvergangInvoer,
    TrajectWijzigingInvoer,
)
from api.graphql.lifecycle_results import (
    HUISBEZOEK_CORRIGEREN_FAILURES,
    HUISBEZOEK_VASTLEGGEN_FAILURES,
    TRAJECT_BIJWERKEN_FAILURES,
    TRAJECT_OVERGANG_FAILURES,
    HuisbezoekCorrigerenResultaat,
    HuisbezoekGecorrigeerd,
    HuisbezoekVastgelegd,
    HuisbezoekVastleggenResultaat,
    OvergangGelukt,
    TrajectBijgewerkt,
    TrajectBijwerkenResultaat,
    TrajectOvergangResultaat,
)
from api.graphql.writes import Info, mutate, validated
from api.schemas.trajectories import traject_wire
from api.schemas.trajectory_patch import TrajectWijziging
from api.schemas.transitions import NieuweOvergang, overgang_wire
from api.schemas.visits import HuisbezoekCorrectie, NieuwHuisbezoek, huisbezoek_wire
from domain.model.trajectory_patch import UpdateTrajectory
from domain.model.transition_rules import TransitionTrajectory
from domain.model.visit import CorrectVisit, RecordVisit
from domain.services import lifecycle, trajectories, visits
from domain.services.lifecycle import TransitionResult
from domain.services.once import Once, Replayed
from domain.views import TrajectoryView
from domain.views.lifecycle import VisitView

KEY: Final = "Optioneel, 16-64 tekens [A-Za-z0-9_-]; als Idempotency-Key (CONTRACT §5.2)."
Id = Annotated[strawberry.ID, strawberry.argument(name="id")]
Key = Annotated[str | None, strawberry.argument(description=KEY)]


async def traject_overgang(
    info: Info,
    traject_id: Id,
    invoer: OvergangInvoer,
    versie: Annotated[
        int | None,
        strawberry.argument(description="Als If-Match: een verouderde versie is VersieConflict."),
    ] = None,
    idempotency_key: Key = None,
) -> TrajectOvergangResultaat:
    """Moves a trajectory to a state the table allows, if its guards hold (CONTRACT §9.4):
    one Overgang, `versie` + 1, events and audit lines in one transaction."""
    context, body = info.context, rest_body(invoer)

    def command() -> TransitionTrajectory:
        trajectory_id = parse_id(traject_id)
        return validated(NieuweOvergang, body).to_command(trajectory_id, expected_version=versie)

    async def run(
        cmd: TransitionTrajectory, once: Once[TransitionResult] | None
    ) -> TransitionResult | Replayed:
        outcome = await lifecycle.transition(
            cmd,
            uow=context.new_uow(),
            clock=context.clock,
            ids=context.ids,
            actor=context.actor,
            once=once,
        )
        if isinstance(outcome, TransitionResult):  # mim_overgangen_total, as for REST
            record = outcome.view.record
            context.moved(record.from_state.value, record.to_state.value)
        return outcome

    result = await mutate(
        info,
        field="trajectOvergang",
        key=idempotency_key,
        arguments={"id": traject_id, "invoer": body, "versie": versie},
        command=command,
        run=run,
        wire=lambda outcome: overgang_wire(outcome.view, with_warnings=True),
        success=OvergangGelukt.from_wire,
        failures=TRAJECT_OVERGANG_FAILURES,
    )
    return cast(TrajectOvergangResultaat, result)


async def traject_bijwerken(
    info: Info,
    traject_id: Id,
    versie: Annotated[
        int,
        strawberry.argument(
            description="Als If-Match (verplicht): verouderd geeft VersieConflict."
        ),
    ],
    invoer: TrajectWijzigingInvoer,
    idempotency_key: Key = None,
) -> TrajectBijwerkenResultaat:
    """Merge patch of the mother's contact data, the child's data and the consent scope
    (which may only shrink), CONTRACT §9.3; not on a terminal trajectory (OngeldigeStatus)."""
    context, body = info.context, patch_body(invoer)

    def command() -> UpdateTrajectory:
        trajectory_id = parse_id(traject_id)
        return validated(TrajectWijziging, body).to_command(trajectory_id, expected_version=versie)

    async def run(
        cmd: UpdateTrajectory, once: Once[TrajectoryView] | None
    ) -> TrajectoryView | Replayed:
        return await trajectories.update(
            cmd, uow=context.new_uow(), clock=context.clock, actor=context.actor, once=once
        )

    result = await mutate(
        info,
        field="trajectBijwerken",
        key=idempotency_key,
        arguments={"id": traject_id, "invoer": body, "versie": versie},
        command=command,
        run=run,
        wire=traject_wire,
        success=TrajectBijgewerkt.from_wire,
        failures=TRAJECT_BIJWERKEN_FAILURES,
        created=False,
    )
    return cast(TrajectBijwerkenResultaat, result)


async def huisbezoek_vastleggen(
    info: Info,
    traject_id: strawberry.ID,
    invoer: HuisbezoekInvoer,
    idempotency_key: Key = None,
) -> HuisbezoekVastleggenResultaat:
    """Records a visit in kennismaking, uitvoering or afsluiting (CONTRACT §10); a volunteer
    only on a trajectory matched to her. Warnings never block."""
    context, body = info.context, rest_body(invoer)

    def command() -> RecordVisit:
        trajectory_id = parse_id(traject_id)
        return validated(NieuwHuisbezoek, body).to_command(trajectory_id)

    async def run(cmd: RecordVisit, once: Once[VisitView] | None) -> VisitView | Replayed:
        return await visits.record(
            cmd,
            uow=context.new_uow(),
            clock=context.clock,
            ids=context.ids,
            actor=context.actor,
            once=once,
        )

    result = await mutate(
        info,
        field="huisbezoekVastleggen",
        key=idempotency_key,
        arguments={"trajectId": traject_id, "invoer": body},
        command=command,
        run=run,
        wire=lambda view: huisbezoek_wire(view, with_warnings=True),
        success=HuisbezoekVastgelegd.from_wire,
        failures=HUISBEZOEK_VASTLEGGEN_FAILURES,
    )
    return cast(HuisbezoekVastleggenResultaat, result)


async def huisbezoek_corrigeren(
    info: Info,
    traject_id: strawberry.ID,
    bezoek_id: strawberry.ID,
    invoer: HuisbezoekCorrectieInvoer,
    idempotency_key: Key = None,
) -> HuisbezoekCorrigerenResultaat:
    """A new record that replaces the newest of its chain (CONTRACT §10); accepted while the
    trajectory is active and up to 30 days after it ended."""
    context, body = info.context, rest_body(invoer)

    def command() -> CorrectVisit:
        trajectory_id, visit_id = parse_id(traject_id), parse_id(bezoek_id)
        return validated(HuisbezoekCorrectie, body).to_command(trajectory_id, visit_id)

    async def run(cmd: CorrectVisit, once: Once[VisitView] | None) -> VisitView | Replayed:
        return await visits.correct(
            cmd,
            uow=context.new_uow(),
            clock=context.clock,
            ids=context.ids,
            actor=context.actor,
            once=once,
        )

    result = await mutate(
        info,
        field="huisbezoekCorrigeren",
        key=idempotency_key,
        arguments={"trajectId": traject_id, "bezoekId": bezoek_id, "invoer": body},
        command=command,
        run=run,
        wire=lambda view: huisbezoek_wire(view, with_warnings=True),
        success=HuisbezoekGecorrigeerd.from_wire,
        failures=HUISBEZOEK_CORRIGEREN_FAILURES,
    )
    return cast(HuisbezoekCorrigerenResultaat, result)
