"""The in-memory Meldcode repository of tests.fakes.FakeUnitOfWork."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from domain.model.meldcode import MeldcodeCase, Signal, Step
from domain.model.trajectory import Trajectory
from domain.views.meldcode import CaseFilter


class FakeMeldcodeRepository:
    """`rows` gives the open transaction's copy: `cases`, `signals`, `steps` and
    `trajectories`, dicts by id; `track` registers a case whose events commit publishes."""

    def __init__(self, rows: Callable[[], Any], track: Callable[[MeldcodeCase], None]) -> None:
        self._rows, self._track = rows, track

    def add(self, case: MeldcodeCase) -> None:
        if any(c.trajectory_id == case.trajectory_id and c.open for c in self._cases()):
            raise AssertionError("two open cases for one trajectory")
        self._rows().cases[case.id] = case
        self._track(case)

    def _cases(self) -> list[MeldcodeCase]:
        cases: dict[str, MeldcodeCase] = self._rows().cases
        return list(cases.values())

    async def get(self, case_id: str) -> MeldcodeCase | None:
        found: MeldcodeCase | None = self._rows().cases.get(case_id)
        if found is not None:
            self._track(found)
        return found

    async def open_for(self, trajectory_id: str) -> MeldcodeCase | None:
        for case in self._cases():
            if case.trajectory_id == trajectory_id and case.open:
                self._track(case)
                return case
        return None

    async def page(
        self, selection: CaseFilter, *, after: tuple[datetime, str] | None, limit: int
    ) -> Sequence[MeldcodeCase]:
        def selected(c: MeldcodeCase) -> bool:
            return (
                c.organisation == selection.organisation
                and (selection.municipalities is None or c.municipality in selection.municipalities)
                and (not selection.statuses or c.status in selection.statuses)
                and selection.trajectory_id in (None, c.trajectory_id)
                and (after is None or (c.opened_at, c.id) < after)
            )

        found = sorted(filter(selected, self._cases()), key=lambda c: (c.opened_at, c.id))
        return found[::-1][:limit]

    def add_signal(self, signal: Signal) -> None:
        self._rows().signals[signal.id] = signal

    async def signal(self, signal_id: str) -> tuple[Signal, MeldcodeCase] | None:
        found: Signal | None = self._rows().signals.get(signal_id)
        if found is None:
            return None
        return found, self._rows().cases[found.case_id]

    async def signals(self, case_id: str) -> Sequence[Signal]:
        signals: dict[str, Signal] = self._rows().signals
        found = [s for s in signals.values() if s.case_id == case_id]
        return sorted(found, key=lambda s: (s.reported_at, s.id))

    def add_step(self, step: Step) -> None:
        self._rows().steps[step.id] = step

    async def step(self, case_id: str, step_id: str) -> Step | None:
        found: Step | None = self._rows().steps.get(step_id)
        return found if found is not None and found.case_id == case_id else None

    async def steps(self, case_id: str, *, after: int, limit: int) -> Sequence[Step]:
        steps: dict[str, Step] = self._rows().steps
        found = [s for s in steps.values() if s.case_id == case_id and s.sequence > after]
        return sorted(found, key=lambda s: s.sequence)[:limit]

    def mark_trajectory(
        self, trajectory_id: str, *, open_case: bool, held_until: date | None
    ) -> None:
        trajectory: Trajectory = self._rows().trajectories[trajectory_id]
        trajectory.meldcode_case_open, trajectory.held_until = open_case, held_until
