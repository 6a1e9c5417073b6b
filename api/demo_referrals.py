"""Demo referrals for `make run`: each story's dates, its referral as its referrer would send
it, registered through the use case; and the trajectories those referrals opened.

Dates pass every guard and are relative to today; the random choices come from the story's own
`random.Random`, so a referral looks the same on every run.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from api.demo_stories import (
    CHILD_NAMES,
    CJG,
    CONSULTATIEBUREAU,
    COORDINATOR,
    HOST,
    SELF_REGISTRATION,
    Demo,
    S,
    Source,
    Story,
    mother_for,
    reasons_for,
)
from domain.errors import DuplicateReferral
from domain.model.referral import (
    Child,
    Consent,
    ConsentMethod,
    ConsentScope,
    Referrer,
    RegisterReferral,
    Registration,
)
from domain.services import referrals, trajectories


@dataclass(frozen=True, slots=True)
class Timeline:
    """A trajectory's dates: born, consent, intake, start of kennismaking, last activity."""

    birth: date
    consent: date
    intake: date
    start: date
    end: date


def _quiet_days(steps: Sequence[str], rng: random.Random) -> int:
    """Days since the last visit: a closed, paused or stopped trajectory went quiet earlier."""
    if "afgesloten" in steps:
        return rng.randint(7, 45)
    if any(step.startswith(("pauze", "stop")) for step in steps):
        return rng.randint(7, 25)
    return rng.randint(0, 8)


def timeline(story: Story, today: date, rng: random.Random) -> Timeline:
    """Dates that pass every guard: consent before intake before the start (a month or two
    after birth for a running trajectory), the child under 18 months today."""
    birth = today - timedelta(days=rng.randint(*story.age))
    steps = story.steps
    if "uitvoering" in steps:
        start = birth + timedelta(
            days=rng.randint(150, 190) if story.late_start else rng.randint(30, 75)
        )
        end = today - timedelta(days=_quiet_days(steps, rng))
    elif "match" in steps:
        start = today - timedelta(days=rng.randint(5, 20) if "kennis" in steps else 2)
        end = today
    else:
        start = end = today
    intake = start - timedelta(days=rng.randint(10, 24))
    if steps == ("intake",):
        intake = today + timedelta(days=rng.randint(2, 10))  # planned
    received = min(today, intake) if "intake" in steps else today
    consent = max(birth + timedelta(days=3), received - timedelta(days=rng.randint(2, 9)))
    return Timeline(birth, consent, intake, start, end)


def registration_command(
    index: int, source: Source, dates: Timeline, demo: Demo, rng: random.Random
) -> RegisterReferral:
    municipality = "GM0363" if rng.random() < 0.6 else "GM0344"
    mother = mother_for(index, municipality, rng)
    scopes = [ConsentScope.SHARE_WITH_MIM]
    if source is not SELF_REGISTRATION and rng.random() < 0.85:
        scopes.append(ConsentScope.FEEDBACK_TO_REFERRER)
    reference = f"DEMO-{index + 1:03d}"
    digest = hashlib.sha256(f"{reference}{demo.today.toordinal()}".encode()).hexdigest()
    return RegisterReferral(
        referrer=Referrer(
            type=source.type,
            organisation_id=source.organisation_id,
            name=source.name,
            reference=reference,
            contact_role=source.consent_role if source is not SELF_REGISTRATION else None,
        ),
        mother=mother,
        child=Child(
            birth_date=dates.birth,
            first_child=True,
            first_name=rng.choice(CHILD_NAMES) if rng.random() < 0.6 else None,
        ),
        registration=Registration(
            host_organisation=HOST,
            municipality=municipality,
            reasons=reasons_for(mother.languages, rng),
        ),
        consent=Consent(
            given=True,
            date=dates.consent,
            method=rng.choice(tuple(ConsentMethod)),
            recorded_by_role=source.consent_role,
            scopes=tuple(scopes),
            information_text_version="2026-1",
        ),
        content_hash=digest,
    )


def source_for(index: int) -> Source:
    return (CONSULTATIEBUREAU, CJG, CONSULTATIEBUREAU, SELF_REGISTRATION, CJG)[index % 5]


async def register(demo: Demo, cmd: RegisterReferral, source: Source) -> str | None:
    """The new referral's id, or None when an earlier start registered this one."""
    try:
        outcome = await referrals.register(
            cmd,
            uow=demo.uow(source.actor),
            clock=demo.factory.clock,
            ids=demo.factory.ids,
            actor=source.actor,
            directory=demo.directory,
        )
    except DuplicateReferral:
        return None  # registered on an earlier day
    if not isinstance(outcome, referrals.IntakeResult) or not outcome.created:
        return None
    return outcome.view.id


async def registered_trajectories(demo: Demo) -> dict[str, str]:
    """Referral id -> trajectory id of every `aangemeld` trajectory, as a coordinator lists
    them (a referrer's status view does not name the trajectory)."""
    found: dict[str, str] = {}
    cursor: str | None = None
    while True:
        page = await trajectories.page(
            states=frozenset({S.REGISTERED}),
            municipality=None,
            cursor=cursor,
            limit=200,
            uow=demo.uow(),
            clock=demo.factory.clock,
            actor=COORDINATOR,
        )
        found.update((view.referral_id, view.id) for view in page.items)
        if page.next_cursor is None:
            return found
        cursor = page.next_cursor
