"""Demo trajectories for `make run`: sixty mothers referred and moved through every state.

Each `Story` is a referral plus the steps a coordinator took since: intake, matching, visits
dated back over the months, extensions, pauses, closures. Everything goes through the real
use cases, so the data obeys every guard. Dates are relative to today; a story's random
choices come from its own seeded `random.Random`, so a story looks the same on every run.
A story is played only when its referral is new, so a second start adds nothing.
The referrals come from api.demo_referrals, the steps are played by api.demo_story_steps.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from api.demo_referrals import (
    Timeline,
    register,
    registered_trajectories,
    registration_command,
    source_for,
    timeline,
)
from api.demo_stories import SEED, STORIES, Demo, Story
from api.demo_story_steps import Play, Pool
from domain.model.referral import RegisterReferral


@dataclass(frozen=True, slots=True)
class TrajectoryCounts:
    trajectories: int
    visits: int


@dataclass(frozen=True, slots=True)
class Referred:
    """A story whose referral this start registered, ready to be played."""

    story: Story
    referral_id: str
    dates: Timeline
    cmd: RegisterReferral
    rng: random.Random


async def seed_trajectories(demo: Demo, pool: Pool) -> TrajectoryCounts:
    """Registers every story's referral that is new, then plays those stories, in a
    shuffled but fixed order (lists show the newest first, so the states come mixed)."""
    order = list(range(len(STORIES)))
    random.Random(SEED).shuffle(order)  # noqa: S311 - demo data, not security
    referred = []
    for index in order:
        rng = random.Random(f"{SEED}-{index}")  # noqa: S311 - demo data, not security
        story, source = STORIES[index], source_for(index)
        dates = timeline(story, demo.today, rng)
        cmd = registration_command(index, source, dates, demo, rng)
        referral_id = await register(demo, cmd, source)
        if referral_id is not None:
            referred.append(Referred(story, referral_id, dates, cmd, rng))
    trajectory_of = await registered_trajectories(demo) if referred else {}
    visit_count = 0
    for new in referred:
        mother = new.cmd.mother
        municipality = new.cmd.registration.municipality
        play = Play(
            demo,
            pool,
            trajectory_of[new.referral_id],
            new.story,
            new.dates,
            municipality,
            mother.languages,
            new.rng,
        )
        for step in new.story.steps:
            await play.step(step)
        visit_count += len(play.recorded)
    return TrajectoryCounts(len(referred), visit_count)
