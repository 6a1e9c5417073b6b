"""One in-process background loop (the sealer, the task scheduler): started with the app,
cancelled at shutdown; `running` feeds `/v1/health/ready`."""

from __future__ import annotations

import asyncio
import contextlib


class BackgroundLoop:
    name = "mim-achtergrond"

    def __init__(self) -> None:
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        raise NotImplementedError
