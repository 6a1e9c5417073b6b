"""The referral (Verwijzing): what a CJG, GGD or consultatiebureau sends, and its intake rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from domain.errors import FieldProblem
from domain.model.calendar import add_months


class ReferrerType(StrEnum):
    """Published as `VerwijzerType` (extensible)."""

    CONSULTATIEBUREAU = "consultatiebureau"
    CJG = "cjg"
    GGD = "ggd"
    MIDWIFE = "verloskundige"
    MATERNITY_CARE = "kraamzorg"
    GP = "huisarts"
    SOCIAL_TEAM = "sociaal_wijkteam"
    SELF_REGISTRATION = "zelfaanmelding"
    OTHER = "overig"


class OrganisationIdScheme(StrEnum):
    URA = "ura"
    OIN = "oin"
    KVK = "kvk"
    INTERNAL = "intern"


class RegistrationReason(StrEnum):
    """Published as `AanmeldReden`."""

    UNSURE_PARENTING = "onzeker_opvoeding"
    SMALL_NETWORK = "weinig_netwerk"
    LANGUAGE = "taal"
    YOUNG_MOTHER = "jonge_moeder"
    OTHER = "overig"


class ConsentMethod(StrEnum):
    ORAL = "mondeling"
    WRITTEN = "schriftelijk"
    DIGITAL = "digitaal"


class ConsentScope(StrEnum):
    SHARE_WITH_MIM = "delen_met_mim"
    FEEDBACK_TO_REFERRER = "terugkoppeling_aan_verwijzer"


@dataclass(frozen=True, slots=True)
class OrganisationId:
    scheme: OrganisationIdScheme
    value: str

    @property
    def code(self) -> str:
        """The token `org` of a referrer: `<schema>:<waarde>` (e.g. `ura:01234567`)."""
        return f"{self.scheme.value}:{self.value}"


@dataclass(frozen=True, slots=True)
class Referrer:
    type: ReferrerType
    organisation_id: OrganisationId
    name: str = field(repr=False)
    reference: str = field(repr=False)
    contact_role: str | None = field(default=None, repr=False)
    contact_phone: str | None = field(default=None, repr=False)
    contact_email: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class Address:
    street: str = field(repr=False)
    house_number: int = field(repr=False)
    postcode: str = field(repr=False)
    town: str = field(repr=False)
    addition: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class Mother:
    """Whichever parent takes part; contact data only, never a birth date or identity number."""

    first_name: str = field(repr=False)
    surname: str = field(repr=False)
    phone: str = field(repr=False)
    address: Address = field(repr=False)
    email: str | None = field(default=None, repr=False)
    address_secret: bool = False
    languages: tuple[str, ...] = ()
    interpreter_needed: bool = False


@dataclass(frozen=True, slots=True)
class Child:
    birth_date: date = field(repr=False)
    first_child: bool
    first_name: str | None = field(default=None, repr=False)

    def eighteen_month_date(self) -> date:
        return add_months(self.birth_date, 18)

    def twenty_four_month_date(self) -> date:
        return add_months(self.birth_date, 24)


@dataclass(frozen=True, slots=True)
class Registration:
    host_organisation: str
    municipality: str
    reasons: tuple[RegistrationReason, ...]
    explanation: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class Consent:
    """Mirrors BDS group G115; `given`/`scopes` may be absent in a request, hence optional."""

    given: bool | None
    date: date | None
    method: ConsentMethod | None
    recorded_by_role: str | None = field(default=None, repr=False)
    recorded_by_organisation: str | None = field(default=None, repr=False)
    scopes: tuple[ConsentScope, ...] = ()
    information_text_version: str | None = None

    @property
    def shares_with_mim(self) -> bool:
        return bool(self.given) and ConsentScope.SHARE_WITH_MIM in self.scopes

    @property
    def allows_feedback(self) -> bool:
        return ConsentScope.FEEDBACK_TO_REFERRER in self.scopes


@dataclass(frozen=True, slots=True)
class RegisterReferral:
    """Command: a referral whose shape the door has validated; the rules run in the domain."""

    referrer: Referrer
    mother: Mother
    child: Child
    registration: Registration
    consent: Consent | None
    content_hash: str  # SHA-256 of the body re-serialised with sorted keys (business key, §5.3)


@dataclass(slots=True)
class Referral:
    id: str
    referrer: Referrer
    received_at: datetime
    content_hash: str
    host_organisation: str
    municipality: str
    feedback_allowed: bool


def intake_problems(cmd: RegisterReferral, *, today: date) -> list[FieldProblem]:
    """The business rules of an intake, in the contract's fixed order (CONTRACT §4)."""
    problems: list[FieldProblem] = []
    if cmd.consent is None or not cmd.consent.shares_with_mim:
        problems.append(
            FieldProblem(
                _consent_field(cmd.consent),
                "geen-toestemming",
                "Toestemming om te delen met MIM is vereist.",
            )
        )
    if not cmd.child.first_child:
        problems.append(
            FieldProblem("kind.eersteKind", "geen-eerste-kind", "MIM is voor een eerste kind.")
        )
    if cmd.child.birth_date <= today and today >= cmd.child.eighteen_month_date():
        problems.append(
            FieldProblem("kind.geboortedatum", "kind-te-oud", "Het kind is 18 maanden of ouder.")
        )
    if cmd.child.birth_date > today:
        problems.append(
            FieldProblem(
                "kind.geboortedatum",
                "ongeldige-waarde",
                "Een geboortedatum ligt niet in de toekomst.",
            )
        )
    registration = cmd.registration
    if RegistrationReason.OTHER in registration.reasons and not registration.explanation:
        problems.append(
            FieldProblem(
                "aanmelding.toelichting", "verplicht", "Een toelichting hoort bij reden overig."
            )
        )
    if cmd.consent is not None and cmd.consent.date is not None and cmd.consent.date > today:
        problems.append(
            FieldProblem(
                "toestemming.datum",
                "ongeldige-waarde",
                "De datum van toestemming ligt niet in de toekomst.",
            )
        )
    return problems


def _consent_field(consent: Consent | None) -> str:
    if consent is None:
        return "toestemming"
    if not consent.given:
        return "toestemming.gegeven"
    return "toestemming.scope"
