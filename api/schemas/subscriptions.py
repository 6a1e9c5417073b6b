"""Wire shapes of webhook subscriptions and deliveries (CONTRACT §13.3)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, Field

from api.schemas.common import FreeText, Line, RequestModel, ResponseModel, iso, unique
from domain.model.subscription import Delivery, Subscription
from domain.services.subscriptions import NewSubscription

TYPE_PATTERN = r"^nl\.mim\.[a-z0-9-]+(\.[a-z0-9-]+)+$"


class NieuwAbonnement(RequestModel):
    url: Annotated[Line, Field(min_length=8, max_length=2000)]
    typen: Annotated[
        list[
            Annotated[
                Line, Field(pattern=TYPE_PATTERN, json_schema_extra={"pattern": TYPE_PATTERN})
            ]
        ],
        Field(min_length=1, max_length=25),
        AfterValidator(unique),
    ]
    beschrijving: Annotated[FreeText, Field(min_length=1, max_length=200)] | None = None

    def to_command(self) -> NewSubscription:
        return NewSubscription(self.url, tuple(self.typen), self.beschrijving)


class Abonnement(ResponseModel):
    id: str = Field(json_schema_extra={"format": "uuid"})
    versie: int
    organisatie: str
    url: str
    typen: list[str]
    beschrijving: str | None
    status: str
    uitgeschakeld_op: datetime | None
    aangemaakt_op: datetime
    geheim: str | None = Field(
        default=None, description="Alleen in het antwoord 201: `whsec_` + base64 van 32 bytes."
    )


class AbonnementLijst(ResponseModel):
    resultaten: list[Abonnement]
    volgende: str | None


class Aflevering(ResponseModel):
    id: str = Field(json_schema_extra={"format": "uuid"})
    abonnement_id: str = Field(json_schema_extra={"format": "uuid"})
    gebeurtenis_id: str = Field(json_schema_extra={"format": "uuid"})
    type: str
    status: str
    pogingen: int
    volgende_poging_op: datetime | None
    laatste_statuscode: int | None
    laatste_fout: str | None
    aangemaakt_op: datetime
    afgeleverd_op: datetime | None


class AfleveringLijst(ResponseModel):
    resultaten: list[Aflevering]
    volgende: str | None


def subscription_wire(s: Subscription, *, with_secret: bool = False) -> dict[str, Any]:
    wire: dict[str, Any] = {
        "id": s.id,
        "versie": s.version,
        "organisatie": s.organisation,
        "url": s.url,
        "typen": list(s.types),
        "beschrijving": s.description,
        "status": s.status.value,
        "uitgeschakeldOp": iso(s.disabled_at),
        "aangemaaktOp": iso(s.created_at),
    }
    if with_secret:
        wire["geheim"] = s.secret
    return wire


def delivery_wire(d: Delivery) -> dict[str, Any]:
    pending = d.status.value in ("gepland", "mislukt")
    return {
        "id": d.id,
        "abonnementId": d.subscription_id,
        "gebeurtenisId": d.event_id,
        "type": d.type,
        "status": d.status.value,
        "pogingen": d.attempts,
        "volgendePogingOp": iso(d.next_attempt_at) if pending else None,
        "laatsteStatuscode": d.last_status_code,
        "laatsteFout": d.last_error.value if d.last_error else None,
        "aangemaaktOp": iso(d.created_at),
        "afgeleverdOp": iso(d.delivered_at),
    }
