"""Wire shape of `PATCH /v1/trajecten/{id}` (CONTRACT §9.3): a JSON merge patch."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, Field

from api.schemas.common import Email, JsonBool, JsonDate, Line, Phone, RequestModel, unique
from api.schemas.referrals import Adres, Taal, ToestemmingScope
from domain.model.referral import Address, ConsentScope
from domain.model.trajectory_patch import UpdateTrajectory

Name = Annotated[Line, Field(min_length=1, max_length=100)]


class MoederWijziging(RequestModel):
    roepnaam: Name | None = None
    achternaam: Name | None = None
    telefoon: Phone | None = None
    email: Email | None = None
    adres: Adres | None = None
    adres_geheim: JsonBool | None = None
    taalvoorkeur: Annotated[list[Taal], Field(max_length=5), AfterValidator(unique)] | None = None
    tolk_nodig: JsonBool | None = None


class KindWijziging(RequestModel):
    roepnaam: Name | None = None
    geboortedatum: JsonDate | None = None
    eerste_kind: JsonBool | None = None


class ToestemmingWijziging(RequestModel):
    scope: Annotated[list[ToestemmingScope], AfterValidator(unique)]


class TrajectWijziging(RequestModel):
    """Absent leaves a field, null clears it (RFC 7396); the consent scope may only shrink."""

    moeder: MoederWijziging | None = None
    kind: KindWijziging | None = None
    toestemming: ToestemmingWijziging | None = None

    def to_command(self, trajectory_id: str, *, expected_version: int | None) -> UpdateTrajectory:
        mother_names = {
            "roepnaam": "first_name",
            "achternaam": "surname",
            "telefoon": "phone",
            "email": "email",
            "adres": "address",
            "adres_geheim": "address_secret",
            "taalvoorkeur": "languages",
            "tolk_nodig": "interpreter_needed",
        }
        child_names = {
            "roepnaam": "first_name",
            "geboortedatum": "birth_date",
            "eerste_kind": "first_child",
        }
        mother: dict[str, Any] = {}
        if self.moeder is not None:
            for name in self.moeder.model_fields_set:
                mother[mother_names[name]] = _value(getattr(self.moeder, name))
        child: dict[str, Any] = {}
        if self.kind is not None:
            for name in self.kind.model_fields_set:
                child[child_names[name]] = getattr(self.kind, name)
        scopes = None
        if self.toestemming is not None:
            scopes = tuple(ConsentScope(s) for s in self.toestemming.scope)
        return UpdateTrajectory(trajectory_id, expected_version, mother, child, scopes)


def _value(value: Any) -> Any:
    if isinstance(value, Adres):
        return Address(
            street=value.straat,
            house_number=value.huisnummer,
            addition=value.huisnummertoevoeging,
            postcode=value.postcode,
            town=value.woonplaats,
        )
    if isinstance(value, list):
        return tuple(value)
    return value
