"""A unit of work's connection, checked out of the pool at its first statement."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import CursorResult, Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql.base import Executable


class LazyConnection:
    """The unit of work's connection, checked out at its first statement: a new referral on
    PostgreSQL needs none of its own (it goes out with others, adapters.db.group_commit)."""

    def __init__(self, engine: AsyncEngine, *, opened: AsyncConnection | None = None) -> None:
        self._engine = engine
        self.dialect: Dialect = engine.dialect
        self.opened = opened

    async def connection(self) -> AsyncConnection:
        if self.opened is None:
            self.opened = await self._engine.connect()
        return self.opened

    def in_transaction(self) -> bool:
        return self.opened is not None and self.opened.in_transaction()

    async def driver(self) -> Any:
        """The raw driver connection (asyncpg on PostgreSQL) for a hot-path statement. Outside
        a transaction SQLAlchemy began, a statement sent here runs in autocommit: right for
        single reads and for one-statement writes (adapters.db.write_statement)."""
        raw = await (await self.connection()).get_raw_connection()
        return raw.driver_connection

    async def execute(self, statement: Executable, parameters: Any = None) -> CursorResult[Any]:
        return await (await self.connection()).execute(statement, parameters)

    async def close(self) -> None:
        conn, self.opened = self.opened, None
        if conn is None:
            return
        try:
            if conn.in_transaction():
                await conn.rollback()
        finally:
            await conn.close()
