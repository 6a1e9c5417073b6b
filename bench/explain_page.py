"""EXPLAIN (ANALYZE, BUFFERS) of the query SqlTrajectoryRepository.page sends for a list page.

    DATABASE_URL=postgresql+asyncpg://... .venv/bin/python bench/explain_page.py \\
        [--org mim-demo] [--deep 500000] [--limit 50]

The statement is the repository's own (captured from `page`, not a copy), compiled for
asyncpg and explained with the same parameters, for the first page and for a page whose
cursor is the row `--deep` rows down the organisation's list (newest first), as a
coordinator without filters sees it. The deep page is explained twice: with a custom plan
(as EXPLAIN sends it) and with `plan_cache_mode = force_generic_plan`, the plan a prepared
statement may switch to after five executions. Prints Markdown.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine  # noqa: E402

from adapters.db.repositories import SqlTrajectoryRepository, Tracked  # noqa: E402
from domain.views import TrajectoryFilter  # noqa: E402


class _Capture:
    """Stands in for the connection: keeps the statement, returns no rows."""

    statement: Any = None

    async def execute(self, statement: Any) -> _Capture:
        self.statement = statement
        return self

    def all(self) -> list[Any]:
        return []


async def page_statement(
    selection: TrajectoryFilter, after: tuple[datetime, str] | None, limit: int
) -> Any:
    capture = _Capture()
    repository = SqlTrajectoryRepository(capture, Tracked())  # type: ignore[arg-type]
    await repository.page(selection, after=after, limit=limit)
    return capture.statement


def _literal(value: object) -> str:
    if isinstance(value, int):
        return str(value)
    text = value.isoformat() if isinstance(value, datetime) else str(value)
    return "'" + text.replace("'", "''") + "'"


async def explain(conn: AsyncConnection, statement: Any, *, generic: bool = False) -> str:
    compiled = statement.compile(dialect=conn.dialect)
    processors = compiled._bind_processors
    params = compiled.construct_params()
    values = []
    for name in compiled.positiontup:
        value = params[name]
        processor = processors.get(name)
        values.append(processor(value) if processor else value)
    if not generic:
        result = await conn.exec_driver_sql(
            f"EXPLAIN (ANALYZE, BUFFERS) {compiled.string}", tuple(values)
        )
        return "\n".join(row[0] for row in result)
    # A named prepared statement planned without its parameter values.
    await conn.exec_driver_sql(f"PREPARE bench_page AS {compiled.string}")
    await conn.exec_driver_sql("SET plan_cache_mode = force_generic_plan")
    try:
        literals = ", ".join(_literal(value) for value in values)  # EXECUTE takes no $n
        result = await conn.exec_driver_sql(
            f"EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_page({literals})"
        )
        return "\n".join(row[0] for row in result)
    finally:
        await conn.exec_driver_sql("RESET plan_cache_mode")
        await conn.exec_driver_sql("DEALLOCATE bench_page")


async def run(url: str, org: str, deep: int, limit: int) -> str:
    engine = create_async_engine(url)
    selection = TrajectoryFilter(organisation=org)  # a coordinator's list: no filters
    try:
        async with engine.connect() as conn:
            row = (
                await conn.execute(
                    sa.text(
                        "SELECT created_at, id FROM trajectory WHERE organisation = :org "
                        "ORDER BY created_at DESC, id DESC OFFSET :deep LIMIT 1"
                    ),
                    {"org": org, "deep": deep},
                )
            ).one()
            after = (row.created_at, str(row.id))
            first = await page_statement(selection, None, limit + 1)
            deep_page = await page_statement(selection, after, limit + 1)
            plans = [
                ("first page", await explain(conn, first)),
                (f"deep page ({deep:,} rows deep), custom plan", await explain(conn, deep_page)),
                (
                    f"deep page ({deep:,} rows deep), generic plan",
                    await explain(conn, deep_page, generic=True),
                ),
            ]
            sql = deep_page.compile(dialect=conn.dialect).string
    finally:
        await engine.dispose()
    title = "Query of SqlTrajectoryRepository.page (deep page; the use case asks limit + 1)"
    out = [f"{title}:\n\n```sql\n{sql}\n```"]
    out += [f"EXPLAIN (ANALYZE, BUFFERS), {label}:\n\n```\n{plan}\n```" for label, plan in plans]
    return "\n\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--org", default="mim-demo")
    parser.add_argument("--deep", type=int, default=500_000)
    parser.add_argument("--limit", type=int, default=50)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        print("explain_page: DATABASE_URL must be a postgresql+asyncpg:// URL", file=sys.stderr)
        return 2
    print(asyncio.run(run(url, args.org, args.deep, args.limit)), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
