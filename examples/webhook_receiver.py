"""A webhook receiver for mim-koppelvlak (CONTRACT §13.3), as an integrator would write one:
verify the Standard Webhooks signature with the `standardwebhooks` package (constant-time,
timestamps at most 5 minutes off), then handle each event once, de-duplicating on
`webhook-id` (deliveries are at-least-once).

    MIM_WEBHOOK_GEHEIM=whsec_... python examples/webhook_receiver.py   # listens on :8088

Answer 2xx quickly and do the work afterwards; 410 tells the service to stop (it disables
the subscription); anything else is retried on the schedule of §13.3. Fetch the details of an
event through its `dataref` with your own token: events are thin by design."""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request, Response
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

Handler = Callable[[dict[str, Any]], Awaitable[None]]


class SeenIds:
    """The `webhook-id`s handled lately (keep them at least a day: retries span ~24 h).
    In production this is a table with a unique key, written with the work itself."""

    def __init__(self, capacity: int = 100_000) -> None:
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._capacity = capacity

    def first_time(self, webhook_id: str) -> bool:
        if webhook_id in self._ids:
            return False
        self._ids[webhook_id] = None
        if len(self._ids) > self._capacity:
            self._ids.popitem(last=False)
        return True


def create_app(secret: str, handle: Handler, *, seen: SeenIds | None = None) -> FastAPI:
    verifier = Webhook(secret)
    ids = seen or SeenIds()
    app = FastAPI(title="mim-koppelvlak webhook receiver (example)")

    @app.post("/hook", status_code=204)
    async def receive(request: Request) -> Response:
        body = await request.body()  # the exact bytes: the signature covers them
        try:
            event: dict[str, Any] = verifier.verify(body, dict(request.headers))
        except WebhookVerificationError:
            return Response(status_code=400)
        if ids.first_time(request.headers["webhook-id"]):
            await handle(event)
        return Response(status_code=204)

    return app


async def _print(event: dict[str, Any]) -> None:
    print(event["type"], event["subject"], event["dataref"])  # noqa: T201 - an example


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(create_app(os.environ["MIM_WEBHOOK_GEHEIM"], _print), port=8088)
