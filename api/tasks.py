"""The periodic tasks (CONTRACT §16), for the CLI (`python -m api.taken`) and the in-process
scheduler alike: each run holds its task's database lock."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Final

from sqlalchemy.ext.asyncio import AsyncEngine
from structlog import get_logger

from adapters.background import BackgroundLoop
from adapters.db.task_lock import task_lock
from adapters.db.uow import SqlUnitOfWorkFactory
from api.metrics import MimMetrics
from domain.model.calendar import AMSTERDAM
from domain.policy import Actor
from domain.ports import AccessContext, UnitOfWork
from domain.services import age_limit
from domain.services.age_limit import AgeLimitReport

AGE_LIMIT: Final = "leeftijdsgrens"
DAILY_AT: Final = {AGE_LIMIT: time(1, 0)}  # Europe/Amsterdam


async def run_age_limit(
    engine: AsyncEngine, factory: SqlUnitOfWorkFactory
) -> AgeLimitReport | None:
    """One pass, or None when another run holds the lock."""

    def new_uow(actor: Actor) -> UnitOfWork:
        return factory(AccessContext(actor))

    async with task_lock(engine, AGE_LIMIT) as held:
        if not held:
            return None
        return await age_limit.run(new_uow=new_uow, clock=factory.clock, ids=factory.ids)


def seconds_until(at: time, now: datetime) -> float:
    """Until the next `at` on the Amsterdam clock (a DST change shifts it by an hour)."""
    local = now.astimezone(AMSTERDAM)
    target = datetime.combine(local.date(), at, tzinfo=AMSTERDAM)
    if target <= local:
        target = datetime.combine(local.date() + timedelta(days=1), at, tzinfo=AMSTERDAM)
    return max(1.0, (target - local).total_seconds())


class Scheduler(BackgroundLoop):
    """Runs `leeftijdsgrens` daily at 01:00 Europe/Amsterdam inside the API process."""

    name = "mim-scheduler"

    def __init__(
        self,
        engine: AsyncEngine,
        factory: SqlUnitOfWorkFactory,
        *,
        metrics: MimMetrics,
        now: Callable[[], datetime],
    ) -> None:
        super().__init__()
        self._engine, self._factory, self._metrics, self._now = engine, factory, metrics, now
        self._log = get_logger("mim.taken")

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(seconds_until(DAILY_AT[AGE_LIMIT], self._now()))
            await self.age_limit_once()

    async def age_limit_once(self) -> AgeLimitReport | None:
        try:
            report = await run_age_limit(self._engine, self._factory)
        except Exception as error:  # logged by type only; the next day retries
            self._log.error("taak-mislukt", taak=AGE_LIMIT, error_type=type(error).__name__)
            return None
        if report is not None:
            for from_state, to_state in report.moves:
                self._metrics.moved(from_state, to_state)
            self._metrics.taak_laatste_succes.labels(taak=AGE_LIMIT).set(self._now().timestamp())
            self._log.info("taak-klaar", taak=AGE_LIMIT, verplaatst=report.moved)
        return report
