"""The trajectory state machine as data (STYLE §5), the referrer's view and masking."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Final

import pytest

from domain.model.trajectory import (
    ACTIVE,
    TERMINAL,
    TRANSITIONS,
    FeedbackStatus,
    TrajectoryState,
    feedback_status,
    mask_reason,
)
from domain.policy import Role, Scope
from domain.views import TrajectoryView
from tests.fakes import a_trajectory, an_actor

S = TrajectoryState

# CONTRACT §7 `TrajectStatus`, and §9.4: "Active = aangemeld…afsluiting and onderbroken;
# terminal = afgesloten, afgewezen, gestopt".
CONTRACT_STATES: Final = (
    "aangemeld",
    "intake",
    "wacht_op_match",
    "kennismaking",
    "uitvoering",
    "afsluiting",
    "afgesloten",
    "afgewezen",
    "gestopt",
    "onderbroken",
)
CONTRACT_ACTIVE: Final = (
    "aangemeld",
    "intake",
    "wacht_op_match",
    "kennismaking",
    "uitvoering",
    "afsluiting",
    "onderbroken",
)
CONTRACT_TERMINAL: Final = ("afgesloten", "afgewezen", "gestopt")

# CONTRACT §9.4, one entry per row of "From → to", in the table's order.
CONTRACT_9_4: Final[tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]] = (
    (("aangemeld",), ("intake",)),
    (("aangemeld", "intake"), ("afgewezen",)),
    (("intake",), ("wacht_op_match",)),
    (("wacht_op_match",), ("kennismaking",)),
    (("kennismaking",), ("uitvoering",)),
    (("uitvoering",), ("uitvoering",)),  # verlenging
    (("uitvoering",), ("afsluiting",)),
    (("afsluiting",), ("afgesloten",)),
    (("onderbroken",), ("onderbroken",)),  # vrijwilliger wisselt
    (("kennismaking", "uitvoering", "afsluiting"), ("onderbroken",)),
    (("onderbroken",), ("kennismaking", "uitvoering", "afsluiting")),  # the phase it left
    (CONTRACT_ACTIVE, ("gestopt",)),  # any active
    (("kennismaking", "uitvoering", "onderbroken"), ("afsluiting",)),  # systeem
)


def _contract_table() -> dict[str, set[str]]:
    table: dict[str, set[str]] = defaultdict(set)
    for sources, targets in CONTRACT_9_4:
        for source in sources:
            table[source].update(targets)
    return {state: table.get(state, set()) for state in CONTRACT_STATES}


def test_the_states_are_the_contracts_traject_status() -> None:
    assert [s.value for s in TrajectoryState] == list(CONTRACT_STATES)


def test_active_and_terminal_states_are_the_contracts() -> None:
    assert sorted(s.value for s in ACTIVE) == sorted(CONTRACT_ACTIVE)
    assert sorted(s.value for s in TERMINAL) == sorted(CONTRACT_TERMINAL)


def test_the_transition_table_is_the_contracts_table() -> None:
    ours = {state.value: {t.value for t in targets} for state, targets in TRANSITIONS.items()}
    assert ours == _contract_table()


@pytest.mark.parametrize("state", sorted(TERMINAL))
def test_a_terminal_state_has_no_moves(state: TrajectoryState) -> None:
    assert TRANSITIONS[state] == frozenset()


@pytest.mark.parametrize("state", list(TrajectoryState))
def test_afgewezen_is_reachable_only_from_aangemeld_and_intake(state: TrajectoryState) -> None:
    # DOMAIN R4
    assert (S.REJECTED in TRANSITIONS[state]) is (state in {S.REGISTERED, S.INTAKE})


@pytest.mark.parametrize("state", sorted(ACTIVE))
def test_every_active_state_can_stop(state: TrajectoryState) -> None:
    assert S.STOPPED in TRANSITIONS[state]


# DOMAIN §2 "Illegal transitions to test" that the table alone refuses (the other two,
# resuming into another phase and kennismaking→afsluiting by a user, are guards).
ILLEGAL: Final = [
    (S.REGISTERED, S.AWAITING_MATCH),
    (S.INTAKE, S.INTRODUCTION),
    (S.AWAITING_MATCH, S.EXECUTION),
    (S.EXECUTION, S.CLOSED),
    (S.EXECUTION, S.INTRODUCTION),
    (S.CLOSING, S.EXECUTION),
    (S.AWAITING_MATCH, S.REJECTED),
    (S.INTAKE, S.PAUSED),
    (S.PAUSED, S.CLOSED),
    *[(terminal, target) for terminal in sorted(TERMINAL) for target in TrajectoryState],
]


@pytest.mark.parametrize(("start", "target"), ILLEGAL)
def test_an_illegal_move_is_not_in_the_table(
    start: TrajectoryState, target: TrajectoryState
) -> None:
    assert target not in TRANSITIONS[start]


# --- the referrer's view (CONTRACT §8.3) ----------------------------------------------


@pytest.mark.parametrize(
    ("state", "started", "expected"),
    [
        (S.REGISTERED, False, "ontvangen"),
        (S.INTAKE, False, "in_behandeling"),
        (S.AWAITING_MATCH, False, "in_behandeling"),
        (S.INTRODUCTION, True, "gestart"),
        (S.EXECUTION, True, "gestart"),
        (S.CLOSING, True, "gestart"),
        (S.PAUSED, True, "gestart"),  # an interruption never shows
        (S.CLOSED, True, "afgerond"),
        (S.STOPPED, True, "afgerond"),  # gestopt after kennismaking began
        (S.STOPPED, False, "niet_gestart"),  # gestopt before kennismaking
        (S.REJECTED, False, "niet_gestart"),
    ],
)
def test_the_referrer_sees_the_contracts_status_for_each_state(
    state: TrajectoryState, started: bool, expected: str
) -> None:
    assert feedback_status(state, started=started) == FeedbackStatus(expected)


@pytest.mark.parametrize(
    ("start_date", "expected"),
    [(None, FeedbackStatus.NOT_STARTED), (date(2026, 10, 1), FeedbackStatus.FINISHED)],
)
def test_a_stopped_trajectory_counts_as_started_once_it_has_a_startdatum(
    start_date: date | None, expected: FeedbackStatus
) -> None:
    trajectory = a_trajectory(
        trajectory_id="00000000-0000-4000-8000-000000000001",
        state=S.STOPPED,
        start_date=start_date,
        reason="verhuisd",
    )
    assert trajectory.feedback is expected


# --- masking (CONTRACT §7, DOMAIN R6) -------------------------------------------------

SENSITIVE: Final = ("meldcode", "ziekte", "contra_indicatie")
PLAIN: Final = (
    "verhuizing",
    "geen_behoefte",
    "vrijwilliger_wisselt",
    "volledig_doorlopen",
    "overig",
)


@pytest.mark.parametrize("reason", SENSITIVE)
def test_a_sensitive_reason_reads_as_overig_without_meldcode_behandelen(reason: str) -> None:
    assert mask_reason(reason, unmasked=False) == "overig"


@pytest.mark.parametrize("reason", SENSITIVE + PLAIN)
def test_with_meldcode_behandelen_every_reason_reads_as_stored(reason: str) -> None:
    assert mask_reason(reason, unmasked=True) == reason


@pytest.mark.parametrize("reason", PLAIN)
def test_other_reasons_are_never_masked(reason: str) -> None:
    assert mask_reason(reason, unmasked=False) == reason


@pytest.mark.parametrize("unmasked", [True, False])
def test_no_reason_stays_no_reason(unmasked: bool) -> None:
    assert mask_reason(None, unmasked=unmasked) is None


@pytest.mark.parametrize(
    ("role", "scopes", "expected"),
    [
        (Role.COORDINATOR, None, "ziekte"),
        (Role.COORDINATOR, [Scope.TRAJECTORIES_READ], "overig"),
        (Role.SAFEGUARDING_ADVISER, None, "ziekte"),
        (Role.VOLUNTEER, None, "overig"),
        # a volunteer is masked always (CONTRACT §9.2), even if a token claimed more
        (Role.VOLUNTEER, [Scope.TRAJECTORIES_READ, Scope.MELDCODE_HANDLE], "overig"),
    ],
)
def test_the_trajectory_view_masks_the_reason_by_the_readers_scopes(
    role: Role, scopes: list[Scope] | None, expected: str
) -> None:
    trajectory = a_trajectory(
        trajectory_id="00000000-0000-4000-8000-000000000002",
        state=S.PAUSED,
        reason="ziekte",
        volunteer_id="v-1",
    )
    actor = an_actor(role, scopes=scopes, volunteer_id="v-1")
    view = TrajectoryView.of(trajectory, actor, today=date(2026, 11, 24))
    assert view.reason == expected
