"""Begeleiding (CONTRACT §11): its record rules, its effect on the volunteer, the 42 days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Final

import pytest

from domain.errors import FieldProblem
from domain.model.volunteer import (
    Supervision,
    SupervisionKind,
    SupervisionTopic,
    Volunteer,
    VolunteerStatus,
    supervision_problems,
)

K = SupervisionKind
TODAY: Final = date(2027, 3, 15)
T0: Final = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
RECORDED_AT: Final = datetime(2027, 3, 15, 14, 30, tzinfo=UTC)
VOLUNTEER_ID: Final = "5d0c6f0e-3c1a-4b8e-9a43-2f1e8a7b6c01"


def a_volunteer(
    *,
    running_trajectories: int = 1,
    last_individual_supervision: date | None = None,
    training_sessions: int = 0,
    status: VolunteerStatus = VolunteerStatus.ACTIVE,
) -> Volunteer:
    return Volunteer(
        id=VOLUNTEER_ID,
        organisation="mim-demo",
        first_name="Testa",
        surname="Voorbeeld",
        phone="+31612345678",
        municipality="GM0363",
        languages=("nl",),
        created_at=T0,
        updated_at=T0,
        status=status,
        vog_date=date(2027, 1, 10),
        running_trajectories=running_trajectories,
        training_sessions=training_sessions,
        last_individual_supervision=last_individual_supervision,
    )


def a_supervision(
    kind: SupervisionKind = K.INDIVIDUAL,
    *,
    on: date = TODAY,
    training_session: int | None = None,
    volunteer_id: str = VOLUNTEER_ID,
    note: str | None = None,
) -> Supervision:
    return Supervision(
        id="0b7f3a52-8d6e-4f1c-b2a9-7e5d4c3b2a10",
        volunteer_id=volunteer_id,
        kind=kind,
        on=on,
        duration_minutes=60,
        training_session=training_session,
        topics=(SupervisionTopic.TRAJECTORY_PROGRESS,),
        note=note,
        recorded_by_id="c3a1e7d2-6b4f-4a8e-9c0d-1e2f3a4b5c6d",
        recorded_by_role="coordinator",
        recorded_at=RECORDED_AT,
    )


def test_the_kinds_are_the_contracts_begeleiding_soort() -> None:
    assert [k.value for k in K] == ["individueel", "groep", "training"]


def test_the_topics_are_the_contracts_begeleiding_onderwerp() -> None:
    assert [t.value for t in SupervisionTopic] == [
        "voortgang_trajecten",
        "praatpapier",
        "beeldmateriaal",
        "rol_en_grenzen",
        "signaleren_en_meldcode",
        "eigen_welzijn",
        "overig",
    ]


# "No individual supervision in the last 42 days": a talk 42 days ago is within them.
@pytest.mark.parametrize(
    ("days_ago", "overdue"),
    [(0, False), (41, False), (42, False), (43, True), (100, True)],
)
def test_supervision_is_overdue_after_42_days(days_ago: int, overdue: bool) -> None:
    volunteer = a_volunteer(last_individual_supervision=TODAY - timedelta(days=days_ago))
    assert volunteer.supervision_overdue(TODAY) is overdue


def test_never_supervised_with_a_running_trajectory_is_overdue() -> None:
    assert a_volunteer(last_individual_supervision=None).supervision_overdue(TODAY) is True


@pytest.mark.parametrize("last", [None, TODAY - timedelta(days=100)])
def test_without_a_running_trajectory_nothing_is_overdue(last: date | None) -> None:
    volunteer = a_volunteer(running_trajectories=0, last_individual_supervision=last)
    assert volunteer.supervision_overdue(TODAY) is False


def test_an_individual_talk_sets_the_last_supervision_and_is_one_write() -> None:
    volunteer = a_volunteer(last_individual_supervision=TODAY - timedelta(days=50))
    volunteer.record_supervision(a_supervision(K.INDIVIDUAL), new_training_session=False)
    assert volunteer.last_individual_supervision == TODAY
    assert (volunteer.version, volunteer.updated_at) == (2, RECORDED_AT)
    assert volunteer.supervision_overdue(TODAY) is False


def test_a_talk_recorded_late_does_not_move_the_last_supervision_back() -> None:
    latest = TODAY - timedelta(days=5)
    volunteer = a_volunteer(last_individual_supervision=latest)
    volunteer.record_supervision(
        a_supervision(K.INDIVIDUAL, on=TODAY - timedelta(days=30)), new_training_session=False
    )
    assert volunteer.last_individual_supervision == latest
    assert volunteer.version == 2


# She attended sessions 1 and 2; session 2 again is no new session.
@pytest.mark.parametrize(("session", "new", "sessions"), [(3, True, 3), (2, False, 2)])
def test_a_training_counts_only_a_new_session_number(
    session: int, new: bool, sessions: int
) -> None:
    volunteer = a_volunteer(training_sessions=2, status=VolunteerStatus.IN_TRAINING)
    volunteer.record_supervision(
        a_supervision(K.TRAINING, training_session=session), new_training_session=new
    )
    assert volunteer.training_sessions == sessions
    assert volunteer.last_individual_supervision is None
    assert volunteer.version == 2


def test_a_group_meeting_changes_neither_talk_nor_sessions() -> None:
    volunteer = a_volunteer(training_sessions=1)
    volunteer.record_supervision(a_supervision(K.GROUP), new_training_session=True)
    assert (volunteer.last_individual_supervision, volunteer.training_sessions) == (None, 1)
    assert (volunteer.version, volunteer.updated_at) == (2, RECORDED_AT)


def test_three_recorded_sessions_open_the_way_to_actief() -> None:
    volunteer = a_volunteer(status=VolunteerStatus.IN_TRAINING, running_trajectories=0)
    for session in (1, 2, 3):
        volunteer.record_supervision(
            a_supervision(K.TRAINING, training_session=session), new_training_session=True
        )
    assert volunteer.change_status(VolunteerStatus.ACTIVE, today=TODAY) is True
    assert (volunteer.training_sessions, volunteer.version) == (3, 4)


def test_another_volunteers_record_is_refused() -> None:
    volunteer = a_volunteer()
    other = a_supervision(volunteer_id="9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d")
    with pytest.raises(ValueError, match="andere vrijwilliger"):
        volunteer.record_supervision(other, new_training_session=False)
    assert volunteer.version == 1


def test_the_note_never_shows_in_a_repr() -> None:
    text = repr(a_supervision(note="Vertelde over haar eigen zorgen"))
    assert "zorgen" not in text
    assert "individueel" in text


def problems_of(
    kind: SupervisionKind,
    *,
    on: date = TODAY,
    duration_minutes: int = 60,
    training_session: int | None = None,
) -> list[tuple[str, str]]:
    found = supervision_problems(
        kind,
        on=on,
        duration_minutes=duration_minutes,
        training_session=training_session,
        today=TODAY,
    )
    return [(p.name, p.code) for p in found]


@pytest.mark.parametrize(
    ("kind", "session"),
    [(K.TRAINING, 1), (K.TRAINING, 4), (K.INDIVIDUAL, None), (K.GROUP, None)],
)
def test_a_well_formed_record_has_no_problems(kind: SupervisionKind, session: int | None) -> None:
    assert problems_of(kind, training_session=session) == []


def test_a_training_needs_its_session_number() -> None:
    assert problems_of(K.TRAINING) == [("trainingsbijeenkomst", "verplicht")]


@pytest.mark.parametrize("kind", [K.INDIVIDUAL, K.GROUP])
def test_a_session_number_belongs_only_to_a_training(kind: SupervisionKind) -> None:
    assert problems_of(kind, training_session=2) == [("trainingsbijeenkomst", "ongeldige-waarde")]


@pytest.mark.parametrize("session", [0, 5])
def test_a_session_number_is_one_to_four(session: int) -> None:
    assert problems_of(K.TRAINING, training_session=session) == [
        ("trainingsbijeenkomst", "ongeldige-waarde")
    ]


@pytest.mark.parametrize(("days", "problems"), [(0, []), (1, [("datum", "ongeldige-waarde")])])
def test_the_date_is_a_past_fact(days: int, problems: list[tuple[str, str]]) -> None:
    assert problems_of(K.INDIVIDUAL, on=TODAY + timedelta(days=days)) == problems


@pytest.mark.parametrize(
    ("minutes", "problems"),
    [
        (14, [("duurMinuten", "ongeldige-waarde")]),
        (15, []),
        (480, []),
        (481, [("duurMinuten", "ongeldige-waarde")]),
    ],
)
def test_the_duration_is_15_to_480_minutes(minutes: int, problems: list[tuple[str, str]]) -> None:
    assert problems_of(K.GROUP, duration_minutes=minutes) == problems


def test_every_problem_is_listed_in_order() -> None:
    found = supervision_problems(
        K.TRAINING,
        on=TODAY + timedelta(days=1),
        duration_minutes=5,
        training_session=None,
        today=TODAY,
    )
    assert [(p.name, p.code) for p in found] == [
        ("trainingsbijeenkomst", "verplicht"),
        ("datum", "ongeldige-waarde"),
        ("duurMinuten", "ongeldige-waarde"),
    ]
    assert all(isinstance(p, FieldProblem) and p.reason for p in found)
