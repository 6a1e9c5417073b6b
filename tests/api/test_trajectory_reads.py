"""GET /v1/trajecten and /v1/trajecten/{id} (CONTRACT §3 tenancy, §5.4 lists, §9; R38)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

import adapters.db.tables  # noqa: F401 (registers the tables in the metadata)
from domain.model.calendar import AMSTERDAM, age_in_months
from tests.factories import an_idempotency_key, referral_body

Auth = Callable[..., dict[str, str]]
URL = "/v1/trajecten"
VOLUNTEER = {"vrijwilligerId": "0b7e1c7a-1234-4a5b-9c1d-123456789012"}


def changed_body(changes: dict[str, Any]) -> dict[str, Any]:
    """`referral_body` with fields changed by dotted path (`...` removes one)."""
    return referral_body(**changes)


async def register(
    client: httpx.AsyncClient, auth: Auth, *, gemeente: str = "GM0363", org: str = "mim-demo"
) -> str:
    """A self-registration recorded by the host coordinator; returns its trajectory id."""
    body = changed_body(
        {
            "verwijzer.type": "zelfaanmelding",
            "verwijzer.organisatieId": {"schema": "intern", "waarde": org},
            "aanmelding.gemeente": gemeente,
            "aanmelding.uitvoerendeOrganisatie": org,
        }
    )
    headers = {**auth("coordinator", org), "Idempotency-Key": an_idempotency_key()}
    response = await client.post("/v1/verwijzingen", json=body, headers=headers)
    assert response.status_code == 201, response.text
    trajectory_id: str = response.json()["trajectId"]
    return trajectory_id


async def register_many(client: httpx.AsyncClient, auth: Auth, n: int) -> list[str]:
    return [await register(client, auth) for _ in range(n)]


def ids(response: httpx.Response) -> list[str]:
    return [item["id"] for item in response.json()["resultaten"]]


async def search_lines(engine: AsyncEngine) -> list[tuple[bool, str]]:
    table = SQLModel.metadata.tables["audit_line"]
    async with engine.connect() as conn:
        query = (
            sa.select(table).where(table.c.actie == "lezen").order_by(table.c.tijdstip, table.c.id)
        )
        return [(row.zoekactie, str(row.betrokkene_id)) for row in await conn.execute(query)]


async def test_the_list_shows_the_newest_trajectory_first(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    created = await register_many(client, auth, 3)
    response = await client.get(URL, headers=auth("coordinator"))

    assert response.status_code == 200
    assert ids(response) == list(reversed(created))
    assert response.json()["volgende"] is None
    assert "link" not in response.headers


async def test_pages_of_two_follow_volgende_and_link_to_the_end_without_duplicates(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    created = await register_many(client, auth, 5)
    seen: list[str] = []
    links: list[str | None] = []
    nexts: list[str | None] = []
    url: str | None = f"{URL}?limit=2"
    while url is not None:
        response = await client.get(url, headers=auth("coordinator"))
        seen += ids(response)
        links.append(response.headers.get("link"))
        url = response.json()["volgende"]
        nexts.append(url)

    assert seen == list(reversed(created))
    assert len(nexts) == 3
    assert links == [f'<{nexts[0]}>; rel="next"', f'<{nexts[1]}>; rel="next"', None]


async def test_a_cursor_reused_with_other_filters_is_400_ongeldige_cursor(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    await register_many(client, auth, 3)
    first = await client.get(f"{URL}?limit=2", headers=auth("coordinator"))
    next_url = first.json()["volgende"]
    response = await client.get(f"{next_url}&gemeente=GM0344", headers=auth("coordinator"))

    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "cursor"
    assert response.json()["code"] == "ongeldige-cursor"


@pytest.mark.parametrize("cursor", ["onzin", "e30", "W10", "%00%00"])
async def test_a_garbage_cursor_is_400_ongeldige_cursor(
    backend: str, client: httpx.AsyncClient, auth: Auth, cursor: str
) -> None:
    response = await client.get(f"{URL}?cursor={cursor}", headers=auth("coordinator"))

    assert response.status_code == 400
    assert response.json()["code"] == "ongeldige-cursor"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=aangemeld", [0, 1]),
        ("status=intake", []),
        ("status=intake&status=aangemeld", [0, 1]),
        ("gemeente=GM0344", [1]),
        ("gemeente=GM0344&status=aangemeld", [1]),
    ],
)
async def test_filters_select_by_status_and_gemeente(
    backend: str, client: httpx.AsyncClient, auth: Auth, query: str, expected: list[int]
) -> None:
    created = [await register(client, auth), await register(client, auth, gemeente="GM0344")]
    response = await client.get(f"{URL}?{query}", headers=auth("coordinator"))

    assert response.status_code == 200
    assert sorted(ids(response)) == sorted(created[i] for i in expected)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sorteer=naam", ("sorteer", "onbekende-parameter")),
        ("gemeente=123456782", ("gemeente", "bsn-niet-toegestaan")),
        ("limit=0", ("limit", "ongeldige-waarde")),
        ("limit=201", ("limit", "ongeldige-waarde")),
    ],
)
async def test_a_bad_query_is_400_naming_the_parameter(
    backend: str, client: httpx.AsyncClient, auth: Auth, query: str, expected: tuple[str, str]
) -> None:
    response = await client.get(f"{URL}?{query}", headers=auth("coordinator"))

    assert response.status_code == 400
    assert [(p["name"], p["code"]) for p in response.json()["invalidParams"]] == [expected]
    assert "123456782" not in response.text  # the value is never echoed


async def test_another_organisations_trajectories_are_absent_from_its_list(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    own = await register(client, auth, org="mim-andere", gemeente="GM0599")
    await register(client, auth)
    response = await client.get(URL, headers=auth("coordinator", "mim-andere"))

    assert ids(response) == [own]


@pytest.mark.parametrize("org", ["mim-andere", "mim-west"])
async def test_another_organisations_trajectory_is_404(
    backend: str, client: httpx.AsyncClient, auth: Auth, org: str
) -> None:
    trajectory_id = await register(client, auth)
    response = await client.get(f"{URL}/{trajectory_id}", headers=auth("coordinator", org))

    assert response.status_code == 404
    assert response.json()["code"] == "niet-gevonden"


async def test_a_volunteer_sees_no_trajectory_that_is_not_matched_to_her(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    trajectory_id = await register(client, auth)
    listed = await client.get(URL, headers=auth("vrijwilliger", **VOLUNTEER))
    detail = await client.get(f"{URL}/{trajectory_id}", headers=auth("vrijwilliger", **VOLUNTEER))

    assert (listed.status_code, listed.json()["resultaten"]) == (200, [])
    assert detail.status_code == 404


@pytest.mark.parametrize(
    ("scope", "shown"),
    [("trajecten.lezen", False), ("trajecten.lezen meldcode.behandelen", True)],
)
async def test_meldcode_fields_are_present_only_with_meldcode_behandelen(
    backend: str, client: httpx.AsyncClient, auth: Auth, scope: str, shown: bool
) -> None:
    trajectory_id = await register(client, auth)
    headers = auth("coordinator", scope=scope)
    detail = (await client.get(f"{URL}/{trajectory_id}", headers=headers)).json()
    listed = (await client.get(URL, headers=headers)).json()["resultaten"][0]

    for shape in (detail, listed):
        assert ("meldcodeCasusOpen" in shape, "juridischeBewaring" in shape) == (shown, shown)


async def test_a_detail_shows_the_coordinator_the_registered_data(
    backend: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    trajectory_id = await register(client, auth, gemeente="GM0344")
    response = await client.get(f"{URL}/{trajectory_id}", headers=auth("coordinator"))
    traject: dict[str, Any] = response.json()

    assert response.headers["etag"] == '"1"'
    assert (traject["id"], traject["versie"], traject["status"], traject["fase"]) == (
        trajectory_id,
        1,
        "aangemeld",
        None,
    )
    assert (traject["uitvoerendeOrganisatie"], traject["gemeente"]) == ("mim-demo", "GM0344")
    assert traject["moeder"] == {"roepnaam": "Testmoeder", "achternaam": "Voorbeeld"}
    born = date.fromisoformat(traject["kind"]["geboortedatum"])
    today = datetime.now(AMSTERDAM).date()
    assert traject["kind"]["leeftijdInMaanden"] == age_in_months(born, today)


async def test_a_list_of_n_trajectories_writes_n_search_audit_lines(
    backend: str, client: httpx.AsyncClient, auth: Auth, engine: AsyncEngine
) -> None:
    created = await register_many(client, auth, 3)
    await client.get(f"{URL}?limit=2", headers=auth("coordinator"))

    assert sorted(await search_lines(engine)) == sorted([(True, created[2]), (True, created[1])])


async def test_a_detail_read_writes_one_audit_line_that_is_no_search(
    backend: str, client: httpx.AsyncClient, auth: Auth, engine: AsyncEngine
) -> None:
    trajectory_id = await register(client, auth)
    await client.get(f"{URL}/{trajectory_id}", headers=auth("coordinator"))

    assert await search_lines(engine) == [(False, trajectory_id)]


@pytest.mark.parametrize(
    ("role", "claims"),
    [("verwijzer", {}), ("gemeente", {"gemeenten": ["GM0363"]}), ("beheer", {})],
)
async def test_roles_that_see_no_trajectory_get_403(
    backend: str, client: httpx.AsyncClient, auth: Auth, role: str, claims: dict[str, Any]
) -> None:
    response = await client.get(URL, headers=auth(role, **claims))

    assert response.status_code == 403
    assert response.json()["code"] == "geen-bevoegdheid"
