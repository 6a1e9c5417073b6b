"""What several use cases share: loading what the caller may see, and audit entries."""

from __future__ import annotations

from domain.errors import NotFound
from domain.model.audit import AuditAction, AuditEntry, Purpose, SubjectKind
from domain.model.trajectory import Trajectory
from domain.model.volunteer import Volunteer
from domain.policy import Actor, Role, Scope, sees_host_record, sees_trajectory
from domain.ports import UnitOfWork


def sees(trajectory: Trajectory, actor: Actor) -> bool:
    if actor.role is Role.SYSTEM:  # the periodic tasks act per organisation
        return actor.organisation == trajectory.organisation
    return sees_trajectory(
        actor,
        organisation=trajectory.organisation,
        municipality=trajectory.municipality,
        volunteer_id=trajectory.volunteer_id,
        active=trajectory.active,
    )


async def visible_trajectory(uow: UnitOfWork, trajectory_id: str, actor: Actor) -> Trajectory:
    """The trajectory, loaded for change; others' and unknown ones alike are 404."""
    trajectory = await uow.trajectories.get(trajectory_id)
    if trajectory is None or not sees(trajectory, actor):
        raise NotFound("Traject niet gevonden.")
    return trajectory


def sees_volunteer(volunteer: Volunteer, actor: Actor) -> bool:
    """Coordinators see their organisation's volunteers; a volunteer only herself."""
    if actor.role is Role.VOLUNTEER:
        return actor.organisation == volunteer.organisation and actor.volunteer_id == volunteer.id
    if actor.role not in (Role.COORDINATOR, Role.SYSTEM):
        return False
    return sees_host_record(
        actor, organisation=volunteer.organisation, municipality=volunteer.municipality
    )


async def visible_volunteer(uow: UnitOfWork, volunteer_id: str, actor: Actor) -> Volunteer:
    volunteer = await uow.volunteers.get(volunteer_id)
    if volunteer is None or not sees_volunteer(volunteer, actor):
        raise NotFound("Vrijwilliger niet gevonden.")
    return volunteer


def trajectory_entry(
    trajectory: Trajectory,
    action: AuditAction,
    *,
    resource: str = "traject",
    resource_id: str | None = None,
    purpose: Purpose = Purpose.TRAJECTORY_SUPPORT,
    scope: Scope,
    search: bool = False,
) -> AuditEntry:
    return AuditEntry(
        action=action,
        purpose=purpose,
        resource=resource,
        resource_id=resource_id or trajectory.id,
        organisation=trajectory.organisation,
        subject_kind=SubjectKind.MOTHER_AND_CHILD,
        subject_id=trajectory.id,
        search=search,
        authorisation=scope.value,
        consent_version=trajectory.consent.information_text_version,
    )


def volunteer_entry(
    volunteer: Volunteer,
    action: AuditAction,
    *,
    scope: Scope,
    resource: str = "vrijwilliger",
    resource_id: str | None = None,
    search: bool = False,
) -> AuditEntry:
    return AuditEntry(
        action=action,
        purpose=Purpose.VOLUNTEER_MANAGEMENT,
        resource=resource,
        resource_id=resource_id or volunteer.id,
        organisation=volunteer.organisation,
        subject_kind=SubjectKind.VOLUNTEER,
        subject_id=volunteer.id,
        search=search,
        authorisation=scope.value,
    )
