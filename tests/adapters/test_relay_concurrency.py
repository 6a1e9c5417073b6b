"""Several relays at once (CONTRACT §13.3, `api.relay`): relays, each with its own engine and
HTTP client as separate processes would have, pass over one delivery table at the same time
while events are written through the API, and deliver to a receiver on loopback. Every
(subscription, event) is delivered exactly once and to no other organisation, the events
of one subject in volgnummer order; a receiver that always answers 500 gets each attempt
once, until `dood`; no attempt is ever sent twice (`pogingen` equals the requests the
receiver got); a 410 cancels what the subscription has pending, also what other relays have
in flight at that moment.

PostgreSQL: four relays, kept apart by FOR UPDATE SKIP LOCKED and the lease. SQLite
serialises writers (BEGIN IMMEDIATE): two relays, kept apart by the lease alone."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final
from uuid import UUID

import httpx
import pytest
import sqlalchemy as sa

from adapters.db.engine import make_engine
from adapters.db.outbox import event_t
from adapters.db.subscription_repository import PENDING, delivery_t, subscription_t
from adapters.webhooks.resolver import SystemResolver
from adapters.webhooks.sender import new_client
from api.relay import Relay
from api.settings import Settings
from domain.model.subscription import ATTEMPTS, AllowList
from domain.services.subscriptions import UrlGuard
from tests.api.lifecycle_steps import Auth, move, today
from tests.api.loopback import LOOPBACK, loopback_settings
from tests.api.test_trajectory_patch import patch
from tests.api.test_trajectory_reads import register
from tests.fakes import FakeClock
from tests.webhook_receiver import read_body, serving

RECEIVED: Final = "nl.mim.verwijzing.ontvangen"
STATUS: Final = "nl.mim.traject.status-gewijzigd"
UPDATED: Final = "nl.mim.traject.bijgewerkt"
HOST: Final = "mim-demo"
OTHER: Final = "mim-andere"  # GM0599: a few referrals only, for the always failing receiver
OTHERS: Final = 6
WRITERS: Final = 6  # trajectories written at once, while the relays run
FAILING: Final = "/dood"  # always 500
FLAKY: Final = "/c"  # 503 to the first attempt of every third event (by volgnummer)
GONE: Final = "/weg"  # 500, then 410 to the first retry: the subscription is switched off
HOOKS: Final = {  # receiver path -> the organisation subscribing, the types it asks for
    "/a": (HOST, (RECEIVED, STATUS, UPDATED)),
    "/b": (HOST, (STATUS,)),
    FLAKY: (HOST, (STATUS, UPDATED)),
    GONE: (HOST, (STATUS,)),
    FAILING: (OTHER, (RECEIVED,)),
}
RELAY_HEADER: Final = "x-test-relay"
IDLE: Final = 0.02  # seconds a relay waits at first after a pass that found nothing
RUN_LIMIT: Final = 60  # seconds; a run takes some 10
RETRY_ROUNDS: Final = ATTEMPTS + 3  # clock advances; `dood` takes ATTEMPTS - 1 of them
BETWEEN_ROUNDS: Final = timedelta(hours=16)  # more than the longest delay (13 h + 20 %)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return loopback_settings(database_url, tmp_path)


# --- the receiver --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Hit:
    """One request as it arrived: its path (which subscription), its event and the answer."""

    path: str
    webhook_id: str
    subject: str
    volgnummer: int
    status: int


@dataclass
class Hooks:
    """An ASGI receiver that keeps every request in arrival order and answers after a short
    delay, so that attempts of different relays are in flight together.

    Once `gone` is set, GONE answers its next request with 410, but only once another relay
    has sent it one too (2 s at most); what the other relays send it from then on is held
    until the subscription is switched off in the database: the 410 is recorded while those
    attempts are still in flight."""

    delay: float = 0.002
    hits: list[Hit] = field(default_factory=list)
    tried: Counter[tuple[str, str]] = field(default_factory=Counter)  # per (path, webhook-id)
    delivered: Counter[tuple[str, str]] = field(default_factory=Counter)  # answered 2xx
    gone: Callable[[], Awaitable[None]] | None = None  # returns once GONE is switched off
    gone_to: str | None = None  # the relay that got the 410
    held: int = 0  # attempts of other relays held until then
    holding: asyncio.Event = field(default_factory=asyncio.Event)  # set: held > 0

    def _status(self, path: str, webhook_id: str, volgnummer: int) -> int:
        if path == FAILING:
            return 500
        if path == FLAKY and volgnummer % 3 == 0 and self.tried[path, webhook_id] == 1:
            return 503
        if path == GONE and self.gone is not None and self.gone_to is None:
            return 410
        if path == GONE:
            return 500
        return 204

    @property
    def twice(self) -> bool:
        return any(times > 1 for times in self.delivered.values())

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = await read_body(receive)
        event = json.loads(body)
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        path, webhook_id, volgnummer = scope["path"], headers["webhook-id"], event["volgnummer"]
        self.tried[path, webhook_id] += 1
        status = self._status(path, webhook_id, volgnummer)
        self.hits.append(Hit(path, webhook_id, event["subject"], volgnummer, status))
        if 200 <= status < 300:
            self.delivered[path, webhook_id] += 1
        if status == 410:
            self.gone_to = headers[RELAY_HEADER]
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.holding.wait(), 2)
        elif path == GONE and self.gone is not None and headers[RELAY_HEADER] != self.gone_to:
            self.held += 1
            self.holding.set()
            await self.gone()
        await asyncio.sleep(self.delay)
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})


# --- the relays ----------------------------------------------------------------------------


@dataclass
class Worker:
    relay: Relay
    client: httpx.AsyncClient
    claimed: int = 0
    errors: list[str] = field(default_factory=list)

    async def pass_once(self) -> int:
        try:
            found = await self.relay.pass_once(self.client)
        except Exception as error:  # as in `Relay.start`: the next pass tries again
            self.errors.append(f"{type(error).__name__}: {error}"[:300])
            return 0
        self.claimed += found
        return found


@contextlib.asynccontextmanager
async def relays(count: int, database_url: str, clock: FakeClock) -> AsyncIterator[list[Worker]]:
    """`count` relays, each with its own engine and client, as separate processes have."""
    guard = UrlGuard(SystemResolver(), AllowList.parse(LOOPBACK), allow_http=True)
    async with contextlib.AsyncExitStack() as stack:
        workers = []
        for n in range(count):
            engine = make_engine(database_url, pool_size=2)
            stack.push_async_callback(engine.dispose)
            client = await stack.enter_async_context(new_client())
            client.headers[RELAY_HEADER] = str(n)  # for the receiver only
            relay = Relay(engine, guard=guard, clock=clock, jitter=random.Random(n))
            workers.append(Worker(relay, client))
        yield workers


@dataclass
class Quiet:
    """The relays pass on their own, each as `Relay.start` does, until nothing is due at the
    clock's time: no relay is in a pass, and the last pass of each found nothing and began
    after the last pass that found something (and after the writers were done). A relay
    whose pass found nothing waits for another's to find something, at most a while that
    doubles (up to 1 s) while none does: an empty pass may have lost its rows to a claim
    made at the same moment. A delivery made twice ends it too: the test has failed, and
    the relays might never come to rest."""

    hooks: Hooks
    writing: asyncio.Task[None] | None
    idle_since: list[int | None]
    progress: int = 0
    moved: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        if self.writing is not None:
            self.writing.add_done_callback(lambda _: self._move())

    def _move(self) -> None:
        self.progress += 1
        self.moved.set()
        self.moved = asyncio.Event()

    def reached(self) -> bool:
        written = self.writing is None or self.writing.done()
        done = written and all(seen == self.progress for seen in self.idle_since)
        return done or self.hooks.twice

    async def passes(self, n: int, worker: Worker) -> None:
        wait = IDLE
        while not self.reached():
            seen, moved, self.idle_since[n] = self.progress, self.moved, None
            if await worker.pass_once():
                self._move()
                continue
            self.idle_since[n] = seen
            if self.reached():
                self.moved.set()  # the others, waiting, see it too
                return
            if self.progress == seen:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(moved.wait(), wait)
            wait = IDLE if self.progress != seen else min(2 * wait, 1.0)


async def drain(
    hooks: Hooks, workers: list[Worker], writing: asyncio.Task[None] | None = None
) -> None:
    quiet = Quiet(hooks, writing, [None] * len(workers))
    async with asyncio.TaskGroup() as group:
        for n, worker in enumerate(workers):
            group.create_task(quiet.passes(n, worker))


# --- the events ----------------------------------------------------------------------------


async def trajectory_events(client: httpx.AsyncClient, auth: Auth) -> None:
    """ontvangen (its subject the referral), then bijgewerkt twice and status-gewijzigd twice
    (their subject the trajectory), through the API; the intake also makes teruggekoppeld,
    for the referrer, which no subscription here receives."""
    trajectory_id = await register(client, auth)
    etag = '"1"'
    for phone in ("06 11112222", "06 11113333"):
        changed = await patch(
            client, auth, trajectory_id, {"moeder": {"telefoon": phone}}, etag=etag
        )
        assert changed.status_code == 200, changed.text
        etag = changed.headers["etag"]
    await move(client, auth, trajectory_id, {"naar": "intake", "intakeDatum": today().isoformat()})
    checked = {"naar": "wacht_op_match", "contraIndicatiesGecontroleerd": True}
    await move(client, auth, trajectory_id, checked)


async def write(client: httpx.AsyncClient, auth: Auth, trajectories: int) -> None:
    """`trajectories` at the host, OTHERS referrals (ontvangen only) at the other one."""
    writers, every = asyncio.Semaphore(WRITERS), trajectories // OTHERS

    async def one(n: int) -> None:
        async with writers:
            if n % every == 0 and n // every < OTHERS:
                await register(client, auth, gemeente="GM0599", org=OTHER)
            await trajectory_events(client, auth)

    await asyncio.gather(*(one(n) for n in range(trajectories)))


# --- the run -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    volgnummer: int
    type: str
    organisation: str
    subject: str


@dataclass(frozen=True, slots=True)
class Row:
    """A delivery as stored at the end."""

    path: str
    event_id: str
    status: str
    attempts: int
    leased: bool


@dataclass(frozen=True, slots=True)
class Outcome:
    trajectories: int
    hits: list[Hit]
    events: list[Event]
    rows: list[Row]
    disabled: set[str]  # the paths of the subscriptions switched off
    held: int  # attempts to GONE of other relays in flight when it was switched off
    claimed: list[int]  # deliveries claimed, per relay
    errors: list[str]  # passes that failed


async def run(
    client: httpx.AsyncClient, auth: Auth, database_url: str, *, relay_count: int, trajectories: int
) -> Outcome:
    """The relays deliver while the events are written, then on a clock moved on until no
    delivery is pending any more."""
    hooks = Hooks()
    try:
        async with asyncio.timeout(RUN_LIMIT):
            return await deliver(hooks, client, auth, database_url, relay_count, trajectories)
    except TimeoutError:
        pytest.fail(f"the relays did not come to rest in {RUN_LIMIT} s")


async def deliver(
    hooks: Hooks,
    client: httpx.AsyncClient,
    auth: Auth,
    database_url: str,
    relay_count: int,
    trajectories: int,
) -> Outcome:
    clock = FakeClock(datetime.now(UTC))
    async with serving(hooks, 0) as port:
        paths = {}
        for path, (organisation, types) in HOOKS.items():
            created = await client.post(
                "/v1/abonnementen",
                json={"url": f"http://127.0.0.1:{port}{path}", "typen": list(types)},
                headers=auth("coordinator", organisation),
            )
            assert created.status_code == 201, created.text
            paths[UUID(created.json()["id"])] = path
        async with relays(relay_count, database_url, clock) as workers:
            async with asyncio.TaskGroup() as group:
                writing = group.create_task(write(client, auth, trajectories))
                await drain(hooks, workers, writing)
            hooks.gone = switched_off(database_url)  # at the first retries, due on every relay
            for _ in range(RETRY_ROUNDS):
                if hooks.twice or not await pending(database_url):
                    break
                clock.advance(BETWEEN_ROUNDS)
                await drain(hooks, workers)
    events, rows, disabled = await stored(database_url, paths)
    claimed, errors = [w.claimed for w in workers], [e for w in workers for e in w.errors]
    return Outcome(trajectories, hooks.hits, events, rows, disabled, hooks.held, claimed, errors)


def switched_off(database_url: str) -> Callable[[], Awaitable[None]]:
    """Waits until GONE's subscription is switched off (one poll, shared by every caller)."""
    polling: list[asyncio.Task[None]] = []

    async def poll() -> None:
        engine = make_engine(database_url, pool_size=1)
        query = sa.select(subscription_t.c.id).where(subscription_t.c.status == "uitgeschakeld")
        try:
            for _ in range(250):  # 5 s at most: then the test fails on what it finds
                async with engine.connect() as conn:
                    if (await conn.execute(query)).first():
                        return
                await asyncio.sleep(0.02)
        finally:
            await engine.dispose()

    def wait() -> Awaitable[None]:
        if not polling:
            polling.append(asyncio.create_task(poll()))
        return asyncio.shield(polling[0])

    return wait


async def pending(database_url: str) -> int:
    engine = make_engine(database_url, pool_size=1)
    try:
        async with engine.connect() as conn:
            query = sa.select(sa.func.count()).where(delivery_t.c.status.in_(PENDING))
            return int((await conn.execute(query)).scalar_one())
    finally:
        await engine.dispose()


async def stored(
    database_url: str, paths: dict[UUID, str]
) -> tuple[list[Event], list[Row], set[str]]:
    e, d, s = event_t, delivery_t, subscription_t
    engine = make_engine(database_url, pool_size=1)
    try:
        async with engine.connect() as conn:
            events = await conn.execute(
                sa.select(
                    e.c.id, e.c.volgnummer, e.c.type, e.c.source_organisation, e.c.subject
                ).order_by(e.c.volgnummer)
            )
            deliveries = await conn.execute(
                sa.select(
                    d.c.subscription_id, d.c.event_id, d.c.status, d.c.attempts, d.c.locked_until
                )
            )
            disabled = await conn.execute(sa.select(s.c.id).where(s.c.status == "uitgeschakeld"))
    finally:
        await engine.dispose()
    return (
        [
            Event(str(r.id), r.volgnummer, r.type, r.source_organisation, str(r.subject))
            for r in events
        ],
        [
            Row(
                paths[r.subscription_id],
                str(r.event_id),
                r.status,
                r.attempts,
                bool(r.locked_until),
            )
            for r in deliveries
        ],
        {paths[key] for key in disabled.scalars()},
    )


# --- what must hold ------------------------------------------------------------------------


def assert_delivered_once_in_order(outcome: Outcome) -> None:
    assert outcome.errors == []
    events, rows, n = outcome.events, outcome.rows, outcome.trajectories
    made = Counter((e.organisation, e.type) for e in events)
    host = (made[HOST, RECEIVED], made[HOST, STATUS], made[HOST, UPDATED])
    assert (host, made[OTHER, RECEIVED]) == ((n, 2 * n, 2 * n), OTHERS)
    by_id = {e.id: e for e in events}

    def retry(path: str, event_id: str) -> int:
        return int(path == FLAKY and by_id[event_id].volgnummer % 3 == 0)

    for path, (organisation, types) in HOOKS.items():
        hits = [h for h in outcome.hits if h.path == path]
        assert all(by_id[h.webhook_id].subject == h.subject for h in hits)
        delivered = Counter(h.webhook_id for h in hits if 200 <= h.status < 300)
        twice = {webhook_id: times for webhook_id, times in delivered.items() if times > 1}
        assert twice == {}, f"{path}: delivered more than once"
        receives = {e.id for e in events if e.organisation == organisation and e.type in types}
        expected = set() if path in (FAILING, GONE) else receives
        assert set(delivered) == expected, f"{path}: not every event delivered, or a foreign one"
        assert {h.webhook_id for h in hits} <= receives
        seen: dict[str, list[int]] = defaultdict(list)
        for hit in hits:  # in arrival order; a retry repeats its volgnummer
            seen[hit.subject].append(hit.volgnummer)
        jumped = {subject: order for subject, order in seen.items() if order != sorted(order)}
        assert jumped == {}, f"{path}: a later event about a subject arrived first"

    handed_out = Counter(r.path for r in rows)
    wanted = Counter(
        {path: sum(made[org, t] for t in types) for path, (org, types) in HOOKS.items()}
    )
    assert handed_out == wanted
    sent = Counter((h.path, h.webhook_id) for h in outcome.hits)
    counts = {(r.path, r.event_id): (sent[r.path, r.event_id], r.attempts) for r in rows}
    # no request without an attempt counted for it (a request lost on the way counts only there)
    assert {key: n for key, n in counts.items() if n[0] > n[1]} == {}, "(requests, pogingen)"
    # and each attempt sent once: as many requests as the receiver's answers call for
    should = {
        (r.path, r.event_id): ATTEMPTS if r.path == FAILING else 1 + retry(r.path, r.event_id)
        for r in rows
        if r.path != GONE
    }
    assert {key: sent[key] for key in should if sent[key] != should[key]} == {}, "requests"
    assert [r for r in rows if r.leased] == []
    failing = {(r.status, r.attempts) for r in rows if r.path == FAILING}
    assert failing == {("dood", ATTEMPTS)}  # retried on the schedule to the end, never delivered
    gone = [h.status for h in outcome.hits if h.path == GONE]
    assert gone.count(410) == 1
    assert outcome.held, "no other relay had an attempt in flight when the 410 came"
    assert outcome.disabled == {GONE}
    # cancelled, also what was in flight when the 410 was recorded: that attempt is not kept
    assert {r.status for r in rows if r.path == GONE} == {"geannuleerd"}
    assert {r.status for r in rows if r.path not in (FAILING, GONE)} == {"afgeleverd"}
    assert all(outcome.claimed), f"a relay never got work: {outcome.claimed}"


@pytest.mark.backends("postgresql")
async def test_four_relays_on_postgresql_deliver_every_event_once_in_subject_order(
    client: httpx.AsyncClient, auth: Auth, settings: Settings, backend: str
) -> None:
    outcome = await run(client, auth, settings.database_url, relay_count=4, trajectories=50)
    assert_delivered_once_in_order(outcome)


@pytest.mark.backends("sqlite")
async def test_two_relays_on_sqlite_never_deliver_an_event_twice(
    client: httpx.AsyncClient, auth: Auth, settings: Settings, backend: str
) -> None:
    outcome = await run(client, auth, settings.database_url, relay_count=2, trajectories=20)
    assert_delivered_once_in_order(outcome)
