"""`SqlUnitOfWork` on SQLite and PostgreSQL: domain rows, outbox and audit lines are written
in one transaction, or not at all (STYLE §4, CONTRACT §8.2)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Final

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

import adapters.db.tables  # noqa: F401 (registers the tables in the metadata)
from adapters.db import uow as uow_module
from adapters.db.sealer import seal_all
from adapters.db.uow import SqlUnitOfWork, SqlUnitOfWorkFactory
from domain.events import ReferralReceived
from domain.model.audit import AuditAction, AuditEntry, Purpose, SubjectKind
from domain.policy import Role
from domain.ports import AccessContext
from domain.services import referrals
from domain.services.referrals import IntakeResult
from tests.fakes import (
    HOST,
    T0,
    FakeClock,
    FakeIds,
    a_directory,
    a_referral,
    a_register_command,
    a_trajectory,
    an_actor,
)

TABLES: Final = ("referral", "trajectory", "event", "audit_line")
REFERRER: Final = an_actor(Role.REFERRER)


async def _counts(engine: AsyncEngine) -> dict[str, int]:
    counts = {}
    async with engine.connect() as conn:
        for name in TABLES:
            query = sa.select(sa.func.count()).select_from(SQLModel.metadata.tables[name])
            counts[name] = int((await conn.execute(query)).scalar_one())
    return counts


def _factory(engine: AsyncEngine, ids: FakeIds) -> SqlUnitOfWorkFactory:
    return SqlUnitOfWorkFactory(engine, clock=FakeClock(T0), ids=ids)


async def test_a_committed_intake_writes_referral_trajectory_event_and_audit_line_together(
    backend: str, engine: AsyncEngine
) -> None:
    ids = FakeIds()
    result = await referrals.register(
        a_register_command(),
        uow=_factory(engine, ids)(AccessContext(REFERRER, request_id="req-1")),
        clock=FakeClock(T0),
        ids=ids,
        actor=REFERRER,
        directory=a_directory(),
    )
    assert isinstance(result, IntakeResult)
    assert await _counts(engine) == dict.fromkeys(TABLES, 1)
    tables = SQLModel.metadata.tables
    async with engine.connect() as conn:
        trajectory = (await conn.execute(sa.select(tables["trajectory"]))).one()
        event = (await conn.execute(sa.select(tables["event"]))).one()
        line = (await conn.execute(sa.select(tables["audit_line"]))).one()
    assert str(trajectory.referral_id) == result.view.id
    assert (str(event.subject), event.type) == (result.view.id, ReferralReceived.type)
    assert (str(line.betrokkene_id), line.actie, line.request_id) == (
        str(trajectory.id),
        AuditAction.CREATE.value,
        "req-1",
    )


async def test_a_committed_event_and_audit_line_are_numbered_and_chained_once_sealed(
    backend: str, engine: AsyncEngine
) -> None:
    ids = FakeIds()
    await referrals.register(
        a_register_command(),
        uow=_factory(engine, ids)(AccessContext(REFERRER)),
        clock=FakeClock(T0),
        ids=ids,
        actor=REFERRER,
        directory=a_directory(),
    )
    await seal_all(engine)
    tables = SQLModel.metadata.tables
    async with engine.connect() as conn:
        event = (await conn.execute(sa.select(tables["event"]))).one()
        line = (await conn.execute(sa.select(tables["audit_line"]))).one()
    assert event.volgnummer == 1
    assert (line.volgnummer, line.vorige_hash) == (1, "0" * 64)
    assert line.hash is not None


async def _stage_an_intake(uow: SqlUnitOfWork, ids: FakeIds) -> None:
    """Adds a referral, its trajectory (with its event) and an audit entry, uncommitted."""
    referral = a_referral(referral_id=ids.new())
    trajectory = a_trajectory(trajectory_id=ids.new(), referral_id=referral.id)
    trajectory.pending_events.append(
        ReferralReceived(referral.id, HOST, "GM0363", trajectory_id=trajectory.id)
    )
    uow.referrals.add(referral, trajectory)
    uow.audit.record(
        AuditEntry(
            action=AuditAction.CREATE,
            purpose=Purpose.INTAKE,
            resource="verwijzing",
            resource_id=referral.id,
            organisation=trajectory.organisation,
            subject_kind=SubjectKind.MOTHER_AND_CHILD,
            subject_id=trajectory.id,
        )
    )


async def _stage_then(uow: SqlUnitOfWork, ids: FakeIds, *, give_up: bool) -> None:
    """Stages an intake, then gives up half-way or commits."""
    async with uow:
        await _stage_an_intake(uow, ids)
        if give_up:
            raise LookupError("a use case gives up half-way")
        await uow.commit()


async def test_leaving_the_unit_of_work_without_commit_writes_nothing(
    backend: str, engine: AsyncEngine
) -> None:
    ids = FakeIds()
    uow = _factory(engine, ids)(AccessContext(REFERRER))
    async with uow:
        await _stage_an_intake(uow, ids)
    assert uow.committed is False
    assert await _counts(engine) == dict.fromkeys(TABLES, 0)


async def test_an_exception_inside_the_unit_of_work_writes_nothing(
    backend: str, engine: AsyncEngine
) -> None:
    ids = FakeIds()
    uow = _factory(engine, ids)(AccessContext(REFERRER))
    with pytest.raises(LookupError):
        await _stage_then(uow, ids, give_up=True)
    assert await _counts(engine) == dict.fromkeys(TABLES, 0)


def _failing_after(real: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """Runs the real writer inside the transaction, then fails before the commit."""

    async def write_then_fail(*args: Any, **kwargs: Any) -> Any:
        await real(*args, **kwargs)
        raise ConnectionError("lost the database after the inserts")

    return write_then_fail


@pytest.mark.backends("sqlite")  # on PostgreSQL a new referral is one statement: no writers
@pytest.mark.parametrize("writer", ["write_events", "write_lines"])
async def test_a_commit_failing_after_its_inserts_leaves_no_rows_at_all(
    backend: str, engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch, writer: str
) -> None:
    monkeypatch.setattr(uow_module, writer, _failing_after(getattr(uow_module, writer)))
    ids = FakeIds()
    uow = _factory(engine, ids)(AccessContext(REFERRER))
    with pytest.raises(ConnectionError):
        await _stage_then(uow, ids, give_up=False)
    assert uow.committed is False
    assert await _counts(engine) == dict.fromkeys(TABLES, 0)


async def test_a_staged_referral_is_written_at_commit_and_not_before(
    backend: str, engine: AsyncEngine
) -> None:
    """`add` stages: the commit writes the referral with everything else, in one statement
    on PostgreSQL, so before it nothing is in the database, not even for this transaction."""
    ids = FakeIds()
    uow = _factory(engine, ids)(AccessContext(REFERRER))
    async with uow:
        await _stage_an_intake(uow, ids)
        before = await uow.referrals.by_business_key("ura", "01234567", "CB-TEST-0001")
    assert before is None
    assert await _counts(engine) == dict.fromkeys(TABLES, 0)
