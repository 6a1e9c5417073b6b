"""One delivery attempt over HTTP (CONTRACT §13.3, Standard Webhooks 1.0): the structured
CloudEvent POSTed as `application/cloudevents+json`, signed over the exact bytes sent; one
shared client, 15 s timeout, no redirects. Only the status and `Retry-After` count; at most
`DRAIN` bytes of the answer are read and dropped, so the connection can serve the next
attempt (an answer left unread closes it)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Final

import httpx

from adapters.webhooks.small_pools import SmallPoolsTransport
from domain.model.subscription import DeliveryError
from domain.services.deliveries import Answer

TIMEOUT: Final = httpx.Timeout(15.0)
MEDIA_TYPE: Final = "application/cloudevents+json"
CONNECTIONS: Final = 64  # open at once, as many as the relay runs attempts
DRAIN: Final = 16 * 1024  # bytes of an answer read to keep the connection; more closes it


def new_client() -> httpx.AsyncClient:
    return httpx.AsyncClient(
        timeout=TIMEOUT,
        follow_redirects=False,
        headers={"User-Agent": "mim-koppelvlak-webhooks/1"},
        transport=SmallPoolsTransport(CONNECTIONS),
    )


def webhook_signature(secret: str, *, message_id: str, timestamp: int, body: bytes) -> str:
    """`v1,<base64 HMAC-SHA256>` over `{id}.{timestamp}.{body}` with the decoded secret."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = b"%s.%d.%s" % (message_id.encode(), timestamp, body)
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def retry_after(value: str | None, *, now: datetime) -> timedelta | None:
    """Seconds or an HTTP date; nonsense is ignored."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return timedelta(seconds=int(text))
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(timedelta(0), moment - now)


async def _drain(response: httpx.Response) -> None:
    """Reads a short answer to its end (the connection goes back to the pool); a long one is
    cut off, which closes its connection. A body that breaks off changes nothing: the status
    came first."""
    read = 0
    try:
        async for chunk in response.aiter_raw():
            read += len(chunk)
            if read > DRAIN:
                return
    except httpx.HTTPError:
        return


async def send(
    client: httpx.AsyncClient,
    url: str,
    *,
    message_id: str,
    secret: str,
    body: bytes,
    now: datetime,
) -> Answer:
    timestamp = int(now.timestamp())
    headers = {
        "Content-Type": MEDIA_TYPE,
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": webhook_signature(
            secret, message_id=message_id, timestamp=timestamp, body=body
        ),
    }
    try:
        async with client.stream("POST", url, content=body, headers=headers) as response:
            answer = Answer(
                status_code=response.status_code,
                retry_after=retry_after(response.headers.get("retry-after"), now=now),
            )
            await _drain(response)
            return answer
    except httpx.TimeoutException:
        return Answer(error=DeliveryError.TIMEOUT)
    except (httpx.HTTPError, OSError):
        return Answer(error=DeliveryError.CONNECTION)
