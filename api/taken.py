"""python -m api.taken leeftijdsgrens: one pass of a periodic task (CONTRACT §16, §18.1).

Prints a JSON receipt (counts only) and exits 0; exit 2 for a task this version lacks.
`bewaartermijnen` and `afleveringen` arrive with the retention and webhook issues.
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
from api.settings import settings_from_env
from api.tasks import AGE_LIMIT, run_age_limit

PLANNED = ("bewaartermijnen", "afleveringen")


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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api.taken")
    parser.add_argument("taak", choices=[AGE_LIMIT, *PLANNED])
    parser.add_argument("--droog", action="store_true", help="bewaartermijnen: alleen tellen")
    args = parser.parse_args(argv)
    if args.taak in PLANNED:
        sys.stderr.write(f"taak {args.taak} is in deze versie nog niet beschikbaar\n")
        return 2
    settings = settings_from_env()
    receipt = asyncio.run(_age_limit(settings.database_url))
    sys.stdout.write(json.dumps(receipt) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
