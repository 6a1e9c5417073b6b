"""Intake rules R1 and R2 (DOMAIN §10) and the referrer's status view (CONTRACT §8.3)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

import pytest

from domain.model.referral import ConsentScope, RegisterReferral, intake_problems
from domain.model.trajectory import TrajectoryState
from domain.policy import Role
from domain.views import ReferralStatusView
from tests.fakes import a_consent, a_referral, a_register_command, a_trajectory, an_actor

TODAY: Final = date(2026, 11, 24)
TWO_MONTHS_OLD: Final = date(2026, 9, 24)
# Born 2025-04-01: 18 months on 2026-10-01, so on TODAY the child is too old.
TOO_OLD: Final = date(2025, 4, 1)
DAY: Final = timedelta(days=1)


def _problems(cmd: RegisterReferral, *, today: date = TODAY) -> list[tuple[str, str]]:
    return [(p.code, p.name) for p in intake_problems(cmd, today=today)]


def test_a_complete_referral_breaks_no_rule() -> None:
    assert _problems(a_register_command(birth_date=TWO_MONTHS_OLD)) == []


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (a_register_command(no_consent=True), ("geen-toestemming", "toestemming")),
        (
            a_register_command(consent=a_consent(given=False)),
            ("geen-toestemming", "toestemming.gegeven"),
        ),
        (
            a_register_command(consent=a_consent(given=None)),
            ("geen-toestemming", "toestemming.gegeven"),
        ),
        (
            a_register_command(consent=a_consent(scopes=[ConsentScope.FEEDBACK_TO_REFERRER])),
            ("geen-toestemming", "toestemming.scope"),
        ),
        (
            a_register_command(consent=a_consent(scopes=[])),
            ("geen-toestemming", "toestemming.scope"),
        ),
        (a_register_command(first_child=False), ("geen-eerste-kind", "kind.eersteKind")),
        (a_register_command(birth_date=TOO_OLD), ("kind-te-oud", "kind.geboortedatum")),
    ],
)
def test_each_broken_intake_rule_is_named_with_its_field(
    command: RegisterReferral, expected: tuple[str, str]
) -> None:
    # DOMAIN R1, R2; CONTRACT §8.1: a missing block, false `gegeven` or no delen_met_mim
    assert _problems(command) == [expected]


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (
            a_register_command(no_consent=True, first_child=False, birth_date=TOO_OLD),
            ["geen-toestemming", "geen-eerste-kind", "kind-te-oud"],
        ),
        (
            a_register_command(no_consent=True, first_child=False),
            ["geen-toestemming", "geen-eerste-kind"],
        ),
        (
            a_register_command(no_consent=True, birth_date=TOO_OLD),
            ["geen-toestemming", "kind-te-oud"],
        ),
        (
            a_register_command(first_child=False, birth_date=TOO_OLD),
            ["geen-eerste-kind", "kind-te-oud"],
        ),
    ],
)
def test_broken_rules_are_all_listed_in_the_contracts_order(
    command: RegisterReferral, expected: list[str]
) -> None:
    # CONTRACT §4 "Validation order": geen-toestemming, geen-eerste-kind, kind-te-oud
    assert [code for code, _ in _problems(command)] == expected


# Births and their 18-month dates, month ends clamped (DOMAIN conventions, CONTRACT §1).
EIGHTEEN_MONTHS: Final = [
    (date(2025, 8, 31), date(2027, 2, 28)),
    (date(2026, 8, 30), date(2028, 2, 29)),
    (date(2025, 12, 31), date(2027, 6, 30)),
    (date(2026, 3, 31), date(2027, 9, 30)),
    (date(2025, 5, 15), date(2026, 11, 15)),
]


def _born(birth: date) -> RegisterReferral:
    return a_register_command(birth_date=birth, consent=a_consent(on=birth))


@pytest.mark.parametrize(("birth", "eighteen_months"), EIGHTEEN_MONTHS)
def test_a_referral_the_day_before_the_18_month_date_is_accepted(
    birth: date, eighteen_months: date
) -> None:
    assert _problems(_born(birth), today=eighteen_months - DAY) == []


@pytest.mark.parametrize(("birth", "eighteen_months"), EIGHTEEN_MONTHS)
@pytest.mark.parametrize("days_after", [0, 1, 400])
def test_a_referral_on_or_after_the_18_month_date_is_kind_te_oud(
    birth: date, eighteen_months: date, days_after: int
) -> None:
    today = eighteen_months + timedelta(days=days_after)
    found = _problems(_born(birth), today=today)
    assert found == [("kind-te-oud", "kind.geboortedatum")]


def test_a_child_born_today_is_accepted() -> None:
    assert _problems(a_register_command(birth_date=TODAY, consent=a_consent(on=TODAY))) == []


@pytest.mark.parametrize("days_ahead", [1, 365 * 3])
def test_a_birth_date_in_the_future_is_ongeldige_waarde_not_kind_te_oud(days_ahead: int) -> None:
    born = TODAY + timedelta(days=days_ahead)
    found = _problems(a_register_command(birth_date=born))
    assert found == [("ongeldige-waarde", "kind.geboortedatum")]


def test_a_consent_date_in_the_future_is_ongeldige_waarde() -> None:
    found = _problems(a_register_command(consent=a_consent(on=TODAY + DAY)))
    assert found == [("ongeldige-waarde", "toestemming.datum")]


def test_a_consent_given_today_is_accepted() -> None:
    assert _problems(a_register_command(consent=a_consent(on=TODAY))) == []


# --- the status view ------------------------------------------------------------------

REFERRAL_ID: Final = "00000000-0000-4000-8000-0000000000a1"
TRAJECTORY_ID: Final = "00000000-0000-4000-8000-0000000000b1"


def _view(
    role: Role,
    *,
    feedback: bool = True,
    state: TrajectoryState = TrajectoryState.REGISTERED,
    reason: str | None = None,
    outcome: str | None = None,
    started: bool = False,
) -> ReferralStatusView:
    referral = a_referral(referral_id=REFERRAL_ID, feedback_allowed=feedback)
    # the view follows the trajectory's consent, which a PATCH may narrow (CONTRACT §9.3)
    scopes = (ConsentScope.SHARE_WITH_MIM,)
    trajectory = a_trajectory(
        trajectory_id=TRAJECTORY_ID,
        referral_id=REFERRAL_ID,
        state=state,
        reason=reason,
        outcome=outcome,
        start_date=date(2026, 10, 1) if started else None,
        consent=a_consent(scopes=scopes) if not feedback else None,
    )
    return ReferralStatusView.of(referral, trajectory, an_actor(role))


def test_a_referrer_never_sees_the_traject_id() -> None:
    assert _view(Role.REFERRER).trajectory_id is None


def test_a_host_coordinator_sees_the_traject_id() -> None:
    assert _view(Role.COORDINATOR).trajectory_id == TRAJECTORY_ID


@pytest.mark.parametrize("role", [Role.REFERRER, Role.COORDINATOR])
def test_without_feedback_consent_status_and_reason_are_null(role: Role) -> None:
    view = _view(role, feedback=False, state=TrajectoryState.REJECTED, reason="geen_behoefte")
    assert (view.feedback_allowed, view.status, view.reason) == (False, None, None)


@pytest.mark.parametrize(
    ("state", "reason", "outcome", "started", "expected"),
    [
        (TrajectoryState.REGISTERED, None, None, False, ("ontvangen", None)),
        (TrajectoryState.PAUSED, "ziekte", None, True, ("gestart", None)),
        (TrajectoryState.REJECTED, "contra_indicatie", None, False, ("niet_gestart", "overig")),
        (TrajectoryState.REJECTED, "geen_behoefte", None, False, ("niet_gestart", "geen_behoefte")),
        (TrajectoryState.STOPPED, "meldcode", None, True, ("afgerond", "overig")),
        (TrajectoryState.STOPPED, "verhuisd", None, False, ("niet_gestart", "verhuisd")),
        (
            TrajectoryState.CLOSED,
            None,
            "volledig_doorlopen",
            True,
            ("afgerond", "volledig_doorlopen"),
        ),
    ],
)
def test_with_feedback_consent_the_referrer_sees_status_and_a_masked_reason_at_the_end(
    state: TrajectoryState,
    reason: str | None,
    outcome: str | None,
    started: bool,
    expected: tuple[str, str | None],
) -> None:
    view = _view(Role.REFERRER, state=state, reason=reason, outcome=outcome, started=started)
    assert (view.status, view.reason) == expected
