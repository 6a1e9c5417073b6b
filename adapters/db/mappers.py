"""Rows <-> entities. JSON columns hold value objects under their English field names."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.model.referral import (
    Address,
    Child,
    Consent,
    ConsentMethod,
    ConsentScope,
    Mother,
    OrganisationId,
    OrganisationIdScheme,
    Referral,
    Referrer,
    ReferrerType,
    Registration,
    RegistrationReason,
)
from domain.model.trajectory import Trajectory, VisitCounts


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def referral_row(referral: Referral) -> dict[str, Any]:
    referrer = referral.referrer
    return {
        "id": UUID(referral.id),
        "org_scheme": referrer.organisation_id.scheme.value,
        "org_value": referrer.organisation_id.value,
        "reference": referrer.reference,
        "referrer_type": referrer.type.value,
        "referrer": {
            "name": referrer.name,
            "contact_role": referrer.contact_role,
            "contact_phone": referrer.contact_phone,
            "contact_email": referrer.contact_email,
        },
        "content_hash": referral.content_hash,
        "host_organisation": referral.host_organisation,
        "municipality": referral.municipality,
        "feedback_allowed": referral.feedback_allowed,
        "received_at": referral.received_at,
    }


def referral_from_row(row: Any) -> Referral:
    """`row`: a ReferralRow or a result row with its columns."""
    details = row.referrer
    return Referral(
        id=str(row.id),
        referrer=Referrer(
            type=ReferrerType(row.referrer_type),
            organisation_id=OrganisationId(OrganisationIdScheme(row.org_scheme), row.org_value),
            name=details.get("name") or "",
            reference=row.reference or "",
            contact_role=details.get("contact_role"),
            contact_phone=details.get("contact_phone"),
            contact_email=details.get("contact_email"),
        ),
        received_at=row.received_at,
        content_hash=row.content_hash,
        host_organisation=row.host_organisation,
        municipality=row.municipality,
        feedback_allowed=row.feedback_allowed,
    )


def _mother_json(mother: Mother) -> dict[str, Any]:
    address = mother.address
    return {
        "first_name": mother.first_name,
        "surname": mother.surname,
        "phone": mother.phone,
        "email": mother.email,
        "address": {
            "street": address.street,
            "house_number": address.house_number,
            "addition": address.addition,
            "postcode": address.postcode,
            "town": address.town,
        },
        "address_secret": mother.address_secret,
        "languages": list(mother.languages),
        "interpreter_needed": mother.interpreter_needed,
    }


def _mother(data: dict[str, Any] | None) -> Mother:
    if data is None:  # anonymised (CONTRACT §16): the values are gone
        return Mother("", "", "", Address("", 0, "", ""))
    return Mother(
        first_name=data["first_name"],
        surname=data["surname"],
        phone=data["phone"],
        email=data.get("email"),
        address=Address(**data["address"]),
        address_secret=data.get("address_secret", False),
        languages=tuple(data.get("languages", ())),
        interpreter_needed=data.get("interpreter_needed", False),
    )


def _consent_json(consent: Consent) -> dict[str, Any]:
    return {
        "given": consent.given,
        "date": consent.date.isoformat() if consent.date else None,
        "method": consent.method.value if consent.method else None,
        "recorded_by_role": consent.recorded_by_role,
        "recorded_by_organisation": consent.recorded_by_organisation,
        "scopes": [s.value for s in consent.scopes],
        "information_text_version": consent.information_text_version,
    }


def _consent(data: dict[str, Any]) -> Consent:
    return Consent(
        given=data.get("given"),
        date=_day(data.get("date")),
        method=ConsentMethod(data["method"]) if data.get("method") else None,
        recorded_by_role=data.get("recorded_by_role"),
        recorded_by_organisation=data.get("recorded_by_organisation"),
        scopes=tuple(ConsentScope(s) for s in data.get("scopes", ())),
        information_text_version=data.get("information_text_version"),
    )


def trajectory_row(t: Trajectory) -> dict[str, Any]:
    return {
        "id": UUID(t.id),
        "referral_id": UUID(t.referral_id),
        "organisation": t.organisation,
        "municipality": t.municipality,
        "wijkcode": t.wijkcode,
        "referrer_type": t.referrer_type,
        "state": t.state,
        "phase": t.phase,
        "version": t.version,
        "volunteer_id": UUID(t.volunteer_id) if t.volunteer_id else None,
        "mother": _mother_json(t.mother),
        "child": {
            "birth_date": t.child.birth_date.isoformat(),
            "first_child": t.child.first_child,
            "first_name": t.child.first_name,
        },
        "registration": {
            "reasons": [r.value for r in t.registration.reasons],
            "explanation": t.registration.explanation,
        },
        "consent": _consent_json(t.consent),
        "intake_date": t.intake_date,
        "start_date": t.start_date,
        "planned_end_date": t.planned_end_date,
        "review_date": t.review_date,
        "closed_date": t.closed_date,
        "reason": t.reason,
        "outcome": t.outcome,
        "visits_introduction": t.visit_counts.introduction,
        "visits_execution": t.visit_counts.execution,
        "visits_closing": t.visit_counts.closing,
        "feedback_changed_on": t.feedback_changed_on,
        "age_limit_date": t.max_end_date if t.anonymised_at is None else None,
        "anonymised_at": t.anonymised_at,
        "created_at": t.created_at,
        "updated_at": t.updated_at,
        # Set by the Meldcode cases only (adapters.db.meldcode_repository); a write-back sends
        # only the columns that changed, so these never go out with a trajectory's own change.
        "meldcode_open": t.meldcode_case_open,
        "held_until": t.held_until,
    }


def trajectory_from_row(row: Any) -> Trajectory:
    """`row`: a TrajectoryRow or a result row with its columns."""
    child = row.child
    registration = row.registration
    return Trajectory(
        id=str(row.id),
        referral_id=str(row.referral_id),
        organisation=row.organisation,
        municipality=row.municipality,
        referrer_type=row.referrer_type,
        mother=_mother(row.mother),
        child=Child(
            birth_date=date.fromisoformat(child["birth_date"])
            if child.get("birth_date")
            else date.min,
            first_child=child["first_child"],
            first_name=child.get("first_name"),
        ),
        registration=Registration(
            host_organisation=row.organisation,
            municipality=row.municipality,
            reasons=tuple(RegistrationReason(r) for r in registration["reasons"]),
            explanation=registration.get("explanation"),
        ),
        consent=_consent(row.consent),
        created_at=row.created_at,
        updated_at=row.updated_at,
        feedback_changed_on=row.feedback_changed_on,
        state=row.state,
        phase=row.phase,
        version=row.version,
        wijkcode=row.wijkcode,
        volunteer_id=str(row.volunteer_id) if row.volunteer_id else None,
        intake_date=row.intake_date,
        start_date=row.start_date,
        planned_end_date=row.planned_end_date,
        reason=row.reason,
        review_date=row.review_date,
        outcome=row.outcome,
        closed_date=row.closed_date,
        anonymised_at=row.anonymised_at,
        visit_counts=VisitCounts(row.visits_introduction, row.visits_execution, row.visits_closing),
        meldcode_case_open=row.meldcode_open,
        held_until=row.held_until,
    )
