"""The write profiler's section timers: the functions of a write wrapped with wall and CPU
timers, counted in the request's task only."""

import contextvars
import functools
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

import adapters.auth.jose_verifier as jose_verifier
import adapters.db.lazy_connection as lazy_connection
import adapters.db.repositories as repositories
import adapters.db.sealer as sealer
import adapters.db.uow as uow
import adapters.db.write_batches as write_batches
import api.rest.transitions as rest_transitions
import api.rest.visits as rest_visits
import api.rest.writes as rest_writes
import domain.model.lifecycle as model_lifecycle
import domain.services.lifecycle as lifecycle_use_case
import domain.services.visits as visits_use_case
from bench.write_profile_scenarios import Scenario

# Which sections the current task's time goes to: set for the request's task only (tasks it
# starts inherit it); the sealer's task, started at lifespan start, never sees it.
IN_REQUEST: contextvars.ContextVar[bool] = contextvars.ContextVar("in_request", default=False)


class Timers:
    """Wall and process-CPU seconds per section, counted in the request's task only (the
    sealer's own section excepted, which counts outside it)."""

    def __init__(self) -> None:
        self.wall: defaultdict[str, float] = defaultdict(float)
        self.cpu: defaultdict[str, float] = defaultdict(float)
        self.calls: Counter[str] = Counter()

    def sync(self, label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            if not IN_REQUEST.get():
                return fn(*args, **kwargs)
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.wall[label] += time.perf_counter() - wall
                self.cpu[label] += time.process_time() - cpu
                self.calls[label] += 1

        return timed

    def asynchronous(
        self,
        label: str,
        fn: Callable[..., Awaitable[Any]],
        *,
        background: bool = False,
        first_only: Callable[..., bool] | None = None,
    ) -> Callable[..., Awaitable[Any]]:
        """`first_only(*args)`: time the call only when it holds (e.g. a pool checkout)."""

        @functools.wraps(fn)
        async def timed(*args: Any, **kwargs: Any) -> Any:
            wanted = background if background else IN_REQUEST.get()
            if not wanted or (first_only is not None and not first_only(*args)):
                return await fn(*args, **kwargs)
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return await fn(*args, **kwargs)
            finally:
                self.wall[label] += time.perf_counter() - wall
                # other tasks may run while this one awaits: CPU of nested awaits is an
                # upper bound (the sealer is the only other task here)
                self.cpu[label] += time.process_time() - cpu
                self.calls[label] += 1

        return timed

    def reset(self) -> None:
        for per_section in (self.wall, self.cpu, self.calls):
            per_section.clear()


def instrument_sections(t: Timers, scenario: Scenario) -> list[str]:
    """Wraps each section's function; returns the sections this tree does not have (the
    write path is being reworked: a renamed function is reported, not an error)."""
    rest = rest_transitions if scenario.name == "transition" else rest_visits
    transition = scenario.name == "transition"
    lazy = lazy_connection.LazyConnection
    targets: list[tuple[Any, str, str]] = [  # (owner, attribute, kind)
        (jose_verifier.JoseTokenVerifier, "verify", "sync"),
        (rest, "json_body", "async"),
        (lifecycle_use_case, "transition", "async")  # the door calls lifecycle.transition
        if transition
        else (visits_use_case, "record", "async"),
        (lazy, "connection", "first"),
        (repositories.SqlTrajectoryRepository, "get", "async"),
        *(
            [
                (repositories.SqlReferralRepository, "get", "async"),
                (model_lifecycle, "transition", "sync"),
            ]
            if transition
            else [(repositories.SqlTrajectoryRepository, "get_with_newest_visit", "async")]
        ),
        (uow.SqlUnitOfWork, "commit", "async"),
        (uow, "write_set", "sync"),
        (uow.SqlUnitOfWork, "_stage_rows", "sync"),
        (write_batches.WriteBatches, "write", "async"),
        (uow, "execute_write_set", "async"),
        (uow, "write_changes", "async"),
        (uow, "write_events", "async"),
        (uow, "write_lines", "async"),
        (AsyncConnection, "commit", "async"),
        (uow.SqlUnitOfWork, "__aexit__", "async"),
        (rest, "render_transition" if transition else "render_visit", "sync"),
        (rest_writes, "respond", "sync"),
        (sealer, "seal_all", "background"),
    ]
    labels = [name for name, _ in scenario.sections[2:]]  # request, ASGI app: by main_async
    assert len(labels) == len(targets), "one section per wrapped function"
    missing = []
    for (owner, attribute, kind), label in zip(targets, labels, strict=True):
        fn = getattr(owner, attribute, None)
        if fn is None:
            missing.append(f"{label} ({getattr(owner, '__name__', owner)}.{attribute})")
            continue
        if kind == "sync":
            wrapped = t.sync(label, fn)
        elif kind == "first":  # a pool checkout: only the call that opens the connection
            wrapped = t.asynchronous(label, fn, first_only=lambda self: self.opened is None)
        else:
            wrapped = t.asynchronous(label, fn, background=kind == "background")
        setattr(owner, attribute, wrapped)
    return missing
