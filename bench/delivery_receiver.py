"""The delivery bench's receiver: answers 204 at once and appends `<webhook-id> <unix time of
receipt>` per request to the file given; runs in its own process, on its own core."""

import sys
import time
from pathlib import Path
from typing import Any

import uvicorn


def app_writing_to(path: str) -> Any:
    out = Path(path).open("a", buffering=1)  # noqa: SIM115 - open for the process's lifetime

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        while (await receive()).get("more_body"):
            pass
        webhook_id = dict(scope["headers"]).get(b"webhook-id", b"-").decode()
        out.write(f"{webhook_id} {time.time():.6f}\n")
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    return app


if __name__ == "__main__":
    port, path = int(sys.argv[1]), sys.argv[2]
    uvicorn.run(
        app_writing_to(path),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        loop="uvloop",
        http="httptools",
        lifespan="off",
        access_log=False,
    )
