"""The NEN 7513 access log: one hash chain per organisation that never forks, and a
verification that names the first altered line (CONTRACT §15, DOMAIN R38)."""

from __future__ import annotations

from typing import Any, Final

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.db.audit import GENESIS, line_hash, line_t, verify_chain
from adapters.db.sealer import seal_all
from adapters.db.uow import SqlUnitOfWorkFactory
from domain.model.audit import AuditAction, AuditEntry, Purpose, SubjectKind
from domain.policy import Role
from domain.ports import AccessContext
from tests.fakes import HOST, OTHER_HOST, T0, FakeClock, FakeIds, an_actor

COORDINATOR: Final = an_actor(Role.COORDINATOR)


def _entry(organisation: str, n: int) -> AuditEntry:
    return AuditEntry(
        action=AuditAction.READ,
        purpose=Purpose.TRAJECTORY_SUPPORT,
        resource="traject",
        resource_id=f"00000000-0000-4000-8000-{n:012x}",
        organisation=organisation,
        subject_kind=SubjectKind.MOTHER_AND_CHILD,
        subject_id=f"00000000-0000-4000-8000-{n:012x}",
        search=True,
    )


async def _write(engine: AsyncEngine, batches: list[list[str]], *, series: int = 0) -> None:
    """One committed unit of work per batch, each recording one entry per organisation named;
    calls with different `series` use different line ids."""
    factory = SqlUnitOfWorkFactory(engine, clock=FakeClock(T0), ids=FakeIds(series=series))
    n = 0
    for batch in batches:
        async with factory(AccessContext(COORDINATOR)) as uow:
            for organisation in batch:
                n += 1
                uow.audit.record(_entry(organisation, n))
            await uow.commit()


async def _chain(engine: AsyncEngine, organisation: str) -> list[dict[str, Any]]:
    query = sa.select(line_t).where(line_t.c.organisation == organisation)
    async with engine.connect() as conn:
        rows = [row._asdict() for row in (await conn.execute(query)).all()]
    return sorted(rows, key=lambda line: line["volgnummer"])


# Three units of work: lines of two organisations interleaved within and across them.
BATCHES: Final = [[HOST, HOST, OTHER_HOST], [OTHER_HOST, HOST], [HOST, HOST, HOST, OTHER_HOST]]


def _written(organisation: str) -> int:
    return sum(batch.count(organisation) for batch in BATCHES)


@pytest.mark.parametrize("organisation", [HOST, OTHER_HOST])
async def test_each_organisation_has_its_own_chain_numbered_from_one(
    backend: str, engine: AsyncEngine, organisation: str
) -> None:
    await _write(engine, BATCHES)
    await seal_all(engine)
    chain = await _chain(engine, organisation)
    assert [line["volgnummer"] for line in chain] == list(range(1, _written(organisation) + 1))
    assert {line["organisation"] for line in chain} == {organisation}


@pytest.mark.parametrize("organisation", [HOST, OTHER_HOST])
async def test_each_line_links_to_the_hash_of_the_line_before(
    backend: str, engine: AsyncEngine, organisation: str
) -> None:
    await _write(engine, BATCHES)
    await seal_all(engine)
    chain = await _chain(engine, organisation)
    previous = [GENESIS] + [line["hash"] for line in chain[:-1]]
    assert [line["vorige_hash"] for line in chain] == previous
    assert [line["hash"] for line in chain] == [
        line_hash(line["vorige_hash"], line) for line in chain
    ]


@pytest.mark.parametrize("organisation", [HOST, OTHER_HOST])
async def test_an_intact_chain_verifies(
    backend: str, engine: AsyncEngine, organisation: str
) -> None:
    await _write(engine, BATCHES)
    await seal_all(engine)
    async with engine.connect() as conn:
        report = await verify_chain(conn, organisation)
    assert (report.ok, report.checked, report.first_break) == (
        True,
        _written(organisation),
        None,
    )


async def test_sealing_twice_changes_nothing(backend: str, engine: AsyncEngine) -> None:
    await _write(engine, BATCHES)
    await seal_all(engine)
    before = await _chain(engine, HOST)
    assert await seal_all(engine) == 0
    assert await _chain(engine, HOST) == before


async def test_lines_committed_after_a_seal_continue_the_chain(
    backend: str, engine: AsyncEngine
) -> None:
    await _write(engine, BATCHES[:1])
    await seal_all(engine)
    await _write(engine, BATCHES[1:], series=1)
    await seal_all(engine)
    async with engine.connect() as conn:
        report = await verify_chain(conn, HOST)
    chain = await _chain(engine, HOST)
    assert (report.ok, report.checked) == (True, _written(HOST))
    assert [line["volgnummer"] for line in chain] == list(range(1, _written(HOST) + 1))


async def test_verification_covers_sealed_lines_and_ignores_those_not_yet_sealed(
    backend: str, engine: AsyncEngine
) -> None:
    # CONTRACT §15: "`verificatie` covers sealed lines (sealed at commit or within 5 s)"
    await _write(engine, BATCHES[:1])
    await seal_all(engine)
    await _write(engine, BATCHES[1:], series=1)  # committed, not yet sealed
    async with engine.connect() as conn:
        report = await verify_chain(conn, HOST)
    assert (report.ok, report.checked) == (True, BATCHES[0].count(HOST))


@pytest.mark.parametrize("position", ["first", "middle", "last"])
@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("actie", AuditAction.DELETE.value),
        ("actor_id", "iemand-anders"),
        ("zoekactie", False),
        ("hash", None),  # unsealing a line does not take it out of the verification
    ],
)
async def test_altering_a_stored_line_makes_verification_name_that_line(
    backend: str, engine: AsyncEngine, position: str, column: str, value: object
) -> None:
    # DOMAIN R38: altering a stored line makes the verification report it
    await _write(engine, BATCHES)
    await seal_all(engine)
    chain = await _chain(engine, HOST)
    target = {"first": chain[0], "middle": chain[len(chain) // 2], "last": chain[-1]}[position]
    async with engine.begin() as conn:
        await conn.execute(
            sa.update(line_t).where(line_t.c.id == target["id"]).values({column: value})
        )
    async with engine.connect() as conn:
        report = await verify_chain(conn, HOST)
        other = await verify_chain(conn, OTHER_HOST)
    assert (report.ok, report.first_break) == (False, (target["volgnummer"], str(target["id"])))
    assert report.checked == target["volgnummer"] - 1  # the lines before it are intact
    assert other.ok is True  # the other organisation's chain is untouched


async def test_removing_a_line_makes_verification_name_the_next_one(
    backend: str, engine: AsyncEngine
) -> None:
    await _write(engine, BATCHES)
    await seal_all(engine)
    chain = await _chain(engine, HOST)
    removed, following = chain[1], chain[2]
    async with engine.begin() as conn:
        await conn.execute(sa.delete(line_t).where(line_t.c.id == removed["id"]))
    async with engine.connect() as conn:
        report = await verify_chain(conn, HOST)
    assert (report.ok, report.first_break) == (
        False,
        (following["volgnummer"], str(following["id"])),
    )
