"""Wire shapes of referral intake (CONTRACT §8): the body of POST /v1/verwijzingen."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from api.errors import problem_extras, status_of
from api.problems import PROBLEM_MEDIA_TYPE, problem_body
from api.schemas.common import (
    Email,
    FreeText,
    JsonBool,
    JsonDate,
    JsonInt,
    Line,
    Phone,
    RequestModel,
    ResponseModel,
    guard_code,
    matching,
    unique,
)
from domain.errors import DomainError
from domain.model.contact import ORGANISATION_ID_DIGITS, normalise_postcode
from domain.model.referral import (
    Address,
    Child,
    Consent,
    ConsentMethod,
    ConsentScope,
    Mother,
    OrganisationId,
    OrganisationIdScheme,
    Referrer,
    ReferrerType,
    RegisterReferral,
    Registration,
    RegistrationReason,
)
from domain.ports import StoredResponse
from domain.services.referrals import IntakeResult
from domain.views import ReferralStatusView

# Code lists go through the BSN guard too (CONTRACT §1: every string of the body).
VerwijzerType = Annotated[
    Literal[
        "consultatiebureau",
        "cjg",
        "ggd",
        "verloskundige",
        "kraamzorg",
        "huisarts",
        "sociaal_wijkteam",
        "zelfaanmelding",
        "overig",
    ],
    BeforeValidator(guard_code),
]
OrganisatieIdSchema = Annotated[Literal["ura", "oin", "kvk", "intern"], BeforeValidator(guard_code)]
AanmeldReden = Annotated[
    Literal["onzeker_opvoeding", "weinig_netwerk", "taal", "jonge_moeder", "overig"],
    BeforeValidator(guard_code),
]
ToestemmingWijze = Annotated[
    Literal["mondeling", "schriftelijk", "digitaal"], BeforeValidator(guard_code)
]
ToestemmingScope = Annotated[
    Literal["delen_met_mim", "terugkoppeling_aan_verwijzer"], BeforeValidator(guard_code)
]
TerugkoppelingStatus = Literal["ontvangen", "in_behandeling", "gestart", "afgerond", "niet_gestart"]

OrgCode = Annotated[Line, matching(r"^[A-Za-z0-9._:-]{2,64}$")]
GemeenteCode = Annotated[Line, matching(r"^GM\d{4}$")]
Referentie = Annotated[Line, matching(r"^[A-Za-z0-9._:/-]{1,64}$")]
Taal = Annotated[Line, matching(r"^[a-z]{2,3}$")]


def _postcode(value: str) -> str:
    try:
        return normalise_postcode(value)
    except ValueError:
        raise PydanticCustomError("ongeldig-formaat", "Geen geldige postcode.") from None


class OrganisatieId(RequestModel):
    schema_: OrganisatieIdSchema = Field(alias="schema")
    waarde: Annotated[Line, Field(min_length=1, max_length=64)]

    @model_validator(mode="after")
    def _digits(self) -> OrganisatieId:
        length = ORGANISATION_ID_DIGITS.get(self.schema_)
        digits_ok = length is None or (
            len(self.waarde) == length and self.waarde.isascii() and self.waarde.isdigit()
        )
        if not digits_ok:
            raise PydanticCustomError("ongeldig-formaat", "De waarde past niet bij het schema.")
        return self


class Verwijzer(RequestModel):
    type: VerwijzerType
    organisatie_id: OrganisatieId
    naam: Annotated[Line, Field(min_length=1, max_length=200)]
    referentie: Referentie
    contact_rol: Annotated[Line, Field(min_length=1, max_length=100)] | None = None
    contact_telefoon: Phone | None = None
    contact_email: Email | None = None


class Adres(RequestModel):
    straat: Annotated[Line, Field(min_length=1, max_length=100)]
    huisnummer: Annotated[JsonInt, Field(ge=1, le=99999)]
    huisnummertoevoeging: Annotated[Line, Field(min_length=1, max_length=10)] | None = None
    postcode: Annotated[Line, matching(r"^[1-9]\d{3} ?[A-Z]{2}$"), AfterValidator(_postcode)]
    woonplaats: Annotated[Line, Field(min_length=1, max_length=80)]


class Moeder(RequestModel):
    roepnaam: Annotated[Line, Field(min_length=1, max_length=100)]
    achternaam: Annotated[Line, Field(min_length=1, max_length=100)]
    telefoon: Phone
    email: Email | None = None
    adres: Adres
    adres_geheim: JsonBool = False
    taalvoorkeur: Annotated[list[Taal], Field(max_length=5), AfterValidator(unique)] = Field(
        default_factory=list
    )
    tolk_nodig: JsonBool = False


class Kind(RequestModel):
    geboortedatum: JsonDate = Field(json_schema_extra={"bdsRef": "R004"})
    eerste_kind: JsonBool
    roepnaam: Annotated[Line, Field(min_length=1, max_length=100)] | None = None


class Aanmelding(RequestModel):
    uitvoerende_organisatie: OrgCode
    gemeente: GemeenteCode
    redenen: Annotated[
        list[AanmeldReden], Field(min_length=1, max_length=5), AfterValidator(unique)
    ]
    toelichting: Annotated[FreeText, Field(min_length=1, max_length=500)] | None = None


class VastgelegdDoor(RequestModel):
    rol: Annotated[Line, Field(min_length=1, max_length=100)]
    organisatie_naam: Annotated[Line, Field(min_length=1, max_length=200)] | None = None


class Toestemming(RequestModel):
    # `gegeven` and `scope` may be absent here: that is `geen-toestemming`, a business rule.
    gegeven: JsonBool | None = None
    datum: JsonDate
    wijze: ToestemmingWijze
    vastgelegd_door: VastgelegdDoor
    scope: Annotated[list[ToestemmingScope], AfterValidator(unique)] = Field(default_factory=list)
    informatietekst_versie: Annotated[Line, Field(min_length=1, max_length=50)]


class NieuweVerwijzing(RequestModel):
    """A referral from a CJG, GGD or consultatiebureau (or a coordinator's own registration)."""

    verwijzer: Verwijzer
    moeder: Moeder
    kind: Kind
    aanmelding: Aanmelding
    toestemming: Toestemming | None = None

    def fingerprint(self) -> str:
        """SHA-256 of the body re-serialised in one canonical form (CONTRACT §5.2): the
        validated model's fields in their fixed order, null left out (null equals absence).
        pydantic-core writes it; sorting the keys in Python cost a share of every intake."""
        canonical = self.model_dump_json(by_alias=True, exclude_none=True)
        return hashlib.sha256(canonical.encode()).hexdigest()

    def to_command(self, fingerprint: str) -> RegisterReferral:
        v, m, k, a, t = self.verwijzer, self.moeder, self.kind, self.aanmelding, self.toestemming
        return RegisterReferral(
            referrer=Referrer(
                type=ReferrerType(v.type),
                organisation_id=OrganisationId(
                    OrganisationIdScheme(v.organisatie_id.schema_), v.organisatie_id.waarde
                ),
                name=v.naam,
                reference=v.referentie,
                contact_role=v.contact_rol,
                contact_phone=v.contact_telefoon,
                contact_email=v.contact_email,
            ),
            mother=Mother(
                first_name=m.roepnaam,
                surname=m.achternaam,
                phone=m.telefoon,
                email=m.email,
                address=Address(
                    street=m.adres.straat,
                    house_number=m.adres.huisnummer,
                    addition=m.adres.huisnummertoevoeging,
                    postcode=m.adres.postcode,
                    town=m.adres.woonplaats,
                ),
                address_secret=m.adres_geheim,
                languages=tuple(m.taalvoorkeur),
                interpreter_needed=m.tolk_nodig,
            ),
            child=Child(
                birth_date=k.geboortedatum, first_child=k.eerste_kind, first_name=k.roepnaam
            ),
            registration=Registration(
                host_organisation=a.uitvoerende_organisatie,
                municipality=a.gemeente,
                reasons=tuple(RegistrationReason(r) for r in a.redenen),
                explanation=a.toelichting,
            ),
            consent=None
            if t is None
            else Consent(
                given=t.gegeven,
                date=t.datum,
                method=ConsentMethod(t.wijze),
                recorded_by_role=t.vastgelegd_door.rol,
                recorded_by_organisation=t.vastgelegd_door.organisatie_naam,
                scopes=tuple(ConsentScope(s) for s in t.scope),
                information_text_version=t.informatietekst_versie,
            ),
            content_hash=fingerprint,
        )


class VerwijzingZoekvraag(RequestModel):
    referentie: Referentie


class VerwijzingStatus(ResponseModel):
    """`VerwijzingStatus`: all a referrer ever sees; `trajectId` for host roles only."""

    id: str = Field(json_schema_extra={"format": "uuid"})
    referentie: str | None
    ontvangen_op: datetime
    terugkoppeling_toegestaan: bool
    status: TerugkoppelingStatus | None
    reden: str | None
    status_gewijzigd_op: date
    traject_id: str | None = Field(default=None, json_schema_extra={"format": "uuid"})

    @classmethod
    def from_view(cls, view: ReferralStatusView) -> VerwijzingStatus:
        fields = {
            "id": view.id,
            "referentie": view.reference,
            "ontvangen_op": view.received_at,
            "terugkoppeling_toegestaan": view.feedback_allowed,
            "status": view.status.value if view.status else None,
            "reden": view.reason,
            "status_gewijzigd_op": view.status_changed_on,
        }
        if view.trajectory_id is not None:
            fields["traject_id"] = view.trajectory_id
        return cls.model_validate(fields)

    def wire(self) -> dict[str, object]:
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)


class VerwijzingStatusLijst(ResponseModel):
    resultaten: list[VerwijzingStatus]
    volgende: str | None = None


def render_intake(outcome: IntakeResult | DomainError, *, instance: str) -> StoredResponse:
    """The stored (and replayed) form of an intake outcome, the same for both doors."""
    if isinstance(outcome, DomainError):
        status = status_of(outcome)
        body = problem_body(
            outcome.code,
            status,
            instance=instance,
            detail=outcome.detail,
            extra=problem_extras(outcome),
        )
        return StoredResponse(status, body, {"Content-Type": PROBLEM_MEDIA_TYPE})
    status = 201 if outcome.created else 200
    headers = {"Location": f"/v1/verwijzingen/{outcome.view.id}"} if outcome.created else {}
    return StoredResponse(status, VerwijzingStatus.from_view(outcome.view).wire(), headers)
