"""The GraphQL context: the caller and the ports, built by a FastAPI dependency per request
(per connection for the websocket: api.graphql.socket_context)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request
from starlette.requests import HTTPConnection
from starlette.websockets import WebSocket
from strawberry.fastapi import BaseContext

from api.deps import ports_of
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
from api.graphql.socket_context import SocketContext
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


async def get_context(connection: HTTPConnection) -> BaseContext:
    """Over HTTP the REST dependencies: an invalid or missing token is a 401 before any resolver
    runs. A websocket gets no `Request` (FastAPI injects none there) and signs in later, at
    `connection_init`."""
    if isinstance(connection, WebSocket):
        wiring = connection.app.state
        return SocketContext(
            services=wiring.services, watch=wiring.event_watch, connection=connection
        )
    if not isinstance(connection, Request):  # FastAPI hands an HTTP route its Request
        raise TypeError("an HTTP GraphQL request without a Request")
    ports = await ports_of(connection)
    return Context(
        actor=ports.actor,
        new_uow=ports.new_uow,
        clock=ports.clock,
        ids=ports.ids,
        directory=ports.directory,
        request=connection,
        url_guard=ports.url_guard,
    )
