"""Use cases of referral intake: register a referral, read and find its status."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from domain.errors import (
    DomainError,
    DuplicateReferral,
    FieldProblem,
    Forbidden,
    IdempotencyKeyReused,
    NotFound,
    RequestInProgress,
    RuleViolation,
)
from domain.events import ReferralReceived
from domain.model.audit import AuditAction, AuditEntry, Purpose, SubjectKind
from domain.model.calendar import local_date
from domain.model.organisations import OrganisationDirectory
from domain.model.referral import (
    OrganisationIdScheme,
    Referral,
    ReferrerType,
    RegisterReferral,
    intake_problems,
)
from domain.model.trajectory import Trajectory
from domain.policy import Actor, Role, Scope, require, sees_referral
from domain.ports import (
    Clock,
    IdempotencyClaim,
    IdGenerator,
    KeyTaken,
    StoredResponse,
    UnitOfWork,
)
from domain.views import ReferralStatusView

INTAKE_ROLES = frozenset({Role.REFERRER, Role.COORDINATOR})


@dataclass(frozen=True, slots=True)
class IntakeResult:
    view: ReferralStatusView
    created: bool  # False: an identical referral under the same business key (200)


@dataclass(frozen=True, slots=True)
class Replayed:
    response: StoredResponse


Render = Callable[[IntakeResult | DomainError], StoredResponse]


async def register(
    cmd: RegisterReferral,
    *,
    uow: UnitOfWork,
    clock: Clock,
    ids: IdGenerator,
    actor: Actor,
    directory: OrganisationDirectory,
    claim: IdempotencyClaim | None = None,
    render: Render | None = None,
) -> IntakeResult | Replayed:
    """Registers a referral and opens its trajectory (`aangemeld`) in one transaction.

    The same Idempotency-Key replays the first outcome; the same business key
    (organisatieId, referentie) answers 200 for identical content and 409 otherwise.
    """
    _authorise_intake(cmd, actor, directory)
    now = clock.now()
    today = local_date(now)
    problems = intake_problems(cmd, today=today) + _directory_problems(cmd, directory)
    if not problems:
        # Optimistic: a new key and a new reference is the common case, stored in one go.
        referral, trajectory = _open(cmd, ids=ids, now=now, today=today)
        created = IntakeResult(ReferralStatusView.of(referral, trajectory, actor), created=True)
        try:
            async with uow:
                _stage(uow, referral, trajectory, cmd, created, claim=claim, render=render)
                await uow.commit()
            return created
        except KeyTaken:
            pass  # a stored key or reference decides the answer, below
    return await _decide(
        cmd, problems, uow=uow, actor=actor, claim=claim, render=render, ids=ids, now=now
    )


def _stage(
    uow: UnitOfWork,
    referral: Referral,
    trajectory: Trajectory,
    cmd: RegisterReferral,
    created: IntakeResult,
    *,
    claim: IdempotencyClaim | None,
    render: Render | None,
) -> None:
    uow.referrals.add(referral, trajectory)
    _audit(uow, trajectory, referral.id, AuditAction.CREATE, cmd)
    if claim is not None and render is not None:
        uow.idempotency.remember(claim, render(created))


async def _decide(
    cmd: RegisterReferral,
    problems: list[FieldProblem],
    *,
    uow: UnitOfWork,
    actor: Actor,
    claim: IdempotencyClaim | None,
    render: Render | None,
    ids: IdGenerator,
    now: datetime,
) -> IntakeResult | Replayed:
    """The answer when the optimistic insert could not run: a replay, a refusal, the
    existing referral (200) or a conflicting one (409), or, when the key had expired, a
    new referral after all."""
    async with uow:
        if claim is not None:
            stored = await uow.idempotency.claim(claim)
            if stored is not None:
                fingerprint, response = stored
                if fingerprint != claim.fingerprint:
                    raise IdempotencyKeyReused("Deze Idempotency-Key hoort bij een ander verzoek.")
                return Replayed(response)
        if problems:
            raise RuleViolation(problems)
        outcome = await _existing(cmd, uow=uow, actor=actor)
        if outcome is None:  # the key had expired and the reference is free: register now
            referral, trajectory = _open(cmd, ids=ids, now=now, today=local_date(now))
            outcome = IntakeResult(ReferralStatusView.of(referral, trajectory, actor), created=True)
            uow.referrals.add(referral, trajectory)
            _audit(uow, trajectory, referral.id, AuditAction.CREATE, cmd)
        if claim is not None and render is not None:
            uow.idempotency.remember(claim, render(outcome))
        try:
            await uow.commit()
        except KeyTaken:
            raise RequestInProgress("Een gelijktijdig verzoek legt deze verwijzing vast.") from None
    if isinstance(outcome, DomainError):
        raise outcome
    return outcome


async def _existing(
    cmd: RegisterReferral, *, uow: UnitOfWork, actor: Actor
) -> IntakeResult | DomainError | None:
    key = cmd.referrer.organisation_id
    found = await uow.referrals.by_business_key(key.scheme, key.value, cmd.referrer.reference)
    if found is None:
        return None
    referral, trajectory = found
    if referral.content_hash != cmd.content_hash:
        return DuplicateReferral(referral.id)
    _audit(uow, trajectory, referral.id, AuditAction.READ, cmd)
    return IntakeResult(ReferralStatusView.of(referral, trajectory, actor), created=False)


def _authorise_intake(
    cmd: RegisterReferral, actor: Actor, directory: OrganisationDirectory
) -> None:
    require(actor, Scope.REFERRALS_CREATE, roles=INTAKE_ROLES)
    host = cmd.registration.host_organisation
    if actor.role is Role.REFERRER:
        if cmd.referrer.organisation_id.code != actor.organisation:
            raise Forbidden("verwijzer.organisatieId is niet de organisatie van het token.")
        if not directory.links(referrer=actor.organisation, host=host):
            raise Forbidden("De verwijzer is niet gekoppeld aan deze uitvoerende organisatie.")
        return
    if host != actor.organisation:
        raise Forbidden("Een coördinator meldt alleen aan bij de eigen organisatie.")
    if (
        actor.municipalities is not None
        and cmd.registration.municipality not in actor.municipalities
    ):
        raise Forbidden("De gemeente valt buiten de gemeenten van het token.")


def _directory_problems(
    cmd: RegisterReferral, directory: OrganisationDirectory
) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    referrer = cmd.referrer
    host = cmd.registration.host_organisation
    internal = referrer.organisation_id.scheme is OrganisationIdScheme.INTERNAL
    self_registration = referrer.type is ReferrerType.SELF_REGISTRATION
    if internal != self_registration or (internal and referrer.organisation_id.value != host):
        problems.append(
            FieldProblem(
                "verwijzer.organisatieId",
                "ongeldige-waarde",
                "Zelfaanmelding gebruikt schema intern met de eigen organisatie, en alleen die.",
            )
        )
    elif not internal and not directory.links(referrer=referrer.organisation_id.code, host=host):
        problems.append(
            FieldProblem(
                "verwijzer.organisatieId",
                "ongeldige-waarde",
                "Deze verwijzer is niet gekoppeld aan de uitvoerende organisatie.",
            )
        )
    if not directory.serves(host=host, municipality=cmd.registration.municipality):
        problems.append(
            FieldProblem(
                "aanmelding.gemeente",
                "ongeldige-waarde",
                "De uitvoerende organisatie bedient deze gemeente niet.",
            )
        )
    return problems


def _open(
    cmd: RegisterReferral, *, ids: IdGenerator, now: datetime, today: date
) -> tuple[Referral, Trajectory]:
    if cmd.consent is None:  # intake_problems refuses this first; kept for the type checker
        raise RuleViolation.of("toestemming", "geen-toestemming", "Toestemming is vereist.")
    referral = Referral(
        id=ids.new(),
        referrer=cmd.referrer,
        received_at=now,
        content_hash=cmd.content_hash,
        host_organisation=cmd.registration.host_organisation,
        municipality=cmd.registration.municipality,
        feedback_allowed=cmd.consent.allows_feedback,
    )
    trajectory = Trajectory(
        id=ids.new(),
        referral_id=referral.id,
        organisation=referral.host_organisation,
        municipality=referral.municipality,
        referrer_type=cmd.referrer.type.value,
        mother=cmd.mother,
        child=cmd.child,
        registration=cmd.registration,
        consent=cmd.consent,
        created_at=now,
        updated_at=now,
        feedback_changed_on=today,
        planned_end_date=None,
    )
    trajectory.pending_events.append(
        ReferralReceived(
            subject=referral.id,
            organisation=referral.host_organisation,
            municipality=referral.municipality,
            trajectory_id=trajectory.id,
        )
    )
    return referral, trajectory


def _audit(
    uow: UnitOfWork,
    trajectory: Trajectory,
    referral_id: str,
    action: AuditAction,
    cmd: RegisterReferral,
) -> None:
    uow.audit.record(
        AuditEntry(
            action=action,
            purpose=Purpose.INTAKE,
            resource="verwijzing",
            resource_id=referral_id,
            organisation=trajectory.organisation,
            subject_kind=SubjectKind.MOTHER_AND_CHILD,
            subject_id=trajectory.id,
            authorisation=Scope.REFERRALS_CREATE.value,
            consent_version=cmd.consent.information_text_version if cmd.consent else None,
        )
    )


async def status(referral_id: str, *, uow: UnitOfWork, actor: Actor) -> ReferralStatusView:
    """The referrer's thin status view of one referral; others' referrals are not found."""
    require(actor, Scope.REFERRALS_READ, roles=INTAKE_ROLES)
    async with uow:
        found = await uow.referrals.get(referral_id)
        if found is None or not _visible(found, actor):
            raise NotFound("Verwijzing niet gevonden.")
        referral, trajectory = found
        uow.audit.record(_read_entry(referral, trajectory, actor, search=False))
        await uow.commit()
    return ReferralStatusView.of(referral, trajectory, actor)


async def find(
    reference: str, *, uow: UnitOfWork, actor: Actor, limit: int = 50
) -> Sequence[ReferralStatusView]:
    """Finds the caller's own referrals by the referrer's reference (kept out of URLs)."""
    require(actor, Scope.REFERRALS_READ, roles=INTAKE_ROLES)
    referrer_org = actor.organisation if actor.role is Role.REFERRER else None
    host_org = actor.organisation if actor.role is Role.COORDINATOR else None
    async with uow:
        found = await uow.referrals.by_reference(
            reference, referrer_org=referrer_org, host_org=host_org, limit=limit
        )
        visible = [pair for pair in found if _visible(pair, actor)]
        for referral, trajectory in visible:
            uow.audit.record(_read_entry(referral, trajectory, actor, search=True))
        await uow.commit()
    return [ReferralStatusView.of(r, t, actor) for r, t in visible]


def _visible(pair: tuple[Referral, Trajectory], actor: Actor) -> bool:
    referral, trajectory = pair
    return sees_referral(
        actor,
        referrer_org=referral.referrer.organisation_id.code,
        host_org=trajectory.organisation,
        municipality=trajectory.municipality,
    )


def _read_entry(
    referral: Referral, trajectory: Trajectory, actor: Actor, *, search: bool
) -> AuditEntry:
    return AuditEntry(
        action=AuditAction.READ,
        purpose=Purpose.FEEDBACK if actor.role is Role.REFERRER else Purpose.INTAKE,
        resource="verwijzing",
        resource_id=referral.id,
        organisation=trajectory.organisation,
        subject_kind=SubjectKind.MOTHER_AND_CHILD,
        subject_id=trajectory.id,
        search=search,
        authorisation=Scope.REFERRALS_READ.value,
        consent_version=trajectory.consent.information_text_version,
    )
