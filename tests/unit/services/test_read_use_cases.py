"""Read use cases on the fakes: tenancy (CONTRACT §3), one audit entry per returned subject
(§15, DOMAIN R38), and which events each role's feed carries (§13.1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, ClassVar, Final

import pytest

from domain.errors import Forbidden, NotFound, RuleViolation
from domain.events import Audience, DomainEvent, ReferralReceived
from domain.model.audit import AuditAction, Purpose, SubjectKind
from domain.model.trajectory import TrajectoryState
from domain.policy import Actor, Role, Scope
from domain.services import events, referrals, trajectories
from domain.views import Page, TrajectoryView
from tests.fakes import (
    HOST,
    OTHER_HOST,
    OTHER_REFERRER_ORG,
    REFERRER_ORG,
    T0,
    WEST_HOST,
    FakeClock,
    FakeUnitOfWork,
    a_referral,
    a_trajectory,
    an_actor,
    as_unit_of_work,
)

S = TrajectoryState
CLOCK: Final = FakeClock(T0 + timedelta(days=1))


def _id(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012x}"


def _seed_referral(
    uow: FakeUnitOfWork,
    n: int,
    *,
    reference: str = "CB-TEST-0001",
    referrer_org: str = REFERRER_ORG,
    host: str = HOST,
    municipality: str = "GM0363",
) -> tuple[str, str]:
    """A referral with id `n` and its trajectory with id `n + 1000`; returns both ids."""
    referral_id, trajectory_id = _id(n), _id(n + 1000)
    uow.seed(
        a_referral(
            referral_id=referral_id,
            reference=reference,
            referrer_org=referrer_org,
            host=host,
            municipality=municipality,
            received_at=T0 + timedelta(minutes=n),
        ),
        a_trajectory(
            trajectory_id=trajectory_id,
            referral_id=referral_id,
            organisation=host,
            municipality=municipality,
        ),
    )
    return referral_id, trajectory_id


# --- referrals.status -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "purpose"),
    [(an_actor(Role.REFERRER), Purpose.FEEDBACK), (an_actor(Role.COORDINATOR), Purpose.INTAKE)],
)
async def test_the_status_of_an_own_referral_is_read_and_audited_once(
    actor: Actor, purpose: Purpose
) -> None:
    uow = FakeUnitOfWork()
    referral_id, trajectory_id = _seed_referral(uow, 1)
    view = await referrals.status(referral_id, uow=as_unit_of_work(uow), actor=actor)
    [entry] = uow.audit.entries
    assert view.id == referral_id
    assert (entry.action, entry.purpose, entry.search) == (AuditAction.READ, purpose, False)
    assert (entry.subject_kind, entry.subject_id) == (SubjectKind.MOTHER_AND_CHILD, trajectory_id)
    assert (entry.resource, entry.resource_id, entry.organisation) == (
        "verwijzing",
        referral_id,
        HOST,
    )


NOT_THEIRS: Final = {
    "another referrer": an_actor(Role.REFERRER, org=OTHER_REFERRER_ORG),
    "a coordinator of another host serving the same gemeente": an_actor(
        Role.COORDINATOR, org=WEST_HOST
    ),
    "a coordinator narrowed to another gemeente": an_actor(
        Role.COORDINATOR, municipalities=["GM0344"]
    ),
}


@pytest.mark.parametrize("actor", NOT_THEIRS.values(), ids=NOT_THEIRS.keys())
async def test_the_status_of_someone_elses_referral_is_not_found_and_not_audited(
    actor: Actor,
) -> None:
    uow = FakeUnitOfWork()
    referral_id, _ = _seed_referral(uow, 1)
    with pytest.raises(NotFound):
        await referrals.status(referral_id, uow=as_unit_of_work(uow), actor=actor)
    assert (uow.committed, uow.audit.entries) == (False, [])


async def test_the_status_of_an_unknown_referral_is_not_found() -> None:
    uow = FakeUnitOfWork()
    with pytest.raises(NotFound):
        await referrals.status(_id(99), uow=as_unit_of_work(uow), actor=an_actor(Role.REFERRER))
    assert uow.audit.entries == []


@pytest.mark.parametrize(
    "actor",
    [
        an_actor(Role.VOLUNTEER, volunteer_id="v-1"),
        an_actor(Role.SAFEGUARDING_ADVISER),
        an_actor(Role.REFERRER, scopes=[Scope.REFERRALS_CREATE]),
    ],
)
async def test_a_status_read_without_role_or_scope_is_forbidden(actor: Actor) -> None:
    uow = FakeUnitOfWork()
    referral_id, _ = _seed_referral(uow, 1)
    with pytest.raises(Forbidden):
        await referrals.status(referral_id, uow=as_unit_of_work(uow), actor=actor)
    assert (uow.committed, uow.audit.entries) == (False, [])


# --- referrals.find -------------------------------------------------------------------


async def test_a_referrer_finds_only_its_own_referrals_and_each_is_audited_as_a_search() -> None:
    uow = FakeUnitOfWork()
    own = [_seed_referral(uow, n) for n in (1, 2)]  # same reference, older and newer
    _seed_referral(uow, 3, referrer_org=OTHER_REFERRER_ORG)
    _seed_referral(uow, 4, reference="CB-TEST-ANDERS")
    found = await referrals.find(
        "CB-TEST-0001", uow=as_unit_of_work(uow), actor=an_actor(Role.REFERRER)
    )
    assert [v.id for v in found] == [own[1][0], own[0][0]]  # newest first
    assert [(e.subject_id, e.search) for e in uow.audit.entries] == [
        (own[1][1], True),
        (own[0][1], True),
    ]


async def test_a_coordinator_finds_her_organisations_referrals_whoever_sent_them() -> None:
    uow = FakeUnitOfWork()
    first = _seed_referral(uow, 1)
    second = _seed_referral(uow, 2, referrer_org=OTHER_REFERRER_ORG)
    _seed_referral(uow, 3, host=WEST_HOST)
    _seed_referral(uow, 4, host=OTHER_HOST, municipality="GM0599")
    found = await referrals.find(
        "CB-TEST-0001", uow=as_unit_of_work(uow), actor=an_actor(Role.COORDINATOR)
    )
    assert sorted(v.id for v in found) == sorted([first[0], second[0]])
    assert sorted(e.subject_id or "" for e in uow.audit.entries) == sorted([first[1], second[1]])


async def test_finding_nothing_writes_no_audit_entry() -> None:
    uow = FakeUnitOfWork()
    _seed_referral(uow, 1)
    found = await referrals.find(
        "CB-TEST-ONBEKEND", uow=as_unit_of_work(uow), actor=an_actor(Role.REFERRER)
    )
    assert (list(found), uow.audit.entries) == ([], [])


# --- trajectories.get -----------------------------------------------------------------


@pytest.mark.parametrize(
    "role", [Role.COORDINATOR, Role.SAFEGUARDING_ADVISER, Role.ACCOUNTABLE_OFFICER]
)
async def test_a_host_reader_gets_an_own_trajectory_audited_once(role: Role) -> None:
    uow = FakeUnitOfWork()
    uow.seed(a_trajectory(trajectory_id=_id(1)))
    view = await trajectories.get(
        _id(1), uow=as_unit_of_work(uow), clock=CLOCK, actor=an_actor(role)
    )
    [entry] = uow.audit.entries
    assert view.id == _id(1)
    assert (entry.action, entry.purpose, entry.search) == (
        AuditAction.READ,
        Purpose.TRAJECTORY_SUPPORT,
        False,
    )
    assert (entry.resource, entry.subject_id, entry.organisation) == ("traject", _id(1), HOST)


@pytest.mark.parametrize(
    ("trajectory_kwargs", "actor"),
    [
        ({"organisation": WEST_HOST}, an_actor(Role.COORDINATOR)),
        ({"municipality": "GM0363"}, an_actor(Role.COORDINATOR, municipalities=["GM0344"])),
        (
            {"volunteer_id": "v-2", "state": S.EXECUTION},
            an_actor(Role.VOLUNTEER, volunteer_id="v-1"),
        ),
        ({"volunteer_id": "v-1", "state": S.STOPPED}, an_actor(Role.VOLUNTEER, volunteer_id="v-1")),
        ({"state": S.AWAITING_MATCH}, an_actor(Role.VOLUNTEER, volunteer_id="v-1")),
    ],
    ids=["other host", "other gemeente", "other volunteer", "ended match", "unmatched"],
)
async def test_a_trajectory_the_reader_may_not_see_is_not_found_and_not_audited(
    trajectory_kwargs: dict[str, Any], actor: Actor
) -> None:
    uow = FakeUnitOfWork()
    uow.seed(a_trajectory(trajectory_id=_id(1), **trajectory_kwargs))
    with pytest.raises(NotFound):
        await trajectories.get(_id(1), uow=as_unit_of_work(uow), clock=CLOCK, actor=actor)
    assert (uow.committed, uow.audit.entries) == (False, [])


async def test_a_volunteer_gets_an_active_trajectory_matched_to_her() -> None:
    uow = FakeUnitOfWork()
    uow.seed(a_trajectory(trajectory_id=_id(1), state=S.EXECUTION, volunteer_id="v-1"))
    volunteer = an_actor(Role.VOLUNTEER, volunteer_id="v-1")
    view = await trajectories.get(_id(1), uow=as_unit_of_work(uow), clock=CLOCK, actor=volunteer)
    assert (view.id, [e.subject_id for e in uow.audit.entries]) == (_id(1), [_id(1)])
    assert "moeder.achternaam" in view.hidden  # CONTRACT §9.2


@pytest.mark.parametrize(
    "actor",
    [
        an_actor(Role.REFERRER),
        an_actor(Role.PRIVACY_OFFICER, org=HOST),
        an_actor(Role.MUNICIPALITY),
    ],
)
async def test_roles_that_see_no_traject_are_forbidden_to_get_one(actor: Actor) -> None:
    uow = FakeUnitOfWork()
    uow.seed(a_trajectory(trajectory_id=_id(1)))
    with pytest.raises(Forbidden):
        await trajectories.get(_id(1), uow=as_unit_of_work(uow), clock=CLOCK, actor=actor)
    assert uow.audit.entries == []


async def test_a_batch_read_returns_only_visible_trajectories_each_audited_once() -> None:
    uow = FakeUnitOfWork()
    own, foreign = _id(1), _id(2)
    uow.seed(
        a_trajectory(trajectory_id=own), a_trajectory(trajectory_id=foreign, organisation=WEST_HOST)
    )
    found = await trajectories.get_many(
        [own, foreign, _id(3), own],
        uow=as_unit_of_work(uow),
        clock=CLOCK,
        actor=an_actor(Role.COORDINATOR),
    )
    assert list(found) == [own]
    assert [e.subject_id for e in uow.audit.entries] == [own]


# --- trajectories.page ----------------------------------------------------------------


def _seed_trajectories(uow: FakeUnitOfWork, specs: list[dict[str, Any]]) -> list[str]:
    """Trajectories created a minute apart, in the given order; returns their ids."""
    ids = []
    for n, spec in enumerate(specs, start=1):
        uow.seed(a_trajectory(trajectory_id=_id(n), created_at=T0 + timedelta(minutes=n), **spec))
        ids.append(_id(n))
    return ids


async def _page(
    uow: FakeUnitOfWork, actor: Actor, *, limit: int = 50, cursor: str | None = None
) -> Page[TrajectoryView]:
    return await trajectories.page(
        states=frozenset(),
        municipality=None,
        cursor=cursor,
        limit=limit,
        uow=as_unit_of_work(uow),
        clock=CLOCK,
        actor=actor,
    )


async def test_a_list_shows_the_own_organisations_trajectories_newest_first_each_audited() -> None:
    uow = FakeUnitOfWork()
    own_a, _, own_b, _ = _seed_trajectories(
        uow,
        [{}, {"organisation": WEST_HOST}, {"state": S.CLOSED}, {"organisation": OTHER_HOST}],
    )
    found = await _page(uow, an_actor(Role.COORDINATOR))
    assert [v.id for v in found.items] == [own_b, own_a]
    assert [(e.subject_id, e.search) for e in uow.audit.entries] == [
        (own_b, True),
        (own_a, True),
    ]  # R38: a list of n trajectories writes n lines
    assert found.next_cursor is None


async def test_a_list_pages_through_a_cursor_and_audits_every_page() -> None:
    uow = FakeUnitOfWork()
    ids = _seed_trajectories(uow, [{}, {}, {}])
    coordinator = an_actor(Role.COORDINATOR)
    first = await _page(uow, coordinator, limit=2)
    second = await _page(uow, coordinator, limit=2, cursor=first.next_cursor)
    assert [v.id for v in first.items] == [ids[2], ids[1]]
    assert ([v.id for v in second.items], second.next_cursor) == ([ids[0]], None)
    assert [e.subject_id for e in uow.audit.entries] == [ids[2], ids[1], ids[0]]


async def test_a_cursor_of_another_reader_is_ongeldige_cursor() -> None:
    uow = FakeUnitOfWork()
    _seed_trajectories(uow, [{}, {}, {}])
    first = await _page(uow, an_actor(Role.COORDINATOR), limit=2)
    narrowed = an_actor(Role.COORDINATOR, municipalities=["GM0363"])
    with pytest.raises(RuleViolation) as refused:
        await _page(uow, narrowed, limit=2, cursor=first.next_cursor)
    assert refused.value.code == "ongeldige-cursor"


async def test_a_narrowed_token_lists_only_its_gemeenten() -> None:
    uow = FakeUnitOfWork()
    in_scope, _ = _seed_trajectories(uow, [{"municipality": "GM0344"}, {"municipality": "GM0363"}])
    found = await _page(uow, an_actor(Role.COORDINATOR, municipalities=["GM0344"]))
    assert [v.id for v in found.items] == [in_scope]
    assert [e.subject_id for e in uow.audit.entries] == [in_scope]


async def test_a_volunteer_lists_only_active_trajectories_matched_to_her() -> None:
    uow = FakeUnitOfWork()
    mine, _, _, _ = _seed_trajectories(
        uow,
        [
            {"state": S.EXECUTION, "volunteer_id": "v-1"},
            {"state": S.STOPPED, "volunteer_id": "v-1"},
            {"state": S.EXECUTION, "volunteer_id": "v-2"},
            {"state": S.AWAITING_MATCH},
        ],
    )
    found = await _page(uow, an_actor(Role.VOLUNTEER, volunteer_id="v-1"))
    assert [v.id for v in found.items] == [mine]
    assert [e.subject_id for e in uow.audit.entries] == [mine]


async def test_a_volunteer_asking_for_another_volunteers_list_gets_an_empty_page() -> None:
    uow = FakeUnitOfWork()
    _seed_trajectories(uow, [{"state": S.EXECUTION, "volunteer_id": "v-2"}])
    found = await trajectories.page(
        states=frozenset(),
        municipality=None,
        volunteer_id="v-2",
        cursor=None,
        limit=50,
        uow=as_unit_of_work(uow),
        clock=CLOCK,
        actor=an_actor(Role.VOLUNTEER, volunteer_id="v-1"),
    )
    assert (list(found.items), found.next_cursor, uow.audit.entries) == ([], None, [])


@pytest.mark.parametrize("limit", [0, 201])
async def test_a_list_limit_outside_1_to_200_is_refused(limit: int) -> None:
    uow = FakeUnitOfWork()
    with pytest.raises(RuleViolation) as refused:
        await _page(uow, an_actor(Role.COORDINATOR), limit=limit)
    assert (refused.value.code, refused.value.problems[0].name) == ("ongeldige-waarde", "limit")


# --- events.feed ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        (an_actor(Role.COORDINATOR), {"host", "meldcode"}),
        (an_actor(Role.COORDINATOR, scopes=[Scope.EVENTS_READ]), {"host"}),
        (an_actor(Role.SAFEGUARDING_ADVISER), {"host", "meldcode"}),
        (an_actor(Role.ACCOUNTABLE_OFFICER), {"host", "meldcode"}),
        (an_actor(Role.ADMINISTRATOR), {"host"}),
        (an_actor(Role.REFERRER), {"referrer"}),
        (an_actor(Role.PRIVACY_OFFICER), {"privacy"}),
        (an_actor(Role.PRIVACY_OFFICER, scopes=[Scope.EVENTS_READ]), set()),
        (an_actor(Role.VOLUNTEER, volunteer_id="v-1"), set()),
        (an_actor(Role.MUNICIPALITY), set()),
    ],
)
def test_each_role_reads_the_audiences_the_contract_delivers_to_it(
    actor: Actor, expected: set[str]
) -> None:
    # CONTRACT §13.1: C, A, E the host's (Meldcode only with meldcode.behandelen), V its
    # teruggekoppeld events, P the break-glass events, B the host's non-Meldcode types
    assert events.audiences(actor) == expected


@dataclass(frozen=True, slots=True)
class _MeldcodeStep(DomainEvent):
    type: ClassVar[str] = "nl.mim.meldcode.stap-vastgelegd"
    audience: ClassVar[Audience] = Audience.MELDCODE

    def data(self) -> dict[str, Any]:
        return {"casusId": self.subject}

    def dataref(self) -> str:
        return f"/v1/meldcode-casussen/{self.subject}"


@dataclass(frozen=True, slots=True)
class _FedBack(DomainEvent):
    type: ClassVar[str] = "nl.mim.verwijzing.teruggekoppeld"
    audience: ClassVar[Audience] = Audience.REFERRER
    referrer: str

    def data(self) -> dict[str, Any]:
        return {"verwijzingId": self.subject}

    def dataref(self) -> str:
        return f"/v1/verwijzingen/{self.subject}"

    @property
    def recipient(self) -> str | None:
        return self.referrer


@dataclass(frozen=True, slots=True)
class _EmergencyAccess(DomainEvent):
    type: ClassVar[str] = "nl.mim.audit.noodtoegang-gebruikt"
    audience: ClassVar[Audience] = Audience.PRIVACY

    def data(self) -> dict[str, Any]:
        return {"resourceId": self.subject}

    def dataref(self) -> str:
        return "/v1/audit"


def _seed_feed(uow: FakeUnitOfWork) -> dict[str, int]:
    """One event per audience and tenancy case; returns each one's volgnummer by label."""
    seeded = {
        "host": ReferralReceived(_id(1), HOST, "GM0363", trajectory_id=_id(1001)),
        "host other gemeente": ReferralReceived(_id(2), HOST, "GM0344", trajectory_id=_id(1002)),
        "other host": ReferralReceived(_id(3), WEST_HOST, "GM0363", trajectory_id=_id(1003)),
        "meldcode": _MeldcodeStep(_id(4), HOST, "GM0363"),
        "feedback": _FedBack(_id(5), HOST, "GM0363", referrer=REFERRER_ORG),
        "other referrer's feedback": _FedBack(_id(6), HOST, "GM0363", referrer=OTHER_REFERRER_ORG),
        "break-glass": _EmergencyAccess(_id(7), HOST, "GM0363"),
    }
    stored = uow.seed_events(*seeded.values())
    return {label: e.volgnummer for label, e in zip(seeded, stored, strict=True)}


FEEDS: Final = {
    "coordinator": (
        an_actor(Role.COORDINATOR),
        ["host", "host other gemeente", "meldcode"],
    ),
    "coordinator without meldcode.behandelen": (
        an_actor(Role.COORDINATOR, scopes=[Scope.EVENTS_READ]),
        ["host", "host other gemeente"],
    ),
    "coordinator narrowed to GM0344": (
        an_actor(Role.COORDINATOR, municipalities=["GM0344"]),
        ["host other gemeente"],
    ),
    "beheer": (an_actor(Role.ADMINISTRATOR), ["host", "host other gemeente"]),
    "coordinator of mim-west": (an_actor(Role.COORDINATOR, org=WEST_HOST), ["other host"]),
    "referrer": (an_actor(Role.REFERRER), ["feedback"]),
    "privacy": (an_actor(Role.PRIVACY_OFFICER), ["break-glass"]),
}


@pytest.mark.parametrize(("actor", "labels"), FEEDS.values(), ids=FEEDS.keys())
async def test_the_feed_shows_a_token_exactly_the_events_delivered_to_it(
    actor: Actor, labels: list[str]
) -> None:
    uow = FakeUnitOfWork()
    numbers = _seed_feed(uow)
    page = await events.feed(
        after=0, limit=50, types=frozenset(), uow=as_unit_of_work(uow), actor=actor
    )
    assert [e.volgnummer for e in page.events] == [numbers[label] for label in labels]


async def test_the_feed_starts_after_na_and_says_when_a_page_is_full() -> None:
    uow = FakeUnitOfWork()
    numbers = _seed_feed(uow)
    uow.events.purged_up_to = 1
    page = await events.feed(
        after=numbers["host"],
        limit=1,
        types=frozenset(),
        uow=as_unit_of_work(uow),
        actor=an_actor(Role.COORDINATOR),
    )
    assert [e.volgnummer for e in page.events] == [numbers["host other gemeente"]]
    assert (page.full, page.last_purged) == (True, 1)


@pytest.mark.parametrize(
    ("after", "limit", "field"), [(-1, 50, "na"), (0, 0, "limit"), (0, 201, "limit")]
)
async def test_a_feed_request_out_of_range_is_ongeldige_waarde(
    after: int, limit: int, field: str
) -> None:
    with pytest.raises(RuleViolation) as refused:
        await events.feed(
            after=after,
            limit=limit,
            types=frozenset(),
            uow=as_unit_of_work(FakeUnitOfWork()),
            actor=an_actor(Role.COORDINATOR),
        )
    assert (refused.value.code, refused.value.problems[0].name) == ("ongeldige-waarde", field)


@pytest.mark.parametrize(
    "actor", [an_actor(Role.MUNICIPALITY), an_actor(Role.VOLUNTEER, volunteer_id="v-1")]
)
async def test_a_token_without_gebeurtenissen_lezen_may_not_read_the_feed(actor: Actor) -> None:
    with pytest.raises(Forbidden):
        await events.feed(
            after=0,
            limit=50,
            types=frozenset(),
            uow=as_unit_of_work(FakeUnitOfWork()),
            actor=actor,
        )
    assert Scope.EVENTS_READ not in actor.scopes
