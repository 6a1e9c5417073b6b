"""`Gebeurtenis`: a CloudEvent 1.0 (NL GOV profile) as the event subscription yields it, with
the attributes and values of the REST feed's (CONTRACT §13.1; api.rest.events.cloud_event,
which this door may not import: tests/api/test_graphql_subscriptions.py holds the two equal)."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.scalars import JSON

from domain.views import StoredEvent


@strawberry.type(description="Een dunne CloudEvent 1.0: ids, statussen en codes (CONTRACT §13.1).")
class Gebeurtenis:
    specversion: str
    id: strawberry.ID
    source: str
    type: str
    subject: str
    time: str = strawberry.field(description="RFC 3339, UTC (`Z`): het moment van registratie.")
    datacontenttype: str
    dataref: str = strawberry.field(description="Het API-pad van de bron.")
    sequence: str = strawberry.field(description="`volgnummer`, 20 cijfers met voorloopnullen.")
    volgnummer: int = strawberry.field(
        description="Oplopend over de hele dienst, niet aaneengesloten; hervat met `na`."
    )
    traceparent: str | None
    data: JSON

    @classmethod
    def from_stored(cls, event: StoredEvent) -> Gebeurtenis:
        data: Any = event.data
        return cls(
            specversion="1.0",
            id=strawberry.ID(event.id),
            source=f"urn:nld:mim-koppelvlak:{event.source_organisation}",
            type=event.type,
            subject=event.subject,
            time=event.time.isoformat().replace("+00:00", "Z"),
            datacontenttype="application/json",
            dataref=event.dataref,
            sequence=f"{event.volgnummer:020d}",
            volgnummer=event.volgnummer,
            traceparent=event.traceparent,
            data=data,
        )
