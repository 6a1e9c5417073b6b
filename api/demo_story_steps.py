"""Playing a demo story on its trajectory for `make run`: each step (intake, match, visits,
extension, pause, closure) through the real use cases, matching from a pool of the active
volunteers that keeps count of their running and pinned trajectories.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any, Final

from api.demo_referrals import Timeline
from api.demo_stories import COORDINATOR, EXPLANATIONS, Demo, S, Story, volunteer_actor
from domain.model.calendar import add_months
from domain.model.trajectory import TrajectoryState
from domain.model.transition_rules import TransitionTrajectory
from domain.model.visit import (
    CorrectVisit,
    Location,
    PictureTheme,
    PraatpapierTopic,
    RecordVisit,
    VisitDetails,
    VisitKind,
)
from domain.services import lifecycle, visits
from domain.views.lifecycle import VisitView

# --- volunteers to match ---------------------------------------------------------------


@dataclass(slots=True)
class Candidate:
    """An active volunteer as the seeder keeps count of her: running trajectories and the
    matches pinned to her that are still to come."""

    id: str
    municipality: str
    languages: tuple[str, ...]
    capacity: int
    running: int
    pinned: int
    automatic: bool


@dataclass(slots=True)
class Pool:
    candidates: dict[str, Candidate] = field(default_factory=dict)

    def pinned(self, key: str) -> Candidate | None:
        found = self.candidates.get(key)
        if found is not None and found.running < found.capacity:
            found.pinned -= 1
            return found
        return None

    def choose(self, municipality: str, languages: Sequence[str], *, not_id: str = "") -> Candidate:
        """The free volunteer a coordinator would pick: shared language, same gemeente,
        fewest running trajectories."""

        def score(c: Candidate) -> tuple[int, int]:
            shared = 3 if set(c.languages) & set(languages) else 0
            local = 2 if c.municipality == municipality else 0
            return (-(shared + local), c.running)

        free = [
            c
            for c in self.candidates.values()
            if c.automatic and c.id != not_id and c.running + max(c.pinned, 0) < c.capacity
        ]
        if not free:
            raise RuntimeError("demo: geen vrijwilliger met ruimte")
        return min(free, key=score)


# --- playing a story -------------------------------------------------------------------

TOPICS: Final = tuple(PraatpapierTopic)
LOCATIONS: Final = (
    *[Location.HOME] * 12,
    Location.LIBRARY,
    Location.PLAYGROUND,
    Location.TOY_LIBRARY,
    Location.MAMA_CAFE,
    Location.ONLINE,
)
DURATIONS: Final = (60, 60, 70, 75, 75, 75, 80, 90, 90, 45, 100)
VISIT_NOTES: Final = (
    "Moeder wil vooral praten over het slaapritme.",
    "Samen naar het voorleesuurtje in de bibliotheek geweest.",
    "Moeder voelt zich zekerder; volgende keer over haar netwerk.",
    "Vragen over het consultatiebureau doorgenomen.",
    "Moeder heeft contact gelegd met een buurvrouw met een baby.",
    "Praatpapier over eten gebruikt; moeder probeert nieuwe hapjes.",
    "Afspraak verzet op verzoek van moeder.",
)
CLOSED_OUTCOMES: Final = ("doelen_eerder_bereikt", "doorverwezen_naar_andere_hulp")


def visit_dates(start: date, end: date, rng: random.Random) -> list[date]:
    """About monthly from the start, never after `end` (a visit is a past fact)."""
    found = [min(end, start + timedelta(days=rng.randint(0, 5)))]
    while (following := found[-1] + timedelta(days=rng.randint(24, 35))) <= end:
        found.append(following)
    return found


def details(on: date, following: date | None, rng: random.Random) -> VisitDetails:
    return VisitDetails(
        kind=VisitKind.HOME_VISIT,
        on=on,
        duration_minutes=rng.choice(DURATIONS),
        location=rng.choice(LOCATIONS).value,
        topics=tuple(t.value for t in rng.sample(TOPICS, k=rng.randint(2, 4))),
        picture_themes=(rng.choice(tuple(PictureTheme)).value,) if rng.random() < 0.3 else (),
        note=rng.choice(VISIT_NOTES) if rng.random() < 0.4 else None,
        next_visit_on=following,
    )


ENDINGS: Final = frozenset({"afgesloten", "stop", "pauze"})


@dataclass(slots=True)
class Play:
    """One story being played on one trajectory."""

    demo: Demo
    pool: Pool
    trajectory_id: str
    story: Story
    dates: Timeline
    municipality: str
    languages: tuple[str, ...]
    rng: random.Random
    volunteer: Candidate | None = None
    previous: str = ""  # the volunteer before a change
    recorded: list[tuple[str, VisitDetails]] = field(default_factory=list)
    schedule: list[date] = field(init=False)

    def __post_init__(self) -> None:
        self.schedule = visit_dates(self.dates.start, self.dates.end, self.rng)

    @property
    def ongoing(self) -> bool:
        return self.story.steps[-1].partition(":")[0] not in ENDINGS

    def phases(self) -> tuple[list[date], list[date], list[date]]:
        """The schedule split: the first visit kennismaking, the last one or two afsluiting."""
        rest = self.schedule[1:]
        closing = 0
        if "afsluiting" in self.story.steps:
            closing = 2 if "afgesloten" in self.story.steps and len(rest) > 12 else 1
        cut = len(rest) - closing
        return self.schedule[:1], rest[:cut], rest[cut:]

    async def move(self, target: TrajectoryState, **fields: Any) -> None:
        demo = self.demo
        await lifecycle.transition(
            TransitionTrajectory(self.trajectory_id, target, **fields),
            uow=demo.uow(),
            clock=demo.factory.clock,
            ids=demo.factory.ids,
            actor=COORDINATOR,
        )

    async def record(self, visit: VisitDetails) -> None:
        """By a pinned volunteer herself (the demo volunteer among them), else by the
        coordinator on the matched volunteer's behalf."""
        actor = COORDINATOR
        if self.volunteer is not None and not self.volunteer.automatic:
            actor = volunteer_actor(self.volunteer.id)
        demo = self.demo
        view = await visits.record(
            RecordVisit(self.trajectory_id, visit),
            uow=demo.uow(actor),
            clock=demo.factory.clock,
            ids=demo.factory.ids,
            actor=actor,
        )
        if isinstance(view, VisitView):
            self.recorded.append((view.visit.id, visit))

    async def record_all(self, days: Sequence[date]) -> None:
        for on in days:
            following = next((d for d in self.schedule if d > on), None)
            if following is None and self.ongoing:
                following = self.demo.today + timedelta(days=self.rng.randint(5, 21))
            await self.record(details(on, following, self.rng))

    def release(self) -> None:
        if self.volunteer is not None:
            self.volunteer.running -= 1
            self.previous, self.volunteer = self.volunteer.id, None

    def matched(self, chosen: Candidate) -> None:
        chosen.running += 1
        self.volunteer = chosen

    async def step(self, step: str) -> None:
        name, _, code = step.partition(":")
        await getattr(self, f"_{name}")(code)

    async def _intake(self, _: str) -> None:
        await self.move(S.INTAKE, intake_date=self.dates.intake)

    async def _wacht(self, _: str) -> None:
        indications = (self.rng.choice(("onzeker_opvoeding", "weinig_netwerk")),)
        await self.move(S.AWAITING_MATCH, contra_indications_checked=True, indications=indications)

    async def _match(self, _: str) -> None:
        pinned = self.story.volunteer
        chosen = self.pool.pinned(pinned) if pinned else None
        chosen = chosen or self.pool.choose(self.municipality, self.languages)
        criteria = ["capaciteit"]
        if set(chosen.languages) & set(self.languages):
            criteria.insert(0, "taal")
        if self.rng.random() < 0.2:
            criteria.append("voorkeur_moeder")
        await self.move(
            S.INTRODUCTION,
            volunteer_id=chosen.id,
            start_date=self.dates.start,
            match_criteria=tuple(criteria),
        )
        self.matched(chosen)

    async def _kennis(self, _: str) -> None:
        await self.record_all(self.phases()[0])

    async def _uitvoering(self, _: str) -> None:
        await self.move(S.EXECUTION)
        await self.record_all(self.phases()[1])

    async def _groep(self, _: str) -> None:
        on = max(self.dates.start, self.schedule[-1] - timedelta(days=self.rng.randint(7, 12)))
        meeting = VisitDetails(
            kind=VisitKind.GROUP_MEETING,
            on=on,
            duration_minutes=120,
            location=Location.MAMA_CAFE.value,
            topics=("steun_uit_netwerk", "voorzieningen_in_de_wijk"),
            note="Ontmoetingsgroep in het mama-café; moeder kwam met de kinderwagen.",
        )
        await self.record(meeting)

    async def _correctie(self, _: str) -> None:
        visit_id, original = self.recorded[min(2, len(self.recorded) - 1)]
        corrected = replace(original, duration_minutes=original.duration_minutes + 15)
        demo = self.demo
        await visits.correct(
            CorrectVisit(self.trajectory_id, visit_id, "Duur verkeerd ingevoerd.", corrected),
            uow=demo.uow(),
            clock=demo.factory.clock,
            ids=demo.factory.ids,
            actor=COORDINATOR,
        )

    async def _verlenging(self, reason: str) -> None:
        planned = add_months(self.dates.birth, 21)
        await self.move(S.EXECUTION, planned_end_date=planned, reason=reason)

    async def _afsluiting(self, _: str) -> None:
        await self.move(S.CLOSING)
        await self.record_all(self.phases()[2])

    async def _afgesloten(self, _: str) -> None:
        completed = len(self.phases()[1]) >= 12
        outcome = "volledig_doorlopen" if completed else self.rng.choice(CLOSED_OUTCOMES)
        await self.move(S.CLOSED, outcome=outcome, closed_date=self.dates.end)
        self.release()

    async def _pauze(self, reason: str) -> None:
        review = self.demo.today + timedelta(days=self.rng.randint(10, 35))
        await self.move(S.PAUSED, reason=reason, review_date=review)
        if reason == "vrijwilliger_wisselt":
            self.release()

    async def _hervat(self, _: str) -> None:
        chosen = self.pool.choose(self.municipality, self.languages, not_id=self.previous)
        await self.move(S.EXECUTION, volunteer_id=chosen.id)
        self.matched(chosen)

    async def _stop(self, reason: str) -> None:
        await self.move(S.STOPPED, reason=reason)
        self.release()

    async def _afwijzing(self, reason: str) -> None:
        await self.move(S.REJECTED, reason=reason, explanation=EXPLANATIONS.get(reason))
