"""The volunteer status machine as data (DOMAIN §3) and its conditions (R21)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Final

import pytest

from domain.errors import InvalidState
from domain.model.volunteer import (
    CONDITION_RUNNING_TRAJECTORIES,
    CONDITION_VOG_AND_TRAINING,
    VOLUNTEER_TRANSITIONS,
    Volunteer,
    VolunteerStatus,
)

V = VolunteerStatus
TODAY: Final = date(2027, 3, 15)
T0: Final = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
VOG: Final = date(2027, 1, 10)


def a_volunteer(
    *,
    status: VolunteerStatus = V.REGISTERED,
    vog_date: date | None = VOG,
    training_sessions: int = 3,
    running_trajectories: int = 0,
    capacity: int = 2,
    start_date: date | None = None,
) -> Volunteer:
    """By default she meets every condition, so only the table decides."""
    return Volunteer(
        id="5d0c6f0e-3c1a-4b8e-9a43-2f1e8a7b6c01",
        organisation="mim-demo",
        first_name="Testa",
        surname="Voorbeeld",
        phone="+31612345678",
        municipality="GM0363",
        languages=("nl",),
        created_at=T0,
        updated_at=T0,
        email="testa@example.org",
        capacity=capacity,
        status=status,
        vog_date=vog_date,
        running_trajectories=running_trajectories,
        training_sessions=training_sessions,
        start_date=start_date,
    )


# DOMAIN §3, written out: aangemeld → in_training → actief ⇄ inactief, aangemeld → actief
# directly, any → gestopt, gestopt final.
DOMAIN_TABLE: Final[dict[str, set[str]]] = {
    "aangemeld": {"in_training", "actief", "gestopt"},
    "in_training": {"actief", "gestopt"},
    "actief": {"inactief", "gestopt"},
    "inactief": {"actief", "gestopt"},
    "gestopt": set(),
}
MOVES: Final = [(s, t) for s in V for t in V if t in VOLUNTEER_TRANSITIONS[s]]
NOT_MOVES: Final = [
    (s, t) for s in V for t in V if t is not s and t not in VOLUNTEER_TRANSITIONS[s]
]
SAME: Final = [(s, s) for s in V]


def test_the_statuses_are_the_contracts_vrijwilliger_status() -> None:
    assert [s.value for s in V] == ["aangemeld", "in_training", "actief", "inactief", "gestopt"]


def test_the_table_is_the_domains_status_machine() -> None:
    table = {s.value: {t.value for t in targets} for s, targets in VOLUNTEER_TRANSITIONS.items()}
    assert table == DOMAIN_TABLE


def test_every_pair_is_a_move_a_refusal_or_a_repeat() -> None:
    # 5 statuses: 25 pairs = 9 moves + 11 refusals + 5 repeats
    assert (len(MOVES), len(NOT_MOVES), len(SAME)) == (9, 11, 5)


@pytest.mark.parametrize(("start", "target"), MOVES)
def test_a_move_in_the_table_succeeds(start: VolunteerStatus, target: VolunteerStatus) -> None:
    volunteer = a_volunteer(status=start)
    assert volunteer.change_status(target, today=TODAY) is True
    assert volunteer.status is target


@pytest.mark.parametrize(("start", "target"), NOT_MOVES)
def test_a_move_outside_the_table_is_refused_and_changes_nothing(
    start: VolunteerStatus, target: VolunteerStatus
) -> None:
    volunteer = a_volunteer(status=start)
    with pytest.raises(InvalidState) as refused:
        volunteer.change_status(target, today=TODAY)
    assert refused.value.code == "ongeldige-status"
    assert refused.value.condition is None
    assert (volunteer.status, volunteer.version) == (start, 1)
    assert (volunteer.start_date, volunteer.stopped_on) == (None, None)


@pytest.mark.parametrize(("start", "target"), SAME)
def test_repeating_the_current_status_is_no_move(
    start: VolunteerStatus, target: VolunteerStatus
) -> None:
    volunteer = a_volunteer(status=start, vog_date=None, training_sessions=0)
    assert volunteer.change_status(target, today=TODAY) is False
    assert (volunteer.status, volunteer.version) == (start, 1)
    assert (volunteer.start_date, volunteer.stopped_on) == (None, None)


def test_the_table_is_checked_before_the_conditions() -> None:
    # in_training → inactief is no move at all, whatever her VOG and sessions
    volunteer = a_volunteer(status=V.IN_TRAINING, vog_date=None, training_sessions=0)
    with pytest.raises(InvalidState) as refused:
        volunteer.change_status(V.INACTIVE, today=TODAY)
    assert refused.value.condition is None


@pytest.mark.parametrize("start", [V.ACTIVE, V.INACTIVE])
def test_a_running_trajectory_blocks_stopping(start: VolunteerStatus) -> None:
    volunteer = a_volunteer(status=start, running_trajectories=1)
    with pytest.raises(InvalidState) as refused:
        volunteer.change_status(V.STOPPED, today=TODAY)
    assert refused.value.code == "ongeldige-status"
    assert refused.value.condition == CONDITION_RUNNING_TRAJECTORIES == "lopende-trajecten"
    assert (volunteer.status, volunteer.stopped_on) == (start, None)


@pytest.mark.parametrize("start", [V.REGISTERED, V.IN_TRAINING, V.ACTIVE, V.INACTIVE])
def test_stopping_records_the_day(start: VolunteerStatus) -> None:
    volunteer = a_volunteer(status=start)
    volunteer.change_status(V.STOPPED, today=TODAY)
    assert volunteer.stopped_on == TODAY


@pytest.mark.parametrize("start", [V.REGISTERED, V.IN_TRAINING, V.INACTIVE])
@pytest.mark.parametrize(
    ("vog_date", "sessions"),
    [(None, 3), (None, 4), (VOG, 2), (VOG, 0), (None, 0)],
    ids=["no-vog", "no-vog-4", "two-sessions", "no-sessions", "neither"],
)
def test_actief_needs_a_vog_and_three_sessions(
    start: VolunteerStatus, vog_date: date | None, sessions: int
) -> None:
    volunteer = a_volunteer(status=start, vog_date=vog_date, training_sessions=sessions)
    with pytest.raises(InvalidState) as refused:
        volunteer.change_status(V.ACTIVE, today=TODAY)
    assert refused.value.code == "ongeldige-status"
    assert refused.value.condition == CONDITION_VOG_AND_TRAINING == "vog-en-training-vereist"
    assert (volunteer.status, volunteer.start_date) == (start, None)


@pytest.mark.parametrize("sessions", [3, 4])
def test_a_vog_and_at_least_three_sessions_make_her_actief(sessions: int) -> None:
    volunteer = a_volunteer(status=V.IN_TRAINING, training_sessions=sessions)
    assert volunteer.change_status(V.ACTIVE, today=TODAY) is True
    assert volunteer.status is V.ACTIVE


def test_the_first_actief_sets_the_start_date() -> None:
    volunteer = a_volunteer(status=V.REGISTERED)
    volunteer.change_status(V.ACTIVE, today=TODAY)
    assert volunteer.start_date == TODAY


def test_coming_back_from_inactief_keeps_the_first_start_date() -> None:
    first = TODAY - timedelta(days=200)
    volunteer = a_volunteer(status=V.INACTIVE, start_date=first)
    volunteer.change_status(V.ACTIVE, today=TODAY)
    assert volunteer.start_date == first


def test_a_status_change_leaves_the_version_to_touch() -> None:
    volunteer = a_volunteer(status=V.ACTIVE)
    volunteer.change_status(V.INACTIVE, today=TODAY)
    assert volunteer.version == 1
    later = T0 + timedelta(days=1)
    volunteer.touch(at=later)
    assert (volunteer.version, volunteer.updated_at) == (2, later)


@pytest.mark.parametrize(
    ("status", "running", "capacity", "free"),
    [
        (V.ACTIVE, 0, 2, True),
        (V.ACTIVE, 1, 2, True),
        (V.ACTIVE, 2, 2, False),
        (V.ACTIVE, 3, 2, False),
        (V.INACTIVE, 0, 2, False),
        (V.IN_TRAINING, 0, 2, False),
        (V.REGISTERED, 0, 2, False),
        (V.STOPPED, 0, 2, False),
    ],
)
def test_only_an_actief_volunteer_below_capacity_is_available(
    status: VolunteerStatus, running: int, capacity: int, free: bool
) -> None:
    volunteer = a_volunteer(status=status, running_trajectories=running, capacity=capacity)
    assert volunteer.has_free_capacity is free
    assert volunteer.is_available is free


def test_her_repr_shows_no_personal_data() -> None:
    text = repr(a_volunteer())
    for personal in ("Testa", "Voorbeeld", "+31612345678", "example.org", "date(2027, 1, 10)"):
        assert personal not in text
    assert "GM0363" in text
