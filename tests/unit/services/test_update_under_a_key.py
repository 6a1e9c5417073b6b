"""The merge-patch use cases under an idempotency key (GraphQL's `trajectBijwerken`): the
outcome is stored in the transaction of the change, and a repeat replays it unchanged."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from domain.model.trajectory_patch import UpdateTrajectory
from domain.policy import Role
from domain.ports import IdempotencyClaim, StoredResponse
from domain.services import trajectories
from domain.services.once import Once, Replayed
from domain.views import TrajectoryView
from tests.fakes import (
    T0,
    FakeClock,
    FakeUnitOfWork,
    a_referral,
    a_trajectory,
    an_actor,
    as_unit_of_work,
)

CLOCK: Final = FakeClock(T0 + timedelta(days=1))
COORDINATOR: Final = an_actor(Role.COORDINATOR)
REFERRAL_ID: Final = "00000000-0000-4000-8000-000000000001"
TRAJECTORY_ID: Final = "00000000-0000-4000-8000-000000000002"
CLAIM: Final = IdempotencyClaim(scope="s" * 64, fingerprint="f" * 64)


def _seeded() -> FakeUnitOfWork:
    uow = FakeUnitOfWork(clock=CLOCK)
    uow.seed(
        a_referral(referral_id=REFERRAL_ID),
        a_trajectory(trajectory_id=TRAJECTORY_ID, referral_id=REFERRAL_ID),
    )
    return uow


def _once() -> Once[TrajectoryView]:
    return Once(CLAIM, lambda view: StoredResponse(200, {"versie": view.version}))


def _patch(version: int) -> UpdateTrajectory:
    return UpdateTrajectory(
        TRAJECTORY_ID, expected_version=version, mother={"interpreter_needed": True}
    )


async def _update(uow: FakeUnitOfWork, version: int) -> TrajectoryView | Replayed:
    return await trajectories.update(
        _patch(version), uow=as_unit_of_work(uow), clock=CLOCK, actor=COORDINATOR, once=_once()
    )


async def test_the_outcome_is_stored_in_the_commit_of_the_change() -> None:
    uow = _seeded()

    outcome = await _update(uow, version=1)

    assert isinstance(outcome, TrajectoryView)
    assert outcome.version == 2
    assert uow.commits == 1  # the change and its stored outcome: one transaction
    assert uow.idempotency.records[CLAIM.scope] == (
        CLAIM.fingerprint,
        StoredResponse(200, {"versie": 2}),
    )
    assert uow.stored_trajectories[0].version == 2


async def test_a_repeat_replays_the_stored_outcome_and_changes_nothing() -> None:
    uow = _seeded()
    await _update(uow, version=1)

    again = await _update(uow, version=1)

    assert again == Replayed(StoredResponse(200, {"versie": 2}))
    assert uow.commits == 1
    assert uow.stored_trajectories[0].version == 2
