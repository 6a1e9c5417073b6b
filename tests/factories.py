"""Test data: plainly fake, made fresh per test, expected values derived from these inputs."""

from __future__ import annotations

import copy
import random
import string
import uuid
from datetime import date, datetime, timedelta
from typing import Any

from domain.model.calendar import AMSTERDAM

REFERRER_ORG = "ura:01234567"
HOST = "mim-demo"
OTHER_HOST = "mim-andere"


def a_reference() -> str:
    """A referrer's reference, unique per call and without a 9-digit group."""
    letters = "".join(random.choices(string.ascii_uppercase, k=12))
    return f"CB-TEST-{letters}"  # no digits: a 9-digit run could pass the BSN eleven-test


def an_idempotency_key() -> str:
    return str(uuid.uuid4())


def referral_body(*, today: date | None = None, **overrides: Any) -> dict[str, Any]:
    """The body of CONTRACT §20.1 with a child of two months and a fresh reference.

    `overrides` replace whole top-level blocks, or single fields by dotted path
    (`{"kind.eersteKind": False}`); a value of `...` removes the field.
    """
    day = today or datetime.now(AMSTERDAM).date()
    body: dict[str, Any] = {
        "verwijzer": {
            "type": "consultatiebureau",
            "organisatieId": {"schema": "ura", "waarde": "01234567"},
            "naam": "JGZ Oost",
            "referentie": a_reference(),
        },
        "moeder": {
            "roepnaam": "Testmoeder",
            "achternaam": "Voorbeeld",
            "telefoon": "06 12345678",
            "taalvoorkeur": ["nl", "rif"],
            "adres": {
                "straat": "Teststraat",
                "huisnummer": 12,
                "postcode": "1094 AB",
                "woonplaats": "Amsterdam",
            },
        },
        "kind": {"geboortedatum": (day - timedelta(days=60)).isoformat(), "eersteKind": True},
        "aanmelding": {
            "uitvoerendeOrganisatie": HOST,
            "gemeente": "GM0363",
            "redenen": ["onzeker_opvoeding", "weinig_netwerk"],
        },
        "toestemming": {
            "gegeven": True,
            "datum": (day - timedelta(days=3)).isoformat(),
            "wijze": "mondeling",
            "vastgelegdDoor": {"rol": "jeugdverpleegkundige"},
            "scope": ["delen_met_mim", "terugkoppeling_aan_verwijzer"],
            "informatietekstVersie": "2026-1",
        },
    }
    for path, value in overrides.items():
        _set(body, path.split("."), value)
    return body


def _set(target: dict[str, Any], path: list[str], value: Any) -> None:
    *parents, last = path
    for key in parents:
        target = target.setdefault(key, {})
    if value is ...:
        target.pop(last, None)
    else:
        target[last] = copy.deepcopy(value)
