"""Demo data for `make run` (CONTRACT §18.1 `MIM_DEMO_DATA`): host organisation `mim-demo`
with sixteen volunteers in every status, their induction and supervision, and sixty
trajectories in every state (api/demo_lifecycle.py), all through the real use cases.

Idempotent: a volunteer is created only when no volunteer of that name exists, a trajectory
is played only when its referral (fixed reference) is new, so a second start adds nothing.
`DEMO_VOLUNTEER_ID` is a real, active volunteer with running trajectories: the volunteer
token `make run` prints sees them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from adapters.db.uow import SqlUnitOfWorkFactory
from api.demo_lifecycle import seed_trajectories
from api.demo_meldcode import seed_meldcode
from api.demo_stories import COORDINATOR, SEED, Demo, phone, pinned_counts
from api.demo_story_steps import Candidate, Pool
from domain.model.calendar import local_date
from domain.model.organisations import OrganisationDirectory
from domain.model.volunteer import SupervisionKind, VolunteerStatus
from domain.ports import IdGenerator
from domain.services import supervision, volunteers
from domain.services.supervision import RecordSupervision
from domain.services.volunteers import CreateVolunteer, UpdateVolunteer
from domain.views.volunteers import VolunteerView

DEMO_VOLUNTEER_ID: Final = "6b1f3c2e-9d4a-4e7b-8c5d-0a1b2c3d4e5f"
V = VolunteerStatus


@dataclass(frozen=True, slots=True)
class DemoVolunteer:
    """`status` is where she ends; `automatic`: the seeder may match her to any mother
    (else only to the trajectories pinned to her in the stories)."""

    key: str
    first_name: str
    surname: str
    municipality: str
    wijkcodes: tuple[str, ...]
    languages: tuple[str, ...]
    capacity: int = 2
    status: VolunteerStatus = V.ACTIVE
    trainings: int = 3
    vog: bool = True
    overdue: bool = False
    automatic: bool = True


VOLUNTEERS: Final = (
    DemoVolunteer(
        "mariam", "Mariam", "Bakkali", "GM0363", ("WK036301", "WK036302"), ("nl", "ar", "rif"),
        3, automatic=False,
    ),
    DemoVolunteer("elif", "Elif", "Demir", "GM0363", ("WK036305",), ("nl", "tr"), 3),
    DemoVolunteer(
        "sophie", "Sophie", "Bakker", "GM0344", ("WK034401", "WK034402"), ("nl", "en"), 3,
        trainings=4,
    ),
    DemoVolunteer("oksana", "Oksana", "Melnyk", "GM0344", ("WK034403",), ("uk", "nl", "en"), 3),
    DemoVolunteer("noor", "Noor", "Hendriks", "GM0363", ("WK036303",), ("nl",), 3, overdue=True),
    DemoVolunteer(
        "hanan", "Hanan", "Ouali", "GM0363", ("WK036304", "WK036306"), ("nl", "ar", "ber"), 2
    ),
    DemoVolunteer("lotte", "Lotte", "Visser", "GM0344", ("WK034404",), ("nl",), 2, overdue=True),
    DemoVolunteer("amina", "Amina", "Diallo", "GM0363", ("WK036307",), ("nl", "fr", "en"), 3),
    DemoVolunteer(
        "zeynep", "Zeynep", "Kaya", "GM0344", ("WK034405",), ("tr", "nl"), 3, trainings=4
    ),
    DemoVolunteer("fleur", "Fleur", "de Jong", "GM0363", ("WK036301",), ("nl", "en"), 1),
    DemoVolunteer(
        "ilse", "Ilse", "Mulder", "GM0344", ("WK034406",), ("nl",), 2, V.STOPPED,
        automatic=False,
    ),
    DemoVolunteer(
        "rachida", "Rachida", "Amrani", "GM0363", ("WK036308",), ("nl", "ar"), 2, V.INACTIVE,
        automatic=False,
    ),
    DemoVolunteer(
        "kim", "Kim", "Smit", "GM0363", (), ("nl",), 2, V.REGISTERED, trainings=0, vog=False
    ),
    DemoVolunteer(
        "yasmina", "Yasmina", "Tahiri", "GM0344", ("WK034407",), ("nl", "ber"), 2,
        V.REGISTERED, trainings=0,
    ),
    DemoVolunteer(
        "priya", "Priya", "Raghoenath", "GM0363", ("WK036309",), ("nl", "en", "hi"), 2,
        V.IN_TRAINING, trainings=2,
    ),
    DemoVolunteer(
        "tamar", "Tamar", "Peeters", "GM0344", (), ("nl", "en"), 1, V.IN_TRAINING, trainings=1
    ),
)  # fmt: skip

# Group meetings: days ago and what was discussed; each active volunteer attends most.
GROUP_MEETINGS: Final = (
    (20, ("praatpapier", "beeldmateriaal")),
    (80, ("signaleren_en_meldcode", "rol_en_grenzen")),
    (140, ("eigen_welzijn", "voortgang_trajecten")),
)
TALK_NOTES: Final = (
    "Gaat goed; wil meer oefenen met het beeldmateriaal.",
    "Besproken hoe zij grenzen aangeeft bij extra vragen van moeders.",
    "Druk met het eigen gezin; capaciteit blijft gelijk.",
    None,
)


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What one `seed` added; all zero on a second start."""

    referrals: int
    volunteers: int
    visits: int
    meldcode_cases: int = 0


class _FirstId:
    """The demo volunteer's fixed id, so the printed volunteer token is hers."""

    def __init__(self, first: str) -> None:
        self._first = first

    def new(self) -> str:
        return self._first


def _days_ago(demo: Demo, days: int) -> date:
    return demo.today - timedelta(days=days)


async def _supervise(
    demo: Demo,
    volunteer_id: str,
    kind: SupervisionKind,
    on: date,
    minutes: int,
    *,
    session: int | None = None,
    topics: tuple[str, ...] = (),
    note: str | None = None,
) -> None:
    await supervision.record_supervision(
        RecordSupervision(volunteer_id, kind, on, minutes, session, topics, note),
        uow=demo.uow(),
        clock=demo.factory.clock,
        ids=demo.factory.ids,
        actor=COORDINATOR,
    )


async def _set_status(demo: Demo, volunteer_id: str, status: VolunteerStatus) -> VolunteerView:
    current = await volunteers.get(
        volunteer_id, uow=demo.uow(), clock=demo.factory.clock, actor=COORDINATOR
    )
    if current.volunteer.status is status:
        return current
    return await volunteers.update(
        UpdateVolunteer(volunteer_id, current.volunteer.version, {"status": status}),
        uow=demo.uow(),
        clock=demo.factory.clock,
        actor=COORDINATOR,
        directory=demo.directory,
    )


async def _train(demo: Demo, person: DemoVolunteer, volunteer_id: str, rng: random.Random) -> None:
    """Induction sessions a week apart: long ago for active volunteers, lately for trainees."""
    first = rng.randint(420, 720) if person.trainings >= 3 else 20
    for session in range(1, person.trainings + 1):
        on = _days_ago(demo, first - 7 * (session - 1))
        topics = ("signaleren_en_meldcode",) if session == 2 else ("rol_en_grenzen",)
        await _supervise(
            demo, volunteer_id, SupervisionKind.TRAINING, on, 150, session=session, topics=topics
        )


async def _talks(demo: Demo, person: DemoVolunteer, volunteer_id: str, rng: random.Random) -> None:
    """Monthly individual talks; an overdue volunteer's last one is over 42 days ago."""
    first = 50 if person.overdue else 8
    if person.status is not V.ACTIVE:
        first = 150  # inactive or stopped: talks from before
    for month in range(3, -1, -1):
        on = _days_ago(demo, first + 30 * month + rng.randint(0, 6))
        await _supervise(
            demo,
            volunteer_id,
            SupervisionKind.INDIVIDUAL,
            on,
            rng.choice((45, 60, 60, 75)),
            topics=("voortgang_trajecten", rng.choice(("praatpapier", "eigen_welzijn"))),
            note=rng.choice(TALK_NOTES),
        )


async def _groups(demo: Demo, person: DemoVolunteer, volunteer_id: str, rng: random.Random) -> None:
    for days_ago, topics in GROUP_MEETINGS:
        if person.status is V.ACTIVE and rng.random() < 0.8:
            on = _days_ago(demo, days_ago)
            await _supervise(demo, volunteer_id, SupervisionKind.GROUP, on, 120, topics=topics)


async def _create(demo: Demo, person: DemoVolunteer, rng: random.Random) -> VolunteerView:
    """Registered, trained and, when she gets that far, activated and supervised."""
    ids: IdGenerator = _FirstId(DEMO_VOLUNTEER_ID) if person.key == "mariam" else demo.factory.ids
    created = await volunteers.create(
        CreateVolunteer(
            first_name=person.first_name,
            surname=person.surname,
            phone=phone(rng),
            municipality=person.municipality,
            languages=person.languages,
            email=f"{person.key}@example.org",
            wijkcodes=person.wijkcodes,
            capacity=person.capacity,
            status=V.IN_TRAINING if person.trainings else V.REGISTERED,
            vog_date=_days_ago(demo, rng.randint(120, 800)) if person.vog else None,
        ),
        uow=demo.uow(),
        clock=demo.factory.clock,
        ids=ids,
        actor=COORDINATOR,
        directory=demo.directory,
    )
    if not isinstance(created, VolunteerView):  # only with `once`, which is not given
        raise TypeError("een vrijwilliger zonder Idempotency-Key wordt nooit herhaald")
    volunteer_id = created.volunteer.id
    await _train(demo, person, volunteer_id, rng)
    if person.status in (V.REGISTERED, V.IN_TRAINING):
        return created
    await _talks(demo, person, volunteer_id, rng)
    await _groups(demo, person, volunteer_id, rng)
    return await _set_status(demo, volunteer_id, V.ACTIVE)


async def seed_volunteers(demo: Demo) -> tuple[dict[str, VolunteerView], int]:
    """The demo volunteers by key, created where missing; and how many were new."""
    existing = await volunteers.page(
        statuses=frozenset(),
        municipality=None,
        language=None,
        overdue=None,
        cursor=None,
        limit=200,
        uow=demo.uow(),
        clock=demo.factory.clock,
        actor=COORDINATOR,
    )
    by_name = {(v.volunteer.first_name, v.volunteer.surname): v for v in existing.items}
    found: dict[str, VolunteerView] = {}
    created = 0
    for person in VOLUNTEERS:
        view = by_name.get((person.first_name, person.surname))
        if view is None:
            rng = random.Random(f"{SEED}-{person.key}")  # noqa: S311 - demo data, not security
            view = await _create(demo, person, rng)
            created += 1
        found[person.key] = view
    return found, created


def _pool(found: dict[str, VolunteerView]) -> Pool:
    """Whom the stories may match: the volunteers active now, with their running counts."""
    pins = pinned_counts()
    pool = Pool()
    for person in VOLUNTEERS:
        volunteer = found[person.key].volunteer
        if volunteer.status is not V.ACTIVE:
            continue
        pool.candidates[person.key] = Candidate(
            id=volunteer.id,
            municipality=volunteer.municipality,
            languages=volunteer.languages,
            capacity=volunteer.capacity,
            running=volunteer.running_trajectories,
            pinned=pins.get(person.key, 0),
            automatic=person.automatic,
        )
    return pool


async def _finish(demo: Demo, found: dict[str, VolunteerView]) -> None:
    """Where the stories are played: Rachida takes a break, Ilse, whose mother got another
    volunteer, stops."""
    for person in VOLUNTEERS:
        volunteer = found[person.key].volunteer
        if person.status in (V.INACTIVE, V.STOPPED) and volunteer.status is not person.status:
            await _set_status(demo, volunteer.id, person.status)


async def seed(factory: SqlUnitOfWorkFactory, directory: OrganisationDirectory) -> DemoSummary:
    """Seeds what is missing of the demo data; returns what was added."""
    demo = Demo(factory, directory, local_date(factory.clock.now()))
    found, new_volunteers = await seed_volunteers(demo)
    counts = await seed_trajectories(demo, _pool(found))
    await _finish(demo, found)
    cases = await seed_meldcode(demo)
    return DemoSummary(counts.trajectories, new_volunteers, counts.visits, cases)
