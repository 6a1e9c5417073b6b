"""The NEN 7513 access log: lines hash-chained per host organisation.

A line is written in the transaction of the access it records, unsealed. The sealer
(`adapters.db.sealer`, in-process every fraction of a second and before every audit or
feed read) links committed lines into their organisation's chain in one serial pass:
the chain never forks, and no writer waits for another writer's commit (CONTRACT §15 allows
sealing within 5 s; `verificatie` covers sealed lines).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.db.json_rows import insert_rows
from adapters.db.tables import AuditChainRow, AuditLineRow, table_of
from domain.model.audit import AuditEntry
from domain.ports import AccessContext, IdGenerator

chain_t = table_of(AuditChainRow)
line_t = table_of(AuditLineRow)

GENESIS: Final = "0" * 64
HASHED_FIELDS: Final = tuple(c.key for c in line_t.c if c.key not in {"vorige_hash", "hash"})


# The canonical form: the hashed fields in sorted key order, compact JSON, times as ISO 8601 in
# UTC with microseconds, UUIDs as text. The dict is built in sorted order, so one shared
# encoder writes it without sorting; the sealer hashes every line, so this is kept lean.
_SORTED_FIELDS: Final = tuple(sorted(HASHED_FIELDS))
_ENCODER: Final = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def _base_type(column: sa.Column[Any]) -> Any:
    kind = column.type
    return kind.impl if isinstance(kind, sa.TypeDecorator) else kind


_TIMES: Final = tuple(c.key for c in line_t.c if isinstance(_base_type(c), sa.DateTime))
_UUIDS: Final = tuple(c.key for c in line_t.c if isinstance(_base_type(c), sa.Uuid))


def line_hash(previous: str, line: dict[str, Any]) -> str:
    """SHA-256 over the previous hash and the canonical line (sorted keys, ISO times)."""
    fields = {key: line[key] for key in _SORTED_FIELDS}
    for key in _TIMES:
        fields[key] = fields[key].astimezone(UTC).isoformat(timespec="microseconds")
    for key in _UUIDS:
        if fields[key] is not None:
            fields[key] = str(fields[key])
    canonical = _ENCODER.encode(fields)
    return hashlib.sha256((previous + canonical).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Outcome:
    code: int  # NEN 7513 EventOutcomeIndicator: 0 success, 4 client error, 8 server error
    http_status: int | None


SUCCESS: Final = Outcome(0, None)


class SqlAuditLog:
    """Collects entries during a unit of work and writes them just before commit."""

    def __init__(self) -> None:
        self.entries: list[AuditEntry] = []

    def record(self, entry: AuditEntry) -> None:
        self.entries.append(entry)


def _line(
    entry: AuditEntry, context: AccessContext, *, line_id: str, at: datetime, outcome: Outcome
) -> dict[str, Any]:
    actor = context.actor
    return {
        "id": UUID(line_id),
        "organisation": entry.organisation,
        "tijdstip": at,
        "actie": entry.action.value,
        "zoekactie": entry.search,
        "verwerkingsactiviteit": entry.purpose.value,
        "uitkomst": outcome.code,
        "http_status": outcome.http_status,
        "actor_id": actor.id,
        "rol": actor.role.value,
        "actor_organisation": actor.organisation,
        "client_id": actor.client_id,
        "netwerkadres": context.network_address,
        "betrokkene_soort": entry.subject_kind.value if entry.subject_kind else None,
        "betrokkene_id": UUID(entry.subject_id) if entry.subject_id else None,
        "resource": entry.resource,
        "resource_id": entry.resource_id,
        "gevoeligheid": "meldcode" if entry.meldcode else "normaal",
        "autorisatie": entry.authorisation,
        "toestemming_versie": entry.consent_version,
        "request_id": context.request_id,
        "trace_id": context.trace_id,
        "noodtoegang": context.emergency_reason is not None,
        "noodtoegang_reden": context.emergency_reason,
    }


async def write_lines(
    conn: AsyncConnection,
    entries: Sequence[AuditEntry],
    *,
    context: AccessContext,
    ids: IdGenerator,
    at: datetime,
    outcome: Outcome = SUCCESS,
) -> None:
    """Inserts the lines unsealed, in the caller's transaction (one statement)."""
    await insert_rows(
        conn, line_t, line_rows(entries, context=context, ids=ids, at=at, outcome=outcome)
    )


def line_rows(
    entries: Sequence[AuditEntry],
    *,
    context: AccessContext,
    ids: IdGenerator,
    at: datetime,
    outcome: Outcome = SUCCESS,
) -> list[dict[str, Any]]:
    return [_line(e, context, line_id=ids.new(), at=at, outcome=outcome) for e in entries]


@dataclass(frozen=True, slots=True)
class ChainReport:
    ok: bool
    checked: int
    first_break: tuple[int, str] | None  # (volgnummer, id)


async def verify_chain(conn: AsyncConnection, organisation: str) -> ChainReport:
    """Recomputes every line's hash in order; reports the first line that does not match."""
    query = (
        sa.select(line_t)
        .where(line_t.c.organisation == organisation, line_t.c.volgnummer.is_not(None))  # sealed
        .order_by(line_t.c.volgnummer)
    )
    checked = 0
    previous: str | None = None
    expected_number: int | None = None
    for row in (await conn.execute(query)).all():
        line = row._asdict()
        if previous is None:
            previous = line["vorige_hash"]  # verification starts at the oldest kept line
            expected_number = line["volgnummer"]
        intact = (
            line["vorige_hash"] == previous
            and line["volgnummer"] == expected_number
            and line_hash(previous, line) == line["hash"]
        )
        if not intact:
            return ChainReport(False, checked, (line["volgnummer"], str(line["id"])))
        checked += 1
        previous = line["hash"]
        expected_number = line["volgnummer"] + 1
    return ChainReport(True, checked, None)
