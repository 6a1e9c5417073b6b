"""Wire building blocks: strict JSON types, the BSN guard on every string, camelCase models."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from domain.model.bsn import looks_like_bsn
from domain.model.contact import has_control_characters, is_email, normalise_phone


def _json_number(value: object) -> object:
    if isinstance(value, bool | str):  # no true for 1, no "5" for 5
        raise PydanticCustomError("ongeldig-formaat", "Verwacht een geheel getal.")
    return value


def _text_only(value: object) -> object:
    if not isinstance(value, str):
        raise PydanticCustomError("ongeldig-formaat", "Verwacht tekst.")
    return value


def _line(value: str) -> str:
    if has_control_characters(value, allow_newlines=False):
        raise PydanticCustomError("ongeldig-formaat", "Stuurtekens zijn niet toegestaan.")
    return _no_bsn(value)


def _free(value: str) -> str:
    if has_control_characters(value, allow_newlines=True):
        raise PydanticCustomError("ongeldig-formaat", "Stuurtekens zijn niet toegestaan.")
    return _no_bsn(value)


def _no_bsn(value: str) -> str:
    if looks_like_bsn(value):  # the problem names the field, never the value
        raise PydanticCustomError("bsn-niet-toegestaan", "Een BSN is hier niet toegestaan.")
    return value


def _phone(value: str) -> str:
    try:
        return normalise_phone(value)
    except ValueError:
        raise PydanticCustomError("ongeldig-formaat", "Geen geldig telefoonnummer.") from None


def _email(value: str) -> str:
    if not is_email(value):
        raise PydanticCustomError("ongeldig-formaat", "Geen geldig e-mailadres.")
    return value


JsonInt = Annotated[int, BeforeValidator(_json_number)]
JsonBool = Annotated[bool, Field(strict=True)]
JsonDate = Annotated[date, BeforeValidator(_text_only)]
JsonDateTime = Annotated[AwareDatetime, BeforeValidator(_text_only)]
# Every request string is one of these: single-line or free text, both BSN-guarded.
Line = Annotated[str, BeforeValidator(_text_only), AfterValidator(_line)]
FreeText = Annotated[str, BeforeValidator(_text_only), AfterValidator(_free)]
Phone = Annotated[
    str,
    BeforeValidator(_text_only),
    AfterValidator(_line),
    AfterValidator(_phone),
    Field(max_length=32, json_schema_extra={"format": "phone"}),
]
Email = Annotated[
    str,
    BeforeValidator(_text_only),
    AfterValidator(_line),
    AfterValidator(_email),
    Field(max_length=254, json_schema_extra={"format": "email"}),
]


def unique(items: list[Any]) -> list[Any]:
    if len(set(items)) != len(items):
        raise PydanticCustomError("ongeldige-waarde", "Waarden komen maar één keer voor.")
    return items


class RequestModel(BaseModel):
    """A request body: camelCase names only, unknown fields refused."""

    model_config = ConfigDict(
        extra="forbid", alias_generator=to_camel, populate_by_name=False, frozen=True
    )


class ResponseModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, serialize_by_alias=True
    )
