"""An outbox event as a thin CloudEvent 1.0 (NL GOV profile, CONTRACT §13.1): the one mapping
the REST feed, the webhook relay and the GraphQL subscription all send."""

from __future__ import annotations

from typing import Any

from domain.views import StoredEvent


def cloud_event(event: StoredEvent) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": event.id,
        "source": f"urn:nld:mim-koppelvlak:{event.source_organisation}",
        "type": event.type,
        "subject": event.subject,
        "time": event.time.isoformat().replace("+00:00", "Z"),
        "datacontenttype": "application/json",
        "dataref": event.dataref,
        "sequence": f"{event.volgnummer:020d}",
        "volgnummer": event.volgnummer,
        "traceparent": event.traceparent,
        "data": event.data,
    }
