from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.factories import an_idempotency_key, referral_body


async def test_a_referral_is_created_once_and_replayed_under_its_key(
    backend: str, client: httpx.AsyncClient, auth: Callable[..., dict[str, str]]
) -> None:
    headers = {**auth("verwijzer"), "Idempotency-Key": an_idempotency_key()}
    body = referral_body()
    first = await client.post("/v1/verwijzingen", json=body, headers=headers)
    again = await client.post("/v1/verwijzingen", json=body, headers=headers)
    assert first.status_code == 201, first.text
    assert again.status_code == 201
    assert again.headers["idempotency-replayed"] == "true"
    assert again.json() == first.json()
    assert first.headers["location"] == f"/v1/verwijzingen/{first.json()['id']}"
