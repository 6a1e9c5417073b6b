"""The GraphQL context: the caller and the ports, built by a FastAPI dependency per request."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request
from strawberry.fastapi import BaseContext

from api.deps import PortsDep
from api.graphql.loaders import (
    MotherLoader,
    TrajectoryLoader,
    TransitionsLoader,
    VisitsLoader,
    VolunteerLoader,
    mother_loader,
    trajectory_loader,
    transitions_loader,
    visits_loader,
    volunteer_loader,
)
from domain.model.organisations import OrganisationDirectory
from domain.policy import Actor
from domain.ports import Clock, IdGenerator, UnitOfWork
from domain.services.subscriptions import UrlGuard


class Context(BaseContext):
    """Holds a unit-of-work *factory*, never a session: sibling resolvers run concurrently,
    so each root resolver and each loader batch opens its own unit of work."""

    def __init__(
        self,
        *,
        actor: Actor,
        new_uow: Callable[[], UnitOfWork],
        clock: Clock,
        ids: IdGenerator,
        directory: OrganisationDirectory,
        request: Request,
        url_guard: UrlGuard,
    ) -> None:
        super().__init__()
        self.actor, self.new_uow, self.clock = actor, new_uow, clock
        self.ids, self.directory, self.url_guard = ids, directory, url_guard
        self.request = request
        # mim_overgangen_total, counted as for REST (api.metrics via the app's state)
        self.moved: Callable[[str, str], None] = request.app.state.metrics.moved
        self.trajectories: TrajectoryLoader = trajectory_loader(
            new_uow=new_uow, clock=clock, actor=actor
        )
        self.transitions: TransitionsLoader = transitions_loader(new_uow=new_uow, actor=actor)
        self.visits: VisitsLoader = visits_loader(new_uow=new_uow, actor=actor)
        self.mothers: MotherLoader = mother_loader(new_uow=new_uow, actor=actor)
        self.volunteers: VolunteerLoader = volunteer_loader(new_uow=new_uow, actor=actor)


async def get_context(ports: PortsDep, request: Request) -> Context:
    """The REST dependencies: an invalid or missing token is a 401 before any resolver runs."""
    return Context(
        actor=ports.actor,
        new_uow=ports.new_uow,
        clock=ports.clock,
        ids=ports.ids,
        directory=ports.directory,
        request=request,
        url_guard=ports.url_guard,
    )
