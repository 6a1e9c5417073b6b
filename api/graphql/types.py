"""Output types of referrals: the contract's names, camelCase fields (CONTRACT §8.3); the
Traject type lives in api/graphql/traject.py."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from api.graphql.context import Context
from api.graphql.enums import TerugkoppelingStatus
from api.graphql.traject import Traject
from api.schemas import referrals as wire
from domain.views import ReferralStatusView


async def _traject(root: VerwijzingStatus, info: strawberry.Info[Context, None]) -> Traject | None:
    """Through the per-request loader: N status views cost one trajectory read."""
    if root.traject_id is None:
        return None
    view = await info.context.trajectories.load(str(root.traject_id))
    return None if view is None else Traject.from_view(view)


@strawberry.type(description="Alles wat een verwijzer ooit ziet (CONTRACT §8.3).")
class VerwijzingStatus:
    id: strawberry.ID
    referentie: str | None
    ontvangen_op: datetime
    terugkoppeling_toegestaan: bool
    status: TerugkoppelingStatus | None
    reden: str | None
    status_gewijzigd_op: date
    traject_id: strawberry.ID | None = strawberry.field(description="Alleen voor uitvoerders.")
    traject: Traject | None = strawberry.field(
        resolver=_traject, description="Het traject; alleen voor uitvoerders, anders null."
    )

    @classmethod
    def from_view(cls, view: ReferralStatusView) -> VerwijzingStatus:
        return cls.from_wire(wire.VerwijzingStatus.from_view(view))

    @classmethod
    def from_wire(cls, status: wire.VerwijzingStatus) -> VerwijzingStatus:
        """From the REST shape, which is also what an Idempotency-Key replays."""
        return cls(
            id=strawberry.ID(status.id),
            referentie=status.referentie,
            ontvangen_op=status.ontvangen_op,
            terugkoppeling_toegestaan=status.terugkoppeling_toegestaan,
            status=TerugkoppelingStatus(status.status) if status.status else None,
            reden=status.reden,
            status_gewijzigd_op=status.status_gewijzigd_op,
            traject_id=strawberry.ID(status.traject_id) if status.traject_id else None,
        )


@strawberry.type
class VerwijzingStatusLijst:
    resultaten: list[VerwijzingStatus]
    volgende: str | None = None
