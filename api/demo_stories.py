"""The demo's cast for `make run`: the sixty referral stories, names, addresses and
referrer sources that api.demo_lifecycle plays through the use cases."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from adapters.db.uow import SqlUnitOfWork, SqlUnitOfWorkFactory
from domain.model.organisations import OrganisationDirectory
from domain.model.referral import (
    Address,
    Mother,
    OrganisationId,
    OrganisationIdScheme,
    ReferrerType,
    RegistrationReason,
)
from domain.model.trajectory import TrajectoryState
from domain.policy import ROLE_MAXIMUM_SCOPES, Actor, Role
from domain.ports import AccessContext

S = TrajectoryState
HOST: Final = "mim-demo"
SEED: Final = "mim-demo-2026"
COORDINATOR: Final = Actor(
    id="demo-coordinator",
    role=Role.COORDINATOR,
    organisation=HOST,
    scopes=ROLE_MAXIMUM_SCOPES[Role.COORDINATOR],
)


def referrer_actor(organisation: str) -> Actor:
    return Actor(
        id="demo-seed",
        role=Role.REFERRER,
        organisation=organisation,
        scopes=ROLE_MAXIMUM_SCOPES[Role.REFERRER],
        client_id="mim-demo-data",
    )


def volunteer_actor(volunteer_id: str) -> Actor:
    return Actor(
        id="demo-vrijwilliger",
        role=Role.VOLUNTEER,
        organisation=HOST,
        scopes=ROLE_MAXIMUM_SCOPES[Role.VOLUNTEER],
        volunteer_id=volunteer_id,
    )


@dataclass(frozen=True, slots=True)
class Demo:
    """What every seeding step needs: the units of work, the organisations, today."""

    factory: SqlUnitOfWorkFactory
    directory: OrganisationDirectory
    today: date

    def uow(self, actor: Actor = COORDINATOR) -> SqlUnitOfWork:
        """A fresh unit of work (one transaction) per use-case call."""
        return self.factory(AccessContext(actor=actor))


# --- the stories -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Story:
    """The steps after registration; `age` is the child's age today in days (under 18
    months, so every referral is accepted today); `volunteer` pins the match."""

    steps: tuple[str, ...]
    age: tuple[int, int]
    volunteer: str | None = None
    late_start: bool = False


PRE: Final = ("intake", "wacht")
MATCHED: Final = (*PRE, "match", "kennis")
RUNNING: Final = (*MATCHED, "uitvoering")
CLOSED: Final = (*RUNNING, "afsluiting", "afgesloten")

STORIES: Final[tuple[Story, ...]] = (
    *[Story((), (15, 120))] * 7,  # aangemeld
    *[Story(("intake",), (30, 150))] * 5,  # intake, planned
    *[Story(PRE, (40, 220))] * 7,  # wacht_op_match
    Story((*PRE, "match"), (60, 160)),  # kennismaking, first visit still to come
    *[Story(MATCHED, (60, 200))] * 3,
    Story(MATCHED, (60, 200), volunteer="mariam"),
    Story(RUNNING, (240, 420), volunteer="mariam"),  # uitvoering
    Story(RUNNING, (200, 400), volunteer="noor"),
    Story(RUNNING, (200, 400), volunteer="lotte"),
    Story((*RUNNING, "groep"), (250, 450)),
    Story((*RUNNING, "correctie"), (200, 400)),
    Story((*RUNNING, "verlenging:later_gestart"), (300, 460), late_start=True),
    Story((*RUNNING, "verlenging:extra_ondersteuning_nodig"), (420, 500)),
    Story((*RUNNING, "pauze:ziekte", "pauze:vrijwilliger_wisselt", "hervat"), (200, 400)),
    *[Story(RUNNING, (120, 480))] * 3,
    *[Story((*RUNNING, "afsluiting"), (470, 520))] * 3,  # afsluiting
    Story(CLOSED, (440, 535), volunteer="mariam"),  # afgesloten
    Story(CLOSED, (440, 535), volunteer="rachida"),
    *[Story(CLOSED, (380, 535))] * 7,
    Story(("afwijzing:niet_bereikt",), (30, 150)),  # afgewezen
    Story(("afwijzing:geen_behoefte",), (30, 150)),
    Story(("intake", "afwijzing:contra_indicatie"), (40, 200)),
    Story(("intake", "afwijzing:geen_behoefte"), (40, 200)),
    Story(("intake", "afwijzing:overig"), (40, 200)),
    Story(("intake", "stop:niet_bereikbaar"), (40, 200)),  # gestopt
    Story((*PRE, "stop:geen_vrijwilliger_beschikbaar"), (200, 400)),
    Story((*MATCHED, "stop:geen_behoefte_meer"), (80, 250)),
    Story((*RUNNING, "stop:verhuisd"), (200, 450)),
    Story((*RUNNING, "pauze:ziekte", "stop:ziekte"), (200, 450)),
    Story((*RUNNING, "pauze:ziekte"), (200, 450)),  # onderbroken
    Story((*RUNNING, "pauze:tijdelijk_afwezig"), (200, 450)),
    Story((*MATCHED, "pauze:vrijwilliger_wisselt"), (60, 200), volunteer="ilse"),
)

EXPLANATIONS: Final = {
    "overig": "Moeder koos voor een andere vorm van ondersteuning.",
}


def pinned_counts() -> dict[str, int]:
    counts: dict[str, int] = {}
    for story in STORIES:
        if story.volunteer is not None:
            counts[story.volunteer] = counts.get(story.volunteer, 0) + 1
    return counts


# --- mothers and referrals -------------------------------------------------------------

FIRST_NAMES: Final = (
    ("Anna", ("nl",)), ("Fatima", ("ar", "nl")), ("Olena", ("uk", "en")),
    ("Sanne", ("nl",)), ("Ayse", ("tr", "nl")), ("Lisa", ("nl", "en")),
    ("Naima", ("rif", "nl")), ("Hodan", ("so",)), ("Kateryna", ("uk",)),
    ("Emma", ("nl",)), ("Samira", ("ar",)), ("Merve", ("tr",)), ("Julia", ("pl", "en")),
    ("Grace", ("en",)), ("Saida", ("ber", "nl")), ("Iris", ("nl",)), ("Luam", ("ti",)),
    ("Maria", ("es", "en")), ("Dewi", ("nl",)), ("Yasmin", ("ar", "nl")),
)  # fmt: skip
SURNAMES: Final = (
    "de Vries", "El Amrani", "Kovalenko", "Jansen", "Yilmaz", "de Boer", "Bouzid",
    "Ahmed", "Shevchenko", "Dekker", "Haddou", "Aydin", "Nowak", "Mensah", "Ait Ali",
    "van Dijk", "Tesfay", "Garcia", "Wijaya", "Benali", "Vermeulen", "Koster",
)  # fmt: skip
CHILD_NAMES: Final = ("Noah", "Sara", "Adam", "Mila", "Yusuf", "Zoë", "Luca", "Nour", "Sem")
ADDRESSES: Final = {
    "GM0363": (
        ("Javastraat", "1094 HB"), ("Dapperstraat", "1093 BS"), ("Kinkerstraat", "1053 DT"),
        ("Bos en Lommerweg", "1055 EC"), ("Osdorpplein", "1068 EL"), ("Reigersbos", "1107 EP"),
    ),
    "GM0344": (
        ("Kanaalstraat", "3531 CK"), ("Amsterdamsestraatweg", "3551 CE"),
        ("Vleutenseweg", "3532 HN"), ("Zamenhofdreef", "3562 JT"), ("Columbuslaan", "3526 EP"),
    ),
}  # fmt: skip
TOWNS: Final = {"GM0363": "Amsterdam", "GM0344": "Utrecht"}


@dataclass(frozen=True, slots=True)
class Source:
    """Who referred her and who records it: the consultatiebureau and the CJG send their
    own referrals; a self-registration is recorded by the coordinator."""

    type: ReferrerType
    organisation_id: OrganisationId
    name: str
    consent_role: str
    actor: Actor


CONSULTATIEBUREAU: Final = Source(
    ReferrerType.CONSULTATIEBUREAU,
    OrganisationId(OrganisationIdScheme.URA, "01234567"),
    "JGZ Consultatiebureau Demo",
    "jeugdverpleegkundige",
    referrer_actor("ura:01234567"),
)
CJG: Final = Source(
    ReferrerType.CJG,
    OrganisationId(OrganisationIdScheme.OIN, "00000001001234567000"),
    "CJG Demo",
    "jeugdconsulent",
    referrer_actor("oin:00000001001234567000"),
)
SELF_REGISTRATION: Final = Source(
    ReferrerType.SELF_REGISTRATION,
    OrganisationId(OrganisationIdScheme.INTERNAL, HOST),
    "MIM Demo",
    "coordinator",
    COORDINATOR,
)


def phone(rng: random.Random) -> str:
    return "+316" + "".join(rng.choice("0123456789") for _ in range(8))


def mother_for(index: int, municipality: str, rng: random.Random) -> Mother:
    first_name, languages = FIRST_NAMES[index % len(FIRST_NAMES)]
    street, postcode = rng.choice(ADDRESSES[municipality])
    return Mother(
        first_name=first_name,
        surname=SURNAMES[(index * 7) % len(SURNAMES)],
        phone=phone(rng),
        address=Address(street, rng.randint(1, 180), postcode, TOWNS[municipality]),
        email=f"moeder{chr(97 + index % 26)}@example.org" if rng.random() < 0.3 else None,
        languages=languages,
        interpreter_needed="nl" not in languages and "en" not in languages and rng.random() < 0.5,
    )


def reasons_for(languages: Sequence[str], rng: random.Random) -> tuple[RegistrationReason, ...]:
    reasons = [RegistrationReason.UNSURE_PARENTING, RegistrationReason.SMALL_NETWORK]
    if "nl" not in languages:
        reasons.append(RegistrationReason.LANGUAGE)
    if rng.random() < 0.15:
        reasons.append(RegistrationReason.YOUNG_MOTHER)
    return tuple(rng.sample(reasons, k=rng.randint(1, len(reasons))))
