"""Warnings on write responses (CONTRACT §1): `waarschuwingen: [{code, melding}]`."""

from __future__ import annotations

from typing import Final

from api.schemas.common import ResponseModel

WARNING_TEXTS: Final = {
    "minder-dan-14-huisbezoeken": "Minder dan 14 getelde huisbezoeken in de uitvoeringsfase.",
    "duur-buiten-norm": "Een huisbezoek duurt volgens de norm 60 tot 90 minuten.",
    "langer-dan-maand-geleden": "Het vorige huisbezoek was meer dan 31 dagen eerder.",
}


class Waarschuwing(ResponseModel):
    code: str
    melding: str


def warnings_wire(codes: tuple[str, ...]) -> list[dict[str, str]]:
    return [{"code": c, "melding": WARNING_TEXTS.get(c, c)} for c in codes]
