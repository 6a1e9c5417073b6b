"""Steps the Meldcode API tests share: a signal, the step bodies, a case moved along."""

from __future__ import annotations

from typing import Any, Final

import httpx

from tests.api.lifecycle_steps import Auth, active_volunteer, today, trajectory_in

SIGNAL: Final[dict[str, Any]] = {
    "waargenomenOp": "2026-11-20",
    "waarneming": "Blauwe plek op de bovenarm van het kind; moeder zegt dat het kind viel.",
    "bron": "eigen_waarneming",
    "zorgOver": "kind",
    "acuutGevaar": False,
}
FACT: Final[dict[str, Any]] = {
    "datum": "2026-11-20",
    "waarneming": "Blauwe plek op de bovenarm.",
    "bron": "eigen_waarneming",
    "waargenomenDoor": "vrijwilliger",
    "isInterpretatie": False,
}


def mapped() -> dict[str, Any]:
    return {"stap": "signalen_in_kaart", "signalen": [FACT], "ontkrachtendeSignalen": []}


def consultation(soort: str = "veilig_thuis_anoniem") -> dict[str, Any]:
    return {
        "stap": "consultatie",
        "datum": today().isoformat(),
        "soort": soort,
        "metRol": "adviseur",
        "advies": "Gesprek met moeder aangaan en de zorg benoemen.",
        "casusGeanonimiseerd": True,
    }


def conversation() -> dict[str, Any]:
    return {
        "stap": "gesprek",
        "datum": today().isoformat(),
        "metWie": ["moeder"],
        "reactieClient": "Moeder herkent de zorg.",
        "uitkomst": "Moeder staat open voor steun.",
    }


def weighing(suspicion: bool = True, unsafety: bool | None = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "stap": "weging",
        "afweging1": suspicion,
        "onderbouwing": "Signalen en gesprek samen gewogen.",
        "twijfel": False,
    }
    if unsafety is not None:
        body["afweging2"] = unsafety
    return body


def decision(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "stap": "besluit",
        "afweging3": True,
        "afweging4": True,
        "meldenNoodzakelijk": False,
        "hulpMogelijk": True,
        "motivering": "Moeder neemt opvoedondersteuning aan.",
        "datum": today().isoformat(),
    }
    body.update(overrides)
    return body


def report() -> dict[str, Any]:
    return {
        "stap": "melding",
        "datum": today().isoformat(),
        "kanaal": "telefoon",
        "vtKenmerk": "VT-2026-0042",
        "clientGeinformeerd": True,
        "reactieClient": "Moeder begrijpt de melding.",
    }


def continuation(besluit: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "stap": "mim_voortzetting",
        "besluit": besluit,
        "motivering": "Besproken.",
    }
    body.update(overrides)
    return body


async def raise_signal(
    client: httpx.AsyncClient,
    auth: Auth,
    trajectory_id: str,
    *,
    headers: dict[str, str] | None = None,
    expect: int = 201,
    **overrides: Any,
) -> httpx.Response:
    response = await client.post(
        f"/v1/trajecten/{trajectory_id}/signalen",
        json={**SIGNAL, **overrides},
        headers=headers or auth("coordinator"),
    )
    assert response.status_code == expect, response.text
    return response


async def record(
    client: httpx.AsyncClient,
    auth: Auth,
    case_id: str,
    body: dict[str, Any],
    *,
    role: str = "coordinator",
    expect: int = 201,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    response = await client.post(
        f"/v1/meldcode-casussen/{case_id}/stappen",
        json=body,
        headers={**auth(role), **(headers or {})},
    )
    assert response.status_code == expect, response.text
    return response


async def matched_trajectory(client: httpx.AsyncClient, auth: Auth) -> tuple[str, str]:
    """A trajectory in kennismaking and its volunteer's id."""
    volunteer_id = await active_volunteer(client, auth)
    trajectory_id = await trajectory_in(client, auth, "kennismaking", volunteer_id=volunteer_id)
    return trajectory_id, volunteer_id


STEPS_TO: Final[dict[str, list[Any]]] = {
    "signaal_ontvangen": [],
    "signalen_in_kaart": [mapped],
    "geconsulteerd": [mapped, consultation],
    "gesprek_gevoerd": [mapped, consultation, conversation],
    "gewogen": [mapped, consultation, conversation, weighing],
}


async def case_in(
    client: httpx.AsyncClient, auth: Auth, status: str, *, trajectory_id: str | None = None
) -> tuple[str, str]:
    """(trajectory id, case id) of a case moved to `status` along the main line; `besloten`
    after a decision to help without reporting."""
    if trajectory_id is None:
        trajectory_id, _ = await matched_trajectory(client, auth)
    case_id = (await raise_signal(client, auth, trajectory_id)).json()["casusId"]
    for body in STEPS_TO[status if status != "besloten" else "gewogen"]:
        await record(client, auth, case_id, body())
    if status == "besloten":
        await record(client, auth, case_id, decision(), role="eindverantwoordelijke")
    return trajectory_id, case_id
