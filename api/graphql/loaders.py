"""Per-request DataLoaders: related objects in one batch per tick, never one query per parent."""

from __future__ import annotations

from collections.abc import Callable

from strawberry.dataloader import DataLoader

from domain.policy import Actor
from domain.ports import Clock, UnitOfWork
from domain.services import trajectories
from domain.views import TrajectoryView

TrajectoryLoader = DataLoader[str, TrajectoryView | None]


def trajectory_loader(
    *, new_uow: Callable[[], UnitOfWork], clock: Clock, actor: Actor
) -> TrajectoryLoader:
    """Trajectories by id; missing or foreign ones load as None (a query gives null)."""

    async def load(ids: list[str]) -> list[TrajectoryView | None]:
        # One unit of work per batch: sibling batches may run concurrently.
        found = await trajectories.get_many(ids, uow=new_uow(), clock=clock, actor=actor)
        return [found.get(trajectory_id) for trajectory_id in ids]

    return DataLoader(load_fn=load)
