"""Sealing audit lines: committed unsealed lines get their number and hash in their
organisation's chain. The caller (adapters.db.sealer) holds the sealer lock.

Every line passes through Python once, for its hash. On PostgreSQL the lines are read and
their seals written through the driver itself: SQLAlchemy's row and parameter processing
cost more per line than the hashing, and the sealer runs in the API process.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.db.audit import GENESIS, chain_t, line_hash, line_t

_PENDING = (
    sa.select(line_t)
    .where(line_t.c.hash.is_(None))
    .order_by(line_t.c.tijdstip, line_t.c.id)
    .limit(sa.bindparam("limit"))
)
_SEAL = (
    sa.update(line_t)
    .where(line_t.c.id == sa.bindparam("b_id"))
    .values(
        volgnummer=sa.bindparam("b_volgnummer"),
        vorige_hash=sa.bindparam("b_vorige_hash"),
        hash=sa.bindparam("b_hash"),
    )
)
_COLUMNS = ", ".join(f'"{c.name}"' for c in line_t.c)
_PG_PENDING = (
    f"SELECT {_COLUMNS} FROM audit_line WHERE hash IS NULL "  # noqa: S608 (column names only)
    "ORDER BY tijdstip, id LIMIT $1"
)
_PG_SEAL = "UPDATE audit_line SET volgnummer = $2, vorige_hash = $3, hash = $4 WHERE id = $1"


async def seal_lines(conn: AsyncConnection, *, limit: int) -> int:
    """Links committed unsealed lines into their chains, oldest first; returns how many."""
    driver = await _driver(conn)
    if driver is not None:
        pending = [dict(record) for record in await driver.fetch(_PG_PENDING, limit)]
    else:
        pending = [row._asdict() for row in await conn.execute(_PENDING, {"limit": limit})]
    by_chain: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line in pending:
        by_chain[line["organisation"]].append(line)
    for organisation in sorted(by_chain):
        number, previous = await _head(conn, organisation)
        seals = []
        for line in by_chain[organisation]:
            number += 1
            line["volgnummer"], line["vorige_hash"] = number, previous
            line["hash"] = line_hash(previous, line)
            seals.append((line["id"], number, previous, line["hash"]))
            previous = line["hash"]
        if driver is not None:
            await driver.executemany(_PG_SEAL, seals)
        else:
            keys = ("b_id", "b_volgnummer", "b_vorige_hash", "b_hash")
            await conn.execute(_SEAL, [dict(zip(keys, seal, strict=True)) for seal in seals])
        await conn.execute(
            sa.update(chain_t)
            .where(chain_t.c.organisation == organisation)
            .values(volgnummer=number, hash=previous)
        )
    return len(pending)


async def _driver(conn: AsyncConnection) -> Any:
    """asyncpg's connection inside the caller's transaction, or None on SQLite."""
    if conn.dialect.name != "postgresql":
        return None
    return (await conn.get_raw_connection()).driver_connection


async def _head(conn: AsyncConnection, organisation: str) -> tuple[int, str]:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    upsert = dialect.insert(chain_t).values(organisation=organisation, volgnummer=0, hash=GENESIS)
    upsert = upsert.on_conflict_do_update(
        index_elements=["organisation"], set_={"organisation": upsert.excluded.organisation}
    ).returning(chain_t.c.volgnummer, chain_t.c.hash)
    row = (await conn.execute(upsert)).one()
    return int(row.volgnummer), str(row.hash)
