"""Wire building blocks: strict JSON types, the BSN guard on every string, camelCase models."""

from __future__ import annotations

from datetime import UTC, date, datetime
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


def _query_number(value: object) -> object:
    """A query value is text: only plain digits (an optional minus) make an integer."""
    if isinstance(value, str) and value.lstrip("-").isdigit() and value.isascii():
        return int(value)
    raise PydanticCustomError("ongeldig-formaat", "Verwacht een geheel getal.")


def _text_only(value: object) -> object:
    if not isinstance(value, str):
        raise PydanticCustomError("ongeldig-formaat", "Verwacht tekst.")
    return value


def _line(value: object) -> object:
    """Runs before the string constraints, so those stay in the published JSON Schema."""
    if not isinstance(value, str):
        raise PydanticCustomError("ongeldig-formaat", "Verwacht tekst.")
    if has_control_characters(value, allow_newlines=False):
        raise PydanticCustomError("ongeldig-formaat", "Stuurtekens zijn niet toegestaan.")
    return _no_bsn(value)


def _free(value: object) -> object:
    if not isinstance(value, str):
        raise PydanticCustomError("ongeldig-formaat", "Verwacht tekst.")
    if has_control_characters(value, allow_newlines=True):
        raise PydanticCustomError("ongeldig-formaat", "Stuurtekens zijn niet toegestaan.")
    return _no_bsn(value)


def guard_code(value: object) -> object:
    """A code-list value: BSN-guarded like any string; the list itself checks membership."""
    return _no_bsn(value) if isinstance(value, str) else value


# The guards by what they let through, for api.schemas.lean_validation, which leaves them out
# for bodies its prescan shows they would pass. A guard missing here still runs, only slower.
TEXT_GUARDS = (_line, _free)  # refuse anything but a string
CODE_GUARDS = (guard_code,)  # pass non-strings on to the code list, which refuses them


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


def matching(regex: str, **constraints: Any) -> Any:
    """`Field(pattern=...)` that stays in the JSON Schema (pydantic drops `pattern` there when a
    before-validator precedes it; the validation itself is unaffected)."""
    return Field(pattern=regex, json_schema_extra={"pattern": regex}, **constraints)


UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
CODE_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"

JsonInt = Annotated[int, BeforeValidator(_json_number)]
QueryInt = Annotated[int, BeforeValidator(_query_number)]
JsonBool = Annotated[bool, Field(strict=True)]
JsonDate = Annotated[date, BeforeValidator(_text_only)]
JsonDateTime = Annotated[AwareDatetime, BeforeValidator(_text_only)]
# Every request string is one of these: single-line or free text, both BSN-guarded. The
# guards run before pydantic's string constraints, which thus stay in the JSON Schema.
Line = Annotated[str, BeforeValidator(_line)]
FreeText = Annotated[str, BeforeValidator(_free)]
# An id is exempt from the BSN guard (CONTRACT §1: format uuid); a code-list value is guarded.
Uuid = Annotated[str, BeforeValidator(_text_only), matching(UUID_PATTERN)]
Code = Annotated[str, BeforeValidator(guard_code), matching(CODE_PATTERN)]
Phone = Annotated[
    str,
    BeforeValidator(_line),
    matching(r"^\+?[0-9][0-9 ().-]{6,30}[0-9]$", min_length=8, max_length=32),
    AfterValidator(_phone),
]
Email = Annotated[
    str,
    BeforeValidator(_line),
    matching(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254),
    AfterValidator(_email),
]


def iso(value: date | datetime | None) -> str | None:
    """A date as `YYYY-MM-DD`, a time in UTC with `Z` (CONTRACT §1), None as None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat()


def at_least(low: int) -> dict[str, Any]:
    """JSON Schema bounds for a query integer (its before-validator hides `ge` from pydantic's
    schema, which then publishes a non-standard `ge` keyword)."""
    return {"minimum": low}


def between(low: int, high: int) -> dict[str, Any]:
    return {"minimum": low, "maximum": high}


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
