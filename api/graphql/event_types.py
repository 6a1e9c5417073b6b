"""`Gebeurtenis`: a CloudEvent 1.0 (NL GOV profile) as the event subscription yields it, built
by the same mapping as the REST feed and the webhooks (api.schemas.events.cloud_event)."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from api.schemas.events import cloud_event
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
        attributes = cloud_event(event)
        attributes["id"] = strawberry.ID(attributes["id"])
        return cls(**attributes)
