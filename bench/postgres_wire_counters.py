"""The write profiler's wire counters: SQLAlchemy's statement and transaction events, and
the messages this process writes to PostgreSQL's sockets (the PostgreSQL frontend protocol)."""

import struct
from asyncio import selector_events
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from bench.write_section_timers import IN_REQUEST


@dataclass
class Wire:
    """What went to PostgreSQL: SQLAlchemy statements and transaction events, socket writes."""

    statements: Counter[str] = field(default_factory=Counter)  # in request / background
    kinds: Counter[str] = field(default_factory=Counter)  # SELECT, INSERT, ... in request
    transactions: Counter[str] = field(default_factory=Counter)  # begin / commit / rollback
    writes: Counter[str] = field(default_factory=Counter)  # in request / background
    wire_kinds: Counter[str] = field(default_factory=Counter)  # BEGIN, execute, ... in request
    trace: list[str] | None = None  # the current request's exchanges, when tracing

    def reset(self) -> None:
        self.statements.clear()
        self.kinds.clear()
        self.transactions.clear()
        self.writes.clear()
        self.wire_kinds.clear()


PREPARED: dict[bytes, str] = {}  # statement name -> SQL, from every Parse message seen


def messages(data: bytes) -> list[tuple[str, str]]:
    """A frontend message batch as (type, SQL or ""): `Q` with its text (BEGIN, COMMIT),
    `P` (prepare) with its SQL, `B` (run a prepared statement) with its SQL when its Parse was
    seen, others (E execute, S sync, D describe) bare."""
    found, offset = [], 0
    while offset + 5 <= len(data):
        kind = chr(data[offset])
        (length,) = struct.unpack_from("!i", data, offset + 1)
        payload = data[offset + 5 : offset + 1 + length]
        text = ""
        if kind == "Q":
            text = payload.rstrip(b"\0").decode(errors="replace")
        elif kind == "P":
            name, _, rest = payload.partition(b"\0")  # statement name, then the SQL
            PREPARED[name] = text = rest.split(b"\0", 1)[0].decode(errors="replace")
        elif kind == "B":
            _portal, _, rest = payload.partition(b"\0")
            text = PREPARED.get(rest.split(b"\0", 1)[0], "?")
        found.append((kind, " ".join(text.split())))
        offset += 1 + length
    return found


def describe(batch: list[tuple[str, str]]) -> str:
    """`Q: BEGIN;`, `P,D,S: <sql>` (prepare), `B,E,S: <sql>` (run a prepared statement)."""
    text = " | ".join(t for _, t in batch if t)
    return ",".join(kind for kind, _ in batch) + (": " + text if text else "")


def wire_kind(kind: str, text: str) -> str | None:
    """What a message does, for the per-request counts; None for E, S, D."""
    if kind == "Q":
        return text.split(None, 1)[0].rstrip(";").upper() if text else "empty query"
    return {"B": "execute (Bind)", "P": "prepare (Parse)"}.get(kind)


def instrument_wire(wire: Wire) -> None:
    def where() -> str:
        return "request" if IN_REQUEST.get() else "background"

    @event.listens_for(Engine, "before_cursor_execute")
    def _statement(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        wire.statements[where()] += 1
        if IN_REQUEST.get():
            wire.kinds[statement.lstrip().split(None, 1)[0].upper()] += 1

    for name in ("begin", "commit", "rollback"):

        def _transaction(conn: Any, name: str = name) -> None:
            if IN_REQUEST.get():
                wire.transactions[name] += 1

        event.listen(Engine, name, _transaction)

    transport: Any = vars(selector_events)["_SelectorSocketTransport"]  # asyncio's TCP transport
    write = transport.write

    def counted_write(self: Any, data: Any) -> None:
        wire.writes[where()] += 1
        batch = messages(bytes(data))  # also learns prepared statements' SQL
        if IN_REQUEST.get():
            for kind, text in batch:
                if (what := wire_kind(kind, text)) is not None:
                    wire.wire_kinds[what] += 1
            if wire.trace is not None:
                wire.trace.append(describe(batch))
        write(self, data)

    transport.write = counted_write
