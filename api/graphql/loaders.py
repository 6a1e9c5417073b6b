"""Per-request DataLoaders: related objects in one batch per tick, never one query per parent.

Each batch is one use-case call in a unit of work of its own (sibling batches may run
concurrently), and the use case reads all keys of the batch with one statement per table.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TypeVar

from strawberry.dataloader import DataLoader

from domain.policy import Actor
from domain.ports import Clock, UnitOfWork
from domain.services import related, trajectories
from domain.views import TrajectoryView
from domain.views.expansion import MotherContactView, VolunteerContactView
from domain.views.lifecycle import TransitionView, VisitView

V = TypeVar("V")
TrajectoryLoader = DataLoader[str, TrajectoryView | None]
TransitionsLoader = DataLoader[str, list[TransitionView] | None]
VisitsLoader = DataLoader[str, list[VisitView] | None]
MotherLoader = DataLoader[str, MotherContactView | None]
VolunteerLoader = DataLoader[str, VolunteerContactView | None]
NewUow = Callable[[], UnitOfWork]


def _by_key(read: Callable[[list[str]], Awaitable[Mapping[str, V]]]) -> DataLoader[str, V | None]:
    """A loader over a batch read that answers by key; keys it leaves out load as None
    (missing, or not visible to the caller: a query gives null)."""

    async def load(keys: list[str]) -> list[V | None]:
        found = await read(keys)
        return [found.get(key) for key in keys]

    return DataLoader(load_fn=load)


def trajectory_loader(*, new_uow: NewUow, clock: Clock, actor: Actor) -> TrajectoryLoader:
    """Trajectories by id."""

    async def read(ids: Sequence[str]) -> Mapping[str, TrajectoryView]:
        return await trajectories.get_many(ids, uow=new_uow(), clock=clock, actor=actor)

    return _by_key(read)


def transitions_loader(*, new_uow: NewUow, actor: Actor) -> TransitionsLoader:
    """The Overgangen of trajectories, by trajectory id."""

    async def read(ids: Sequence[str]) -> Mapping[str, list[TransitionView]]:
        return await related.transitions_of(ids, uow=new_uow(), actor=actor)

    return _by_key(read)


def visits_loader(*, new_uow: NewUow, actor: Actor) -> VisitsLoader:
    """The current visit records of trajectories, by trajectory id."""

    async def read(ids: Sequence[str]) -> Mapping[str, list[VisitView]]:
        return await related.visits_of(ids, uow=new_uow(), actor=actor)

    return _by_key(read)


def mother_loader(*, new_uow: NewUow, actor: Actor) -> MotherLoader:
    """The mother's contact block, by trajectory id."""

    async def read(ids: Sequence[str]) -> Mapping[str, MotherContactView]:
        return await related.mothers_of(ids, uow=new_uow(), actor=actor)

    return _by_key(read)


def volunteer_loader(*, new_uow: NewUow, actor: Actor) -> VolunteerLoader:
    """Matched volunteers `{id, roepnaam, achternaam, telefoon}`, by volunteer id."""

    async def read(ids: Sequence[str]) -> Mapping[str, VolunteerContactView]:
        return await related.volunteers_of(ids, uow=new_uow(), actor=actor)

    return _by_key(read)
