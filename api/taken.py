"""python -m api.taken leeftijdsgrens|afleveringen: one pass of a periodic task (CONTRACT
§16, §18.1). `afleveringen` hands out what was sealed and attempts the due webhook deliveries
once (the in-process relay or `python -m api.relay` do this continuously).

Prints a JSON receipt (counts only) and exits 0; exit 2 for a task this version lacks.
`bewaartermijnen` arrives with the retention issue.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence

from adapters.clock import RandomIds, SystemClock
from adapters.db.engine import make_engine
from adapters.db.uow import SqlUnitOfWorkFactory
from adapters.webhooks.resolver import SystemResolver
from adapters.webhooks.sender import new_client
from api.relay import Relay
from api.settings import Settings, settings_from_env
from api.tasks import AGE_LIMIT, run_age_limit
from domain.model.subscription import AllowList
from domain.services.subscriptions import UrlGuard

DELIVERIES = "afleveringen"
PLANNED = ("bewaartermijnen",)


async def _age_limit(database_url: str) -> dict[str, object]:
    engine = make_engine(database_url)
    try:
        factory = SqlUnitOfWorkFactory(engine, clock=SystemClock(), ids=RandomIds())
        report = await run_age_limit(engine, factory)
    finally:
        await engine.dispose()
    if report is None:
        return {"taak": AGE_LIMIT, "uitgevoerd": False, "reden": "een andere run loopt"}
    return {
        "taak": AGE_LIMIT,
        "uitgevoerd": True,
        "verplaatst": report.moved,
        "overgeslagen": report.skipped,
    }


async def deliveries_once(settings: Settings) -> dict[str, object]:
    engine = make_engine(settings.database_url)
    guard = UrlGuard(
        SystemResolver(),
        AllowList.parse(settings.webhook_allowed_hosts),
        allow_http=settings.webhook_http_allowed,
    )
    try:
        async with new_client() as client:
            attempted = await Relay(engine, guard=guard, clock=SystemClock()).pass_once(client)
    finally:
        await engine.dispose()
    return {"taak": DELIVERIES, "uitgevoerd": True, "pogingen": attempted}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api.taken")
    parser.add_argument("taak", choices=[AGE_LIMIT, DELIVERIES, *PLANNED])
    parser.add_argument("--droog", action="store_true", help="bewaartermijnen: alleen tellen")
    args = parser.parse_args(argv)
    if args.taak in PLANNED:
        sys.stderr.write(f"taak {args.taak} is in deze versie nog niet beschikbaar\n")
        return 2
    settings = settings_from_env()
    if args.taak == DELIVERIES:
        receipt = asyncio.run(deliveries_once(settings))
    else:
        receipt = asyncio.run(_age_limit(settings.database_url))
    sys.stdout.write(json.dumps(receipt) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
