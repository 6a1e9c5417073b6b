"""Where a GET /v1/trajecten?limit=50 spends its time: sections timed in-process, one at a time.

    DATABASE_URL=postgresql+asyncpg://... MIM_DATA_DIR=... .venv/bin/python bench/profile_list.py \\
        [--requests 200] [--deep 500000] [--org mim-demo]

Runs the service app in this process (lifespan included, so the audit sealer runs as under
uvicorn) over a seeded, migrated database (bench/seed_trajectories.py), sends sequential
requests as a coordinator through httpx's ASGI transport, and wraps the functions below with
timers (monkeypatching in this process only; no code is changed). Prints mean milliseconds
per request for each section; nested sections are indented and included in their parent.
Wall time includes waiting for PostgreSQL; uvicorn's HTTP parsing is not included.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402
from starlette.responses import JSONResponse  # noqa: E402

import adapters.auth.jose_verifier as jose_verifier  # noqa: E402
import adapters.db.repositories as repositories  # noqa: E402
import adapters.db.sealer as sealer  # noqa: E402
import adapters.db.uow as uow  # noqa: E402
import api.rest.trajectories as rest  # noqa: E402
import domain.services.trajectories as use_case  # noqa: E402
from api.app import create_app  # noqa: E402
from api.settings import settings_from_env  # noqa: E402
from api.tokens import claims_for, mint  # noqa: E402
from domain.model.cursor import encode_cursor  # noqa: E402
from domain.policy import Role  # noqa: E402
from domain.views import TrajectoryFilter, TrajectoryView  # noqa: E402

# (label, depth): printed in this order, indented by depth.
SECTIONS = [
    ("request (httpx -> ASGI app -> response)", 0),
    ("token verification (ES256)", 1),
    ("use case trajectories.page", 1),
    ("SqlTrajectoryRepository.page (query + mapping)", 2),
    ("trajectory_from_row x51", 3),
    ("_read_entry x50 (audit entries)", 2),
    ("SqlUnitOfWork.commit (audit INSERT + COMMIT)", 2),
    ("write_lines (50 audit rows)", 3),
    ("TrajectoryView.of x50", 2),
    ("traject_wire x50", 1),
    ("JSONResponse.render (json.dumps)", 1),
    ("sealer: seal_all (background, same event loop)", 0),
]


class Timers:
    def __init__(self) -> None:
        self.seconds: defaultdict[str, float] = defaultdict(float)
        self.calls: Counter[str] = Counter()

    def sync(self, label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - started
                self.calls[label] += 1

        return timed

    def asynchronous(
        self, label: str, fn: Callable[..., Awaitable[Any]]
    ) -> Callable[..., Awaitable[Any]]:
        @functools.wraps(fn)
        async def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await fn(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - started
                self.calls[label] += 1

        return timed

    def reset(self) -> None:
        self.seconds.clear()
        self.calls.clear()


def instrument(t: Timers) -> None:
    names = [name for name, _ in SECTIONS]
    jose_verifier.JoseTokenVerifier.verify = t.sync(  # type: ignore[method-assign]
        names[1], jose_verifier.JoseTokenVerifier.verify
    )
    use_case.page = t.asynchronous(names[2], use_case.page)  # the door calls trajectories.page
    repositories.SqlTrajectoryRepository.page = t.asynchronous(  # type: ignore[method-assign]
        names[3], repositories.SqlTrajectoryRepository.page
    )
    repositories.trajectory_from_row = t.sync(names[4], repositories.trajectory_from_row)
    use_case._read_entry = t.sync(names[5], use_case._read_entry)
    uow.SqlUnitOfWork.commit = t.asynchronous(  # type: ignore[method-assign]
        names[6], uow.SqlUnitOfWork.commit
    )
    uow.write_lines = t.asynchronous(names[7], uow.write_lines)
    of = TrajectoryView.of.__func__  # type: ignore[attr-defined]
    TrajectoryView.of = classmethod(t.sync(names[8], of))  # type: ignore[method-assign,assignment]
    rest.traject_wire = t.sync(names[9], rest.traject_wire)
    JSONResponse.render = t.sync(names[10], JSONResponse.render)  # type: ignore[method-assign]
    sealer.seal_all = t.asynchronous(names[11], sealer.seal_all)


async def deep_cursor(url: str, org: str, depth: int) -> str:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            row = (
                await conn.execute(
                    sa.text(
                        "SELECT created_at, id FROM trajectory WHERE organisation = :org "
                        "ORDER BY created_at DESC, id DESC OFFSET :depth LIMIT 1"
                    ),
                    {"org": org, "depth": depth},
                )
            ).one()
    finally:
        await engine.dispose()
    fingerprint = TrajectoryFilter(organisation=org).fingerprint()
    return encode_cursor((row.created_at, str(row.id)), fingerprint=fingerprint)


async def main_async(args: argparse.Namespace) -> None:
    settings = settings_from_env()
    token = mint(
        settings, claims_for(role=Role.COORDINATOR, organisation=args.org, settings=settings)
    )
    query = f"/v1/trajecten?limit={args.limit}"
    if args.deep:
        query += "&cursor=" + await deep_cursor(settings.database_url, args.org, args.deep)
    timers = Timers()
    instrument(timers)
    app = create_app(settings)
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://bench") as client,
    ):
        request = timers.asynchronous(SECTIONS[0][0], client.get)
        for _ in range(args.warmup):
            (await request(query, headers=headers)).raise_for_status()
        timers.reset()
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(args.requests):
            response = await request(query, headers=headers)
            response.raise_for_status()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    n = args.requests
    page = f"deep page (cursor {args.deep:,} rows deep)" if args.deep else "first page"
    print(f"GET {query[:40]}... {page}, {n} sequential requests, in-process (no uvicorn)")
    print(f"wall {1000 * wall / n:.2f} ms/request, process CPU {1000 * cpu / n:.2f} ms/request")
    print("| section | ms per request | calls per request |")
    print("|---|---|---|")
    for name, depth in SECTIONS:
        ms = 1000 * timers.seconds[name] / n
        calls = timers.calls[name] / n
        print(f"| {'&nbsp;' * 4 * depth}{name} | {ms:.2f} | {calls:.2f} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--limit", type=int, default=50)
    parser.add_argument("--deep", type=int, default=0, help="cursor this many rows deep")
    parser.add_argument("--org", default="mim-demo")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgresql"):
        print("profile_list: DATABASE_URL must be a postgresql+asyncpg:// URL", file=sys.stderr)
        return 2
    asyncio.run(main_async(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
