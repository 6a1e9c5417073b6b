"""Demo data for `make run`: a handful of referrals registered through the real use case.

Idempotent: fixed business keys, so a second start adds nothing (an identical referral
answers `created=False`, one whose content moved with the calendar `DuplicateReferral`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from adapters.db.uow import SqlUnitOfWorkFactory
from domain.errors import DuplicateReferral
from domain.model.calendar import local_date
from domain.model.organisations import OrganisationDirectory
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
from domain.policy import ROLE_MAXIMUM_SCOPES, Actor, Role
from domain.ports import AccessContext
from domain.services import referrals

DEMO_VOLUNTEER_ID: Final = "6b1f3c2e-9d4a-4e7b-8c5d-0a1b2c3d4e5f"


@dataclass(frozen=True, slots=True)
class DemoMother:
    reference: str
    first_name: str
    surname: str
    age_days: int
    municipality: str
    languages: tuple[str, ...]


MOTHERS: Final = (
    DemoMother("DEMO-CB-0001", "Anna", "de Vries", 45, "GM0363", ("nl",)),
    DemoMother("DEMO-CB-0002", "Fatima", "El Amrani", 80, "GM0363", ("nl", "ar")),
    DemoMother("DEMO-CB-0003", "Olena", "Kovalenko", 120, "GM0344", ("uk", "nl")),
    DemoMother("DEMO-CB-0004", "Sanne", "Jansen", 30, "GM0344", ("nl",)),
    DemoMother("DEMO-CB-0005", "Ayse", "Yilmaz", 200, "GM0363", ("tr", "nl")),
)


def _command(mother: DemoMother, *, today_ordinal: int) -> RegisterReferral:
    today = date.fromordinal(today_ordinal)
    digest = hashlib.sha256(f"{mother.reference}{today_ordinal}".encode()).hexdigest()
    return RegisterReferral(
        referrer=Referrer(
            type=ReferrerType.CONSULTATIEBUREAU,
            organisation_id=OrganisationId(OrganisationIdScheme.URA, "01234567"),
            name="JGZ Demo",
            reference=mother.reference,
        ),
        mother=Mother(
            first_name=mother.first_name,
            surname=mother.surname,
            phone="+31612345678",
            address=Address("Demostraat", 1, "1094 AB", "Amsterdam"),
            languages=mother.languages,
        ),
        child=Child(birth_date=today - timedelta(days=mother.age_days), first_child=True),
        registration=Registration(
            host_organisation="mim-demo",
            municipality=mother.municipality,
            reasons=(RegistrationReason.UNSURE_PARENTING, RegistrationReason.SMALL_NETWORK),
        ),
        consent=Consent(
            given=True,
            date=today - timedelta(days=2),
            method=ConsentMethod.ORAL,
            recorded_by_role="jeugdverpleegkundige",
            scopes=(ConsentScope.SHARE_WITH_MIM, ConsentScope.FEEDBACK_TO_REFERRER),
            information_text_version="2026-1",
        ),
        content_hash=digest,
    )


async def seed(factory: SqlUnitOfWorkFactory, directory: OrganisationDirectory) -> int:
    """Registers the demo referrals; returns how many were new."""
    actor = Actor(
        id="demo-seed",
        role=Role.REFERRER,
        organisation="ura:01234567",
        scopes=ROLE_MAXIMUM_SCOPES[Role.REFERRER],
        client_id="mim-demo-data",
    )
    today = local_date(factory.clock.now()).toordinal()
    created = 0
    for mother in MOTHERS:
        uow = factory(AccessContext(actor=actor))
        try:
            outcome = await referrals.register(
                _command(mother, today_ordinal=today),
                uow=uow,
                clock=factory.clock,
                ids=factory.ids,
                actor=actor,
                directory=directory,
            )
        except DuplicateReferral:
            continue  # registered on an earlier day
        created += int(isinstance(outcome, referrals.IntakeResult) and outcome.created)
    return created
