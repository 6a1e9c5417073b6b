"""The intake use case (`referrals.register`) on the fakes: commit, event, audit, refusals,
the Idempotency-Key (CONTRACT §5.2) and the business key (§5.3, DOMAIN R3)."""

from __future__ import annotations

from typing import Final

import pytest

from domain.errors import (
    DomainError,
    DuplicateReferral,
    Forbidden,
    IdempotencyKeyReused,
    RequestInProgress,
    RuleViolation,
)
from domain.events import ReferralReceived
from domain.model.audit import AuditAction, Purpose, SubjectKind
from domain.model.referral import ConsentScope, ReferrerType, RegisterReferral
from domain.model.trajectory import TrajectoryState
from domain.policy import Actor, Role, Scope
from domain.ports import IdempotencyClaim, StoredResponse
from domain.services import referrals
from domain.services.referrals import IntakeResult, Replayed
from tests.fakes import (
    HOST,
    OTHER_HOST,
    OTHER_REFERRER_ORG,
    T0,
    UNLINKED_REFERRER_ORG,
    WEST_HOST,
    FakeClock,
    FakeIds,
    FakeUnitOfWork,
    a_consent,
    a_directory,
    a_register_command,
    an_actor,
    as_unit_of_work,
)

CLAIM: Final = IdempotencyClaim(scope="s" * 64, fingerprint="f" * 64)


def _render(outcome: IntakeResult | DomainError) -> StoredResponse:
    """A stand-in for the door's renderer: status and the id or code, nothing more."""
    if isinstance(outcome, DomainError):
        return StoredResponse(
            409 if isinstance(outcome, DuplicateReferral) else 400, {"code": outcome.code}
        )
    return StoredResponse(201 if outcome.created else 200, {"id": outcome.view.id})


async def _register(
    cmd: RegisterReferral,
    uow: FakeUnitOfWork,
    *,
    actor: Actor | None = None,
    claim: IdempotencyClaim | None = None,
    ids: FakeIds | None = None,
) -> IntakeResult | Replayed:
    return await referrals.register(
        cmd,
        uow=as_unit_of_work(uow),
        clock=FakeClock(T0),
        ids=ids or FakeIds(),
        actor=actor or an_actor(Role.REFERRER),
        directory=a_directory(),
        claim=claim,
        render=_render if claim is not None else None,
    )


def _created(outcome: IntakeResult | Replayed) -> IntakeResult:
    assert isinstance(outcome, IntakeResult)
    return outcome


# --- a successful intake --------------------------------------------------------------


async def test_an_intake_commits_the_referral_and_its_registered_trajectory() -> None:
    uow, ids = FakeUnitOfWork(), FakeIds()
    result = _created(await _register(a_register_command(), uow, ids=ids))
    [referral], [trajectory] = uow.stored_referrals, uow.stored_trajectories
    assert uow.commits == 1
    assert (result.created, result.view.id) == (True, referral.id)
    assert [referral.id, trajectory.id] == ids.issued
    assert (trajectory.referral_id, trajectory.state) == (referral.id, TrajectoryState.REGISTERED)
    assert (trajectory.organisation, trajectory.municipality) == (HOST, "GM0363")
    assert referral.received_at == T0


async def test_an_intake_publishes_one_thin_referral_received_event() -> None:
    uow = FakeUnitOfWork()
    _created(await _register(a_register_command(), uow))
    [referral], [trajectory] = uow.stored_referrals, uow.stored_trajectories
    [row] = uow.events.rows
    assert row.event == ReferralReceived(
        subject=referral.id, organisation=HOST, municipality="GM0363", trajectory_id=trajectory.id
    )
    assert (row.stored.volgnummer, row.stored.type) == (1, "nl.mim.verwijzing.ontvangen")
    # R37: ids and codes only; no name, phone, address, birth date or free text
    assert row.stored.data == {
        "verwijzingId": referral.id,
        "trajectId": trajectory.id,
        "gemeente": "GM0363",
    }
    assert row.stored.dataref == f"/v1/verwijzingen/{referral.id}"


async def test_an_intake_writes_one_create_audit_entry_on_the_hosts_chain() -> None:
    uow = FakeUnitOfWork()
    cmd = a_register_command()
    _created(await _register(cmd, uow))
    [referral], [trajectory] = uow.stored_referrals, uow.stored_trajectories
    [entry] = uow.audit.entries
    assert entry.action is AuditAction.CREATE
    assert entry.purpose is Purpose.INTAKE
    assert (entry.resource, entry.resource_id) == ("verwijzing", referral.id)
    assert (entry.subject_kind, entry.subject_id) == (SubjectKind.MOTHER_AND_CHILD, trajectory.id)
    assert entry.organisation == HOST  # the subject's host, not the referrer's `org`
    assert entry.authorisation == Scope.REFERRALS_CREATE.value
    assert cmd.consent is not None
    assert entry.consent_version == cmd.consent.information_text_version


@pytest.mark.parametrize(
    ("scopes", "feedback", "status"),
    [
        ((ConsentScope.SHARE_WITH_MIM, ConsentScope.FEEDBACK_TO_REFERRER), True, "ontvangen"),
        ((ConsentScope.SHARE_WITH_MIM,), False, None),
    ],
)
async def test_the_intake_answers_the_referrers_status_view(
    scopes: tuple[ConsentScope, ...], feedback: bool, status: str | None
) -> None:
    cmd = a_register_command(consent=a_consent(scopes=scopes))
    view = _created(await _register(cmd, FakeUnitOfWork())).view
    assert (view.feedback_allowed, view.status) == (feedback, status)
    assert view.trajectory_id is None  # a referrer never sees it
    assert view.received_at == T0


async def test_a_coordinator_records_a_self_registration_for_her_own_organisation() -> None:
    uow = FakeUnitOfWork()
    cmd = a_register_command(
        referrer_org=f"intern:{HOST}", referrer_type=ReferrerType.SELF_REGISTRATION
    )
    view = _created(await _register(cmd, uow, actor=an_actor(Role.COORDINATOR))).view
    [trajectory] = uow.stored_trajectories
    assert view.trajectory_id == trajectory.id  # host roles see it


# --- refusals commit nothing ----------------------------------------------------------

FORBIDDEN: Final = {
    "volunteer": (an_actor(Role.VOLUNTEER, volunteer_id="v-1"), a_register_command()),
    "referrer without the scope": (
        an_actor(Role.REFERRER, scopes=[Scope.REFERRALS_READ]),
        a_register_command(),
    ),
    "referrer naming another organisatieId": (
        an_actor(Role.REFERRER),
        a_register_command(referrer_org=OTHER_REFERRER_ORG),
    ),
    "referrer not linked to the host": (
        an_actor(Role.REFERRER),
        a_register_command(host=OTHER_HOST, municipality="GM0599"),
    ),
    "coordinator of another host": (
        an_actor(Role.COORDINATOR, org=WEST_HOST),
        a_register_command(),
    ),
    "coordinator outside her gemeenten": (
        an_actor(Role.COORDINATOR, municipalities=["GM0344"]),
        a_register_command(municipality="GM0363"),
    ),
}


@pytest.mark.parametrize(("actor", "cmd"), FORBIDDEN.values(), ids=FORBIDDEN.keys())
async def test_a_forbidden_intake_is_refused_and_commits_nothing(
    actor: Actor, cmd: RegisterReferral
) -> None:
    uow = FakeUnitOfWork()
    with pytest.raises(Forbidden):
        await _register(cmd, uow, actor=actor, claim=CLAIM)
    assert (uow.committed, uow.stored_referrals, uow.events.rows) == (False, [], [])
    assert (uow.audit.entries, uow.idempotency.records) == ([], {})


RULES: Final = {
    "no consent": (a_register_command(no_consent=True), ["geen-toestemming"]),
    "not a first child": (a_register_command(first_child=False), ["geen-eerste-kind"]),
    "gemeente not served": (
        a_register_command(municipality="GM0599"),
        ["ongeldige-waarde"],
    ),
    "referrer not linked (recorded by a coordinator)": (
        a_register_command(referrer_org=UNLINKED_REFERRER_ORG),
        ["ongeldige-waarde"],
    ),
    "self-registration under a referrer id": (
        a_register_command(referrer_type=ReferrerType.SELF_REGISTRATION),
        ["ongeldige-waarde"],
    ),
}


@pytest.mark.parametrize(("cmd", "codes"), RULES.values(), ids=RULES.keys())
async def test_an_intake_breaking_a_rule_is_refused_and_commits_nothing(
    cmd: RegisterReferral, codes: list[str]
) -> None:
    uow = FakeUnitOfWork()
    with pytest.raises(RuleViolation) as refused:
        await _register(cmd, uow, actor=an_actor(Role.COORDINATOR), claim=CLAIM)
    assert [p.code for p in refused.value.problems] == codes
    assert (uow.committed, uow.stored_referrals, uow.events.rows) == (False, [], [])
    # a 400 is not stored under the key: the client may fix the request and reuse it
    assert (uow.audit.entries, uow.idempotency.records) == ([], {})


# --- Idempotency-Key ------------------------------------------------------------------


async def test_the_same_key_replays_the_first_outcome_and_runs_nothing_again() -> None:
    uow = FakeUnitOfWork()
    first = _created(await _register(a_register_command(), uow, claim=CLAIM))
    again = await _register(a_register_command(), uow, claim=CLAIM)
    assert again == Replayed(StoredResponse(201, {"id": first.view.id}))
    assert (len(uow.stored_referrals), len(uow.events.rows), len(uow.audit.entries)) == (
        1,
        1,
        1,
    )


async def test_the_same_key_with_another_body_is_idempotency_key_hergebruikt() -> None:
    uow = FakeUnitOfWork()
    await _register(a_register_command(), uow, claim=CLAIM)
    other = IdempotencyClaim(scope=CLAIM.scope, fingerprint="e" * 64)
    with pytest.raises(IdempotencyKeyReused) as refused:
        await _register(a_register_command(reference="CB-TEST-0002"), uow, claim=other)
    assert refused.value.code == "idempotency-key-hergebruikt"
    assert [r.referrer.reference for r in uow.stored_referrals] == ["CB-TEST-0001"]
    assert uow.commits == 1


async def test_a_key_held_by_a_request_in_flight_is_verzoek_loopt_nog() -> None:
    uow = FakeUnitOfWork()
    uow.idempotency.in_flight.add(CLAIM.scope)
    with pytest.raises(RequestInProgress) as refused:
        await _register(a_register_command(), uow, claim=CLAIM)
    assert refused.value.code == "verzoek-loopt-nog"
    assert (uow.committed, uow.stored_referrals) == (False, [])


# --- the business key (organisatieId, referentie) --------------------------------------


async def test_the_same_business_key_and_content_under_a_new_key_answers_the_existing_one() -> None:
    uow = FakeUnitOfWork()
    first = _created(await _register(a_register_command(), uow, claim=CLAIM))
    second_claim = IdempotencyClaim(scope="t" * 64, fingerprint=CLAIM.fingerprint)
    again = _created(await _register(a_register_command(), uow, claim=second_claim))
    assert (again.created, again.view.id) == (False, first.view.id)
    assert (len(uow.stored_referrals), len(uow.events.rows)) == (1, 1)  # no second event
    assert [e.action for e in uow.audit.entries] == [AuditAction.CREATE, AuditAction.READ]
    assert uow.idempotency.records[second_claim.scope] == (
        second_claim.fingerprint,
        StoredResponse(200, {"id": first.view.id}),
    )


async def test_the_same_business_key_with_other_content_is_a_duplicate_remembered_as_409() -> None:
    uow = FakeUnitOfWork()
    first = _created(await _register(a_register_command(), uow, claim=CLAIM))
    changed = a_register_command(content_hash="c" * 64)
    second_claim = IdempotencyClaim(scope="t" * 64, fingerprint="d" * 64)
    with pytest.raises(DuplicateReferral) as refused:
        await _register(changed, uow, claim=second_claim)
    assert (refused.value.code, refused.value.existing_id) == (
        "verwijzing-bestaat-al",
        first.view.id,
    )
    assert len(uow.stored_referrals) == 1
    remembered = StoredResponse(409, {"code": "verwijzing-bestaat-al"})
    assert uow.idempotency.records[second_claim.scope] == (
        second_claim.fingerprint,
        remembered,
    )
    replay = await _register(changed, uow, claim=second_claim)
    assert replay == Replayed(remembered)


async def test_the_same_reference_from_another_referrer_is_another_referral() -> None:
    uow = FakeUnitOfWork()
    coordinator = an_actor(Role.COORDINATOR)
    await _register(a_register_command(), uow, actor=coordinator, ids=FakeIds(series=1))
    other = a_register_command(referrer_org=OTHER_REFERRER_ORG)
    result = _created(await _register(other, uow, actor=coordinator, ids=FakeIds(series=2)))
    assert result.created is True
    assert len(uow.stored_referrals) == 2
