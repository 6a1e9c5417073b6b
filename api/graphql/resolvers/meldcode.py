"""The Meldcode workflow over GraphQL (CONTRACT §12, §17): `signaalMelden`,
`meldcodeStapVastleggen`, and the queries `meldcodeCasus`, `meldcodeCasussen`, `signaal`.
The same use cases and policy as REST; `versie` is If-Match, `idempotencyKey` Idempotency-Key."""

from __future__ import annotations

from typing import Annotated, Final, cast

import strawberry

from api.deps import parse_id
from api.graphql.inputs import rest_body
from api.graphql.meldcode_enums import MeldcodeStatus
from api.graphql.meldcode_inputs import MeldcodeStapInvoer, SignaalInvoer, step_body
from api.graphql.meldcode_types import (
    MELDCODE_STAP_FAILURES,
    SIGNAAL_MELDEN_FAILURES,
    MeldcodeCasus,
    MeldcodeCasusVerbinding,
    MeldcodeStapVastleggenResultaat,
    Signaal,
    SignaalGemeld,
    SignaalMeldenResultaat,
    StapVastgelegd,
)
from api.graphql.writes import Info, mutate, validated
from api.schemas.meldcode import (
    NieuwSignaal,
    case_wire,
    receipt_wire,
    signal_view_wire,
    step_command,
    step_result_wire,
)
from domain.errors import NotFound, RuleViolation
from domain.model.meldcode import CaseStatus, RaiseSignal
from domain.model.meldcode_steps import RecordStep
from domain.services import meldcode, meldcode_reads
from domain.services.once import Once, Replayed
from domain.views.meldcode import SignalReceipt, StepResult

KEY: Final = "Optioneel, 16-64 tekens [A-Za-z0-9_-]; als Idempotency-Key (CONTRACT §5.2)."
Key = Annotated[str | None, strawberry.argument(description=KEY)]
Id = Annotated[strawberry.ID, strawberry.argument(name="id")]


async def signaal_melden(
    info: Info, traject_id: strawberry.ID, invoer: SignaalInvoer, idempotency_key: Key = None
) -> SignaalMeldenResultaat:
    """Opens a Meldcode case for the trajectory or joins its open one (§12.1); a volunteer
    learns only `{id, status}`, and with `acuutGevaar` the instruction to phone now."""
    context, body = info.context, rest_body(invoer)

    def command() -> RaiseSignal:
        return validated(NieuwSignaal, body).to_command(parse_id(traject_id))

    async def run(cmd: RaiseSignal, once: Once[SignalReceipt] | None) -> SignalReceipt | Replayed:
        return await meldcode.raise_signal(
            cmd,
            uow=context.new_uow(),
            clock=context.clock,
            ids=context.ids,
            actor=context.actor,
            once=once,
        )

    result = await mutate(
        info,
        field="signaalMelden",
        key=idempotency_key,
        arguments={"trajectId": traject_id, "invoer": body},
        command=command,
        run=run,
        wire=receipt_wire,
        success=SignaalGemeld.from_wire,
        failures=SIGNAAL_MELDEN_FAILURES,
    )
    return cast(SignaalMeldenResultaat, result)


async def meldcode_stap_vastleggen(
    info: Info,
    casus_id: strawberry.ID,
    invoer: MeldcodeStapInvoer,
    versie: Annotated[
        int | None,
        strawberry.argument(description="Als If-Match: een verouderde versie is VersieConflict."),
    ] = None,
    idempotency_key: Key = None,
) -> MeldcodeStapVastleggenResultaat:
    """Appends one step, strictly in the meldcode's order (§12.3); `besluit` only by the
    eindverantwoordelijke with `meldcode.beslissen`."""
    context, body = info.context, step_body(invoer)

    def command() -> RecordStep:
        return step_command(body, parse_id(casus_id), versie)

    async def run(cmd: RecordStep, once: Once[StepResult] | None) -> StepResult | Replayed:
        return await meldcode.record_step(
            cmd,
            uow=context.new_uow(),
            clock=context.clock,
            ids=context.ids,
            actor=context.actor,
            once=once,
        )

    result = await mutate(
        info,
        field="meldcodeStapVastleggen",
        key=idempotency_key,
        arguments={"casusId": casus_id, "invoer": body, "versie": versie},
        command=command,
        run=run,
        wire=step_result_wire,
        success=StapVastgelegd.from_wire,
        failures=MELDCODE_STAP_FAILURES,
    )
    return cast(MeldcodeStapVastleggenResultaat, result)


async def meldcode_casus(info: Info, casus_id: Id) -> MeldcodeCasus | None:
    """One case of the caller's organisation; null when missing or foreign; a token without
    `meldcode.behandelen` gets the error `geen-bevoegdheid`."""
    context = info.context
    try:
        view = await meldcode_reads.get(
            parse_id(casus_id), uow=context.new_uow(), actor=context.actor
        )
    except NotFound:
        return None
    return MeldcodeCasus.from_wire(case_wire(view))


async def meldcode_casussen(
    info: Info,
    status: list[MeldcodeStatus] | None = None,
    traject_id: strawberry.ID | None = None,
    limit: int | None = 50,
    cursor: str | None = None,
) -> MeldcodeCasusVerbinding:
    """Newest first, cursor-paged (`volgende`)."""
    try:
        trajectory_id = parse_id(traject_id) if traject_id is not None else None
    except NotFound:
        raise RuleViolation.of("trajectId", "ongeldig-formaat", "Een UUID.") from None
    size = 50 if limit is None else limit
    if not 1 <= size <= 200:
        raise RuleViolation.of("limit", "ongeldige-waarde", "Tussen 1 en 200.")
    context = info.context
    found = await meldcode_reads.page(
        statuses=frozenset(CaseStatus(s.value) for s in status or ()),
        trajectory_id=trajectory_id,
        cursor=cursor,
        limit=size,
        uow=context.new_uow(),
        actor=context.actor,
    )
    return MeldcodeCasusVerbinding(
        resultaten=[MeldcodeCasus.from_wire(case_wire(v)) for v in found.items],
        volgende=found.next_cursor,
    )


async def signaal(info: Info, signaal_id: Id) -> Signaal | None:
    """The whole signal for C, A and E; its author sees only `id` and `status`."""
    context = info.context
    try:
        view = await meldcode_reads.signal(
            parse_id(signaal_id), uow=context.new_uow(), actor=context.actor
        )
    except NotFound:
        return None
    return Signaal.from_wire(signal_view_wire(view))
