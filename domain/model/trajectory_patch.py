"""PATCH of a trajectory's contact and child data (CONTRACT §9.3): a merge patch whose rules
are those of intake, plus the consent scope that may only shrink."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

from domain.errors import FieldProblem, InvalidState, RuleViolation
from domain.events import TrajectoryUpdated
from domain.model.referral import ConsentScope
from domain.model.trajectory import Trajectory

# Attributes that a patch may not clear, by published name.
_MOTHER_REQUIRED: Final = {
    "first_name": "moeder.roepnaam",
    "surname": "moeder.achternaam",
    "phone": "moeder.telefoon",
    "address": "moeder.adres",
    "address_secret": "moeder.adresGeheim",
    "interpreter_needed": "moeder.tolkNodig",
    "languages": "moeder.taalvoorkeur",
}
_CHILD_REQUIRED: Final = {"birth_date": "kind.geboortedatum", "first_child": "kind.eersteKind"}


@dataclass(frozen=True, slots=True)
class UpdateTrajectory:
    """Attribute -> new value (None clears); `consent_scopes` None leaves the scope."""

    trajectory_id: str
    expected_version: int | None
    mother: Mapping[str, Any] = field(default_factory=dict, repr=False)
    child: Mapping[str, Any] = field(default_factory=dict, repr=False)
    consent_scopes: tuple[ConsentScope, ...] | None = None

    @property
    def empty(self) -> bool:
        return not self.mother and not self.child and self.consent_scopes is None


def _shape_problems(cmd: UpdateTrajectory) -> list[FieldProblem]:
    problems = [
        FieldProblem(name, "verplicht", "Dit veld kan niet worden gewist.")
        for attribute, name in _MOTHER_REQUIRED.items()
        if attribute in cmd.mother and cmd.mother[attribute] is None
    ]
    problems += [
        FieldProblem(name, "verplicht", "Dit veld kan niet worden gewist.")
        for attribute, name in _CHILD_REQUIRED.items()
        if attribute in cmd.child and cmd.child[attribute] is None
    ]
    return problems


def _rule_problems(
    trajectory: Trajectory, cmd: UpdateTrajectory, *, received_on: date, today: date
) -> list[FieldProblem]:
    """In the contract's order: consent, first child, age, then the rest."""
    problems: list[FieldProblem] = []
    scopes = cmd.consent_scopes
    if scopes is not None:
        if ConsentScope.SHARE_WITH_MIM not in scopes:
            problems.append(
                FieldProblem("toestemming.scope", "geen-toestemming", "delen_met_mim blijft nodig.")
            )
        elif not set(scopes) <= set(trajectory.consent.scopes):
            problems.append(
                FieldProblem(
                    "toestemming.scope", "ongeldige-waarde", "De scope kan alleen krimpen."
                )
            )
    if cmd.child.get("first_child") is False:
        problems.append(FieldProblem("kind.eersteKind", "geen-eerste-kind", "Geen eerste kind."))
    birth = cmd.child.get("birth_date")
    if birth is not None:
        child = dataclasses.replace(trajectory.child, birth_date=birth)
        if birth > today:
            problems.append(
                FieldProblem("kind.geboortedatum", "ongeldige-waarde", "Ligt in de toekomst.")
            )
        elif received_on >= child.eighteen_month_date():
            problems.append(
                FieldProblem(
                    "kind.geboortedatum", "kind-te-oud", "18 maanden of ouder bij ontvangst."
                )
            )
    return problems


def update(
    trajectory: Trajectory, cmd: UpdateTrajectory, *, received_on: date, today: date, at: datetime
) -> bool:
    """Applies the patch; False when it changed nothing. A new birth date moves the 24-month
    date and, while it was the default, the planned end (R10)."""
    if not trajectory.active:
        raise InvalidState("Een afgesloten traject wordt niet meer gewijzigd.")
    problems = _shape_problems(cmd) or _rule_problems(
        trajectory, cmd, received_on=received_on, today=today
    )
    if problems:
        raise RuleViolation(problems)
    old_default_end = trajectory.child.eighteen_month_date()
    mother = dataclasses.replace(trajectory.mother, **cmd.mother)
    child = dataclasses.replace(trajectory.child, **cmd.child)
    consent = trajectory.consent
    if cmd.consent_scopes is not None:
        consent = dataclasses.replace(consent, scopes=cmd.consent_scopes)
    planned = trajectory.planned_end_date
    if planned is not None and planned == old_default_end:
        planned = child.eighteen_month_date()
    if planned is not None and planned > child.twenty_four_month_date():
        raise RuleViolation.of(
            "geplandeEinddatum", "na-maximale-einddatum", "Na de nieuwe 24-maandendatum."
        )
    changed = (mother, child, consent, planned) != (
        trajectory.mother,
        trajectory.child,
        trajectory.consent,
        trajectory.planned_end_date,
    )
    if not changed:
        return False
    trajectory.mother, trajectory.child, trajectory.consent = mother, child, consent
    trajectory.planned_end_date = planned
    if "address" in cmd.mother:
        trajectory.wijkcode = None  # re-derived from postcode + huisnummer: no table here yet
    trajectory.version += 1
    trajectory.updated_at = at
    trajectory.pending_events.append(
        TrajectoryUpdated(
            subject=trajectory.id,
            organisation=trajectory.organisation,
            municipality=trajectory.municipality,
            version=trajectory.version,
        )
    )
    return True
