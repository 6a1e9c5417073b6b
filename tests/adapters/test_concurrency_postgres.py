"""Concurrent writers on PostgreSQL (TECH-NOTES §10 "test it with concurrent writers"):
the feed never skips a late commit, the audit chain never forks, and racing intakes store
one referral (CONTRACT §5.2, §5.3, §13.2, §15). SQLite serialises writers, so PostgreSQL only.

The whole module runs on PostgreSQL only (`backends` marker), with the shared fixtures.
"""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, Final

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

import adapters.db.tables  # noqa: F401 (registers the tables in the metadata)
from adapters.clock import RandomIds
from adapters.db import uow as uow_module
from adapters.db.audit import GENESIS, line_t, verify_chain, write_lines
from adapters.db.engine import make_engine
from adapters.db.idempotency import SqlIdempotencyStore
from adapters.db.lazy_connection import LazyConnection
from adapters.db.outbox import write_events
from adapters.db.sealer import Sealer, seal_all
from adapters.db.uow import SqlUnitOfWorkFactory
from domain.errors import RequestInProgress
from domain.model.audit import AuditAction, AuditEntry, Purpose, SubjectKind
from domain.policy import Role
from domain.ports import AccessContext, IdempotencyClaim, StoredResponse
from domain.services import events, referrals
from tests.factories import an_idempotency_key, referral_body
from tests.fakes import HOST, T0, FakeClock, a_directory, a_register_command, an_actor

WRITERS: Final = 20
URL: Final = "/v1/verwijzingen"
REFERRER: Final = an_actor(Role.REFERRER)
COORDINATOR: Final = an_actor(Role.COORDINATOR)


pytestmark = pytest.mark.backends("postgresql")


@pytest.fixture
async def pg_engine(backend: str, database_url: str) -> AsyncIterator[AsyncEngine]:
    """Room for every writer, both readers and the sealers at once."""
    engine = make_engine(database_url, pool_size=WRITERS + 10)
    yield engine
    await engine.dispose()


@pytest.fixture
def referrer_headers(auth: Callable[..., dict[str, str]]) -> dict[str, str]:
    """One referrer token (one `sub`): Idempotency-Keys are scoped per sub and org."""
    return auth("verwijzer", sub="referrer-under-test")


# --- helpers -----------------------------------------------------------------------------


def _late(
    real: Callable[..., Awaitable[Any]], *, every: int, seconds: float
) -> Callable[..., Awaitable[Any]]:
    """Runs the real writer, then keeps every `every`-th transaction open a while: its rows
    are written but not yet committed, as a slow request's would be."""
    calls = itertools.count()

    async def write_then_wait(*args: Any, **kwargs: Any) -> Any:
        result = await real(*args, **kwargs)
        if next(calls) % every == 0:
            await asyncio.sleep(seconds)
        return result

    return write_then_wait


def _transactional(monkeypatch: pytest.MonkeyPatch) -> None:
    """A new referral is one autocommit statement on PostgreSQL, with no window between its
    rows and its commit; the writers here take the transactional path, where there is one."""
    monkeypatch.setattr(uow_module.SqlUnitOfWork, "_fits_one_statement", lambda *_: False)


@pytest.fixture
def late_commits(monkeypatch: pytest.MonkeyPatch) -> None:
    _transactional(monkeypatch)
    monkeypatch.setattr(uow_module, "write_events", _late(write_events, every=3, seconds=0.05))
    monkeypatch.setattr(uow_module, "write_lines", _late(write_lines, every=4, seconds=0.03))


async def _intake(factory: SqlUnitOfWorkFactory, n: int) -> None:
    await asyncio.sleep((n % 5) * 0.005)  # staggered starts
    await referrals.register(
        a_register_command(reference=f"CB-RACE-{n:04d}"),
        uow=factory(AccessContext(REFERRER)),
        clock=FakeClock(T0),
        ids=RandomIds(),
        actor=REFERRER,
        directory=a_directory(),
    )


async def _all_numbered(engine: AsyncEngine) -> tuple[bool, int]:
    """(no event waits for a number, the highest number)."""
    event_t = SQLModel.metadata.tables["event"]
    async with engine.connect() as conn:
        waiting = (
            await conn.execute(sa.select(sa.func.count()).where(event_t.c.volgnummer.is_(None)))
        ).scalar_one()
        highest = (await conn.execute(sa.select(sa.func.max(event_t.c.volgnummer)))).scalar()
    return waiting == 0, int(highest or 0)


async def _read_feed(
    factory: SqlUnitOfWorkFactory, engine: AsyncEngine, writers_done: asyncio.Event
) -> list[int]:
    """Polls the feed as a client does (`na` = the last volgnummer seen) until every event
    is numbered and seen; returns the volgnummers in the order they arrived."""
    seen: list[int] = []
    last = 0
    while True:
        finished = writers_done.is_set()
        page = await events.feed(
            after=last,
            limit=200,
            types=frozenset(),
            uow=factory(AccessContext(COORDINATOR)),
            actor=COORDINATOR,
        )
        seen.extend(e.volgnummer for e in page.events)
        last = seen[-1] if seen else 0
        if finished and not page.events:
            numbered, highest = await _all_numbered(engine)
            if numbered and highest == last:
                return seen
        await asyncio.sleep(0.002)


# --- (a) the outbox sequence -------------------------------------------------------------


async def test_feed_readers_see_every_volgnummer_once_and_in_order_while_writers_commit_late(
    pg_engine: AsyncEngine, late_commits: None
) -> None:
    factory = SqlUnitOfWorkFactory(pg_engine, clock=FakeClock(T0), ids=RandomIds())
    background = Sealer(pg_engine, interval=0.005)  # a third sealer, as the app runs one
    writers_done = asyncio.Event()

    async def write_all() -> None:
        await asyncio.gather(*(_intake(factory, n) for n in range(WRITERS)))
        writers_done.set()

    background.start()
    try:
        async with asyncio.timeout(60):
            _, first, second = await asyncio.gather(
                write_all(),
                _read_feed(factory, pg_engine, writers_done),
                _read_feed(factory, pg_engine, writers_done),
            )
    finally:
        await background.stop()
    assert first == list(range(1, WRITERS + 1))
    assert second == list(range(1, WRITERS + 1))


# --- (b) the audit chain -----------------------------------------------------------------


async def _record(factory: SqlUnitOfWorkFactory, n: int) -> None:
    """One unit of work writing two lines on the host's chain."""
    await asyncio.sleep((n % 5) * 0.005)
    async with factory(AccessContext(COORDINATOR)) as uow:
        for k in range(2):
            subject = f"00000000-0000-4000-8000-{2 * n + k:012x}"
            uow.audit.record(
                AuditEntry(
                    action=AuditAction.READ,
                    purpose=Purpose.TRAJECTORY_SUPPORT,
                    resource="traject",
                    resource_id=subject,
                    organisation=HOST,
                    subject_kind=SubjectKind.MOTHER_AND_CHILD,
                    subject_id=subject,
                    search=True,
                )
            )
        await uow.commit()


async def test_the_audit_chain_never_forks_under_concurrent_writers_and_sealers(
    pg_engine: AsyncEngine, late_commits: None
) -> None:
    factory = SqlUnitOfWorkFactory(pg_engine, clock=FakeClock(T0), ids=RandomIds())
    sealers = [Sealer(pg_engine, interval=0.003) for _ in range(2)]
    for sealer in sealers:
        sealer.start()
    try:
        async with asyncio.timeout(60):
            await asyncio.gather(*(_record(factory, n) for n in range(WRITERS)))
    finally:
        for sealer in sealers:
            await sealer.stop()
    await seal_all(pg_engine)
    query = sa.select(line_t).where(line_t.c.organisation == HOST).order_by(line_t.c.volgnummer)
    async with pg_engine.connect() as conn:
        chain = [row._asdict() for row in (await conn.execute(query)).all()]
        report = await verify_chain(conn, HOST)
    assert [line["volgnummer"] for line in chain] == list(range(1, 2 * WRITERS + 1))
    assert [line["vorige_hash"] for line in chain] == [GENESIS] + [
        line["hash"] for line in chain[:-1]
    ]
    assert (report.ok, report.checked) == (True, 2 * WRITERS)


# --- (c), (d) racing intakes over HTTP ---------------------------------------------------


async def _referral_rows(engine: AsyncEngine) -> int:
    referral_t = SQLModel.metadata.tables["referral"]
    async with engine.connect() as conn:
        return int(
            (await conn.execute(sa.select(sa.func.count()).select_from(referral_t))).scalar_one()
        )


def _outcome(response: httpx.Response) -> tuple[int, str | None, str | None]:
    body = response.json()
    return response.status_code, response.headers.get("idempotency-replayed"), body.get("code")


def _slow(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keeps every intake's transaction open 0.2 s after its inserts."""
    _transactional(monkeypatch)
    late = _late(write_events, every=1, seconds=0.2)
    monkeypatch.setattr(uow_module, "write_events", late)


@pytest.fixture(params=["quick", "slow-commit"])
def commit_speed(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    speed: str = request.param
    if speed == "slow-commit":
        _slow(monkeypatch)
    return speed


async def test_two_identical_intakes_racing_under_one_key_store_one_referral(
    client: httpx.AsyncClient,
    pg_engine: AsyncEngine,
    referrer_headers: dict[str, str],
    commit_speed: str,
) -> None:
    headers = {**referrer_headers, "Idempotency-Key": an_idempotency_key()}
    body = referral_body()
    responses = await asyncio.gather(
        client.post(URL, json=body, headers=headers),
        client.post(URL, json=body, headers=headers),
    )
    outcomes = sorted((_outcome(r) for r in responses), key=lambda o: (o[0], o[1] or ""))
    replayed = [(201, None, None), (201, "true", None)]
    in_flight = [(201, None, None), (409, None, "verzoek-loopt-nog")]
    assert outcomes in (replayed, in_flight), (commit_speed, outcomes)
    assert await _referral_rows(pg_engine) == 1


async def test_a_key_whose_transaction_is_still_open_is_409_verzoek_loopt_nog(
    pg_engine: AsyncEngine,
) -> None:
    """Deciding under a key (the transactional path) takes the key's lock: a second decision
    while the first transaction is open is refused as in flight, and sees the record after."""
    claim = IdempotencyClaim(scope="s" * 64, fingerprint="f" * 64)
    now = datetime.now(UTC)
    async with pg_engine.connect() as first, pg_engine.connect() as second:
        holder = SqlIdempotencyStore(LazyConnection(pg_engine, opened=first), now=now)
        assert await holder.claim(claim) is None
        holder.remember(claim, StoredResponse(201, {"id": "x"}))
        await holder.flush()
        with pytest.raises(RequestInProgress):
            await SqlIdempotencyStore(LazyConnection(pg_engine, opened=second), now=now).claim(
                claim
            )
        await second.rollback()
        await first.commit()
        stored = await SqlIdempotencyStore(LazyConnection(pg_engine, opened=second), now=now).claim(
            claim
        )
    assert stored == ("f" * 64, StoredResponse(201, {"id": "x"}))


async def test_an_intake_racing_a_request_in_flight_under_its_key_replays_it(
    client: httpx.AsyncClient,
    pg_engine: AsyncEngine,
    referrer_headers: dict[str, str],
) -> None:
    """A referral holding the business key uncommitted keeps both intakes waiting; once it
    is gone, one intake stores the referral and the other replays its answer."""
    body = referral_body()
    headers = {**referrer_headers, "Idempotency-Key": an_idempotency_key()}
    blocker = await _hold_business_key(pg_engine, body)
    first = asyncio.create_task(client.post(URL, json=body, headers=headers))
    second = asyncio.create_task(client.post(URL, json=body, headers=headers))
    await asyncio.sleep(0.2)  # both are now waiting on the uncommitted reference
    await blocker.rollback()
    await blocker.close()
    answers = sorted([await first, await second], key=lambda r: "idempotency-replayed" in r.headers)
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[1].headers["idempotency-replayed"] == "true"
    assert answers[1].json() == answers[0].json()
    assert await _referral_rows(pg_engine) == 1


async def _hold_business_key(engine: AsyncEngine, body: dict[str, Any]) -> Any:
    """An open transaction holding the body's business key in an uncommitted referral row."""
    table = SQLModel.metadata.tables["referral"]
    conn = await engine.connect()
    await conn.execute(
        sa.insert(table).values(
            id=uuid.uuid4(),
            org_scheme="ura",
            org_value="01234567",
            reference=body["verwijzer"]["referentie"],
            referrer_type="consultatiebureau",
            referrer={},
            content_hash="0" * 64,
            host_organisation="mim-demo",
            municipality="GM0363",
            feedback_allowed=True,
            received_at=datetime.now(UTC),
        )
    )
    return conn


async def test_two_intakes_of_one_business_key_racing_under_two_keys_store_one_referral(
    client: httpx.AsyncClient,
    pg_engine: AsyncEngine,
    referrer_headers: dict[str, str],
    commit_speed: str,
) -> None:
    body = referral_body()
    responses = await asyncio.gather(
        *(
            client.post(
                URL,
                json=body,
                headers={**referrer_headers, "Idempotency-Key": an_idempotency_key()},
            )
            for _ in range(2)
        )
    )
    assert sorted(r.status_code for r in responses) == [200, 201], (commit_speed, responses)
    assert len({r.json()["id"] for r in responses}) == 1  # both answer the one referral
    assert await _referral_rows(pg_engine) == 1
