"""Engines for PostgreSQL (asyncpg) and the embedded SQLite default (aiosqlite)."""

from __future__ import annotations

from typing import Any, Final

from pydantic_core import from_json, to_json
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def _json_text(value: Any) -> str:
    return to_json(value).decode()


# JSON columns through pydantic-core both ways: a list page decodes four JSON columns per row.
JSON_CODEC: Final = {"json_serializer": _json_text, "json_deserializer": from_json}


def make_engine(url: str, *, pool_size: int = 40) -> AsyncEngine:
    if not is_sqlite(url):
        # Overflow connections are closed when returned: under load that is a new connection
        # (and its type introspection) per request, so the steady pool holds the concurrency.
        # LIFO reuses the warm connections (prepared statements) before the cold ones.
        return create_async_engine(
            url,
            pool_size=pool_size,
            max_overflow=10,
            pool_pre_ping=False,
            pool_use_lifo=True,
            **JSON_CODEC,
        )
    engine = create_async_engine(url, connect_args={"timeout": 30}, **JSON_CODEC)

    @event.listens_for(engine.sync_engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        # The driver must not open transactions itself: we BEGIN IMMEDIATE below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(connection: Connection) -> None:
        # Every unit of work writes (audit lines for reads too), so take the write lock up
        # front: a deferred transaction that upgrades late fails with SQLITE_BUSY instead of
        # waiting.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
