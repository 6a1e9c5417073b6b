"""problem+json bodies (RFC 9457, ZGW ValidatieFout shape): one title per contract code."""

from __future__ import annotations

import re
from typing import Any, Final

PROBLEM_TYPE_BASE: Final = "https://mim-koppelvlak.nl/problemen/"
PROBLEM_MEDIA_TYPE: Final = "application/problem+json"

TITLES: Final[dict[str, str]] = {
    "ongeldige-json": "Ongeldige JSON",
    "verplicht": "Verplicht veld ontbreekt",
    "ongeldig-formaat": "Ongeldig formaat",
    "ongeldige-waarde": "Ongeldige waarde",
    "onbekend-veld": "Onbekend veld",
    "onbekende-parameter": "Onbekende parameter",
    "ongeldige-cursor": "Ongeldige cursor",
    "bsn-niet-toegestaan": "BSN niet toegestaan",
    "geen-toestemming": "Geen toestemming",
    "kind-te-oud": "Kind te oud",
    "geen-eerste-kind": "Geen eerste kind",
    "na-maximale-einddatum": "Na maximale einddatum",
    "besluit-strijdig-met-afweging": "Besluit strijdig met afweging",
    "idempotency-key-ontbreekt": "Idempotency-Key ontbreekt",
    "url-niet-toegestaan": "URL niet toegestaan",
    "niet-geauthenticeerd": "Niet geauthenticeerd",
    "geen-bevoegdheid": "Geen bevoegdheid",
    "niet-gevonden": "Niet gevonden",
    "methode-niet-toegestaan": "Methode niet toegestaan",
    "niet-acceptabel": "Niet acceptabel",
    "te-groot": "Verzoek te groot",
    "mediatype-niet-ondersteund": "Mediatype niet ondersteund",
    "ongeldige-overgang": "Overgang niet toegestaan",
    "ongeldige-status": "Ongeldige status",
    "versie-conflict": "Versieconflict",
    "verwijzing-bestaat-al": "Verwijzing bestaat al",
    "verzoek-loopt-nog": "Verzoek loopt nog",
    "vrijwilliger-niet-beschikbaar": "Vrijwilliger niet beschikbaar",
    "veilig-thuis-consultatie-vereist": "Veilig Thuis-consultatie vereist",
    "if-match-vereist": "If-Match vereist",
    "idempotency-key-hergebruikt": "Idempotency-Key hergebruikt",
    "te-veel-verzoeken": "Te veel verzoeken",
    "interne-fout": "Interne fout",
}

ACCEPTABLE: Final = frozenset(
    {"*/*", "application/*", "application/json", "application/problem+json"}
)


def acceptable(accept: str | None) -> bool:
    """Whether an `Accept` header admits our JSON or problem+json answers (else 406)."""
    return not accept or any(
        part.split(";")[0].strip().lower() in ACCEPTABLE for part in accept.split(",")
    )


_CANONICAL_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def instance_for(request_id: str | None, path: str) -> str:
    """`urn:uuid:<X-Request-Id>` when that id is a canonical UUID, else the request path."""
    if request_id and _CANONICAL_UUID.match(request_id):
        return f"urn:uuid:{request_id}"
    return path


def problem_body(
    code: str,
    status: int,
    *,
    instance: str,
    detail: str | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": TITLES.get(code, TITLES["interne-fout"]),
        "status": status,
        "detail": detail or TITLES.get(code, TITLES["interne-fout"]),
        "instance": instance,
        "code": code,
    }
    if extra:
        body.update(extra)
    return body
