"""python -m api.audit verifieer [--organisatie ORG]: verifies the audit hash chains.

Exit 0 when every chain is intact, 1 on a break (CONTRACT §18.1).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

import sqlalchemy as sa

from adapters.db.audit import chain_t, verify_chain
from adapters.db.engine import make_engine
from adapters.db.sealer import seal_all
from api.settings import settings_from_env


async def verify(database_url: str, organisation: str | None) -> bool:
    engine = make_engine(database_url)
    intact = True
    try:
        await seal_all(engine)  # verification covers sealed lines: seal what has committed
        async with engine.connect() as conn:
            if organisation is None:
                chains = (await conn.execute(sa.select(chain_t.c.organisation))).scalars().all()
            else:
                chains = [organisation]
            for name in sorted(chains):
                report = await verify_chain(conn, name)
                state = "ok" if report.ok else f"verbroken bij volgnummer {report.first_break}"
                sys.stdout.write(f"{name}: {state} ({report.checked} regels gecontroleerd)\n")
                intact = intact and report.ok
    finally:
        await engine.dispose()
    return intact


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api.audit")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("verifieer", help="verify the hash chains")
    check.add_argument("--organisatie")
    args = parser.parse_args(argv)
    settings = settings_from_env()
    return 0 if asyncio.run(verify(settings.database_url, args.organisatie)) else 1


if __name__ == "__main__":
    sys.exit(main())
