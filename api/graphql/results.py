"""Mutation results: expected outcomes are union members, errors implement `Fout` with the REST
codes; the member for a DomainError comes from the one error table (api/errors.py)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Annotated, Any, Final

import strawberry
from pydantic import ValidationError

from api.errors import route_of, shape_problems
from api.graphql.types import VerwijzingStatus
from api.problems import TITLES
from api.schemas import referrals as wire
from domain.errors import (
    DomainError,
    DuplicateReferral,
    InvalidState,
    InvalidTransition,
    RuleViolation,
    VersionConflict,
)
from domain.ports import StoredResponse


@strawberry.interface(description="Een verwacht foutresultaat, met de code van REST (CONTRACT §4).")
class Fout:
    code: str
    melding: str


@strawberry.type(description="Eén veldfout: `name` is het JSON-pad, als in REST.")
class InvalidParam:
    name: str
    code: str
    reason: str


@strawberry.type
class ValidatieFout(Fout):
    invalid_params: list[InvalidParam]


@strawberry.type
class VerwijzingBestaatAl(Fout):
    bestaande_verwijzing_id: strawberry.ID


@strawberry.type
class GeenBevoegdheid(Fout):
    pass


@strawberry.type
class IdempotencyKeyHergebruikt(Fout):
    pass


@strawberry.type(description="Niet gevonden, of van een andere organisatie (CONTRACT §3).")
class NietGevonden(Fout):
    pass


@strawberry.type(
    description="`ongeldige-overgang` (ook `vrijwilliger-niet-beschikbaar`, "
    "`veilig-thuis-consultatie-vereist`): huidige en gevraagde status, de toegestane "
    "overgangen en de voorwaarde die niet geldt."
)
class OngeldigeOvergang(Fout):
    van: str
    naar: str
    toegestane_overgangen: list[str]
    voorwaarde: str | None


@strawberry.type(description="`ongeldige-status`, met de voorwaarde die niet geldt.")
class OngeldigeStatus(Fout):
    voorwaarde: str | None


@strawberry.type(description="`versie-conflict`: `versie` was verouderd of een ander won de race.")
class VersieConflict(Fout):
    huidige_versie: int


@strawberry.type(description="Een verzoek met deze idempotencyKey loopt nog; probeer het zo weer.")
class VerzoekLooptNog(Fout):
    pass


@strawberry.type
class AanmeldenGelukt:
    verwijzing: VerwijzingStatus
    nieuw: bool = strawberry.field(description="false: een identieke verwijzing bestond al.")
    herhaald: bool = strawberry.field(description="true: herhaald antwoord (idempotencyKey).")


AanmeldenResultaat = Annotated[
    AanmeldenGelukt
    | ValidatieFout
    | VerwijzingBestaatAl
    | GeenBevoegdheid
    | IdempotencyKeyHergebruikt
    | VerzoekLooptNog,
    strawberry.union("AanmeldenResultaat"),
]
IntakeFailure = (
    ValidatieFout
    | VerwijzingBestaatAl
    | GeenBevoegdheid
    | IdempotencyKeyHergebruikt
    | VerzoekLooptNog
)
INTAKE_FAILURES: Final = (
    ValidatieFout,
    VerwijzingBestaatAl,
    GeenBevoegdheid,
    IdempotencyKeyHergebruikt,
    VerzoekLooptNog,
)
# Header names of the REST door that are arguments here.
_ARGUMENT_NAMES: Final = {"Idempotency-Key": "idempotencyKey"}


def _melding(error: DomainError) -> str:
    return error.detail or TITLES.get(error.code, TITLES["interne-fout"])


def _validation(error: DomainError) -> Fout:
    if not isinstance(error, RuleViolation):
        raise error
    return validation_failure(error)


def validation_failure(error: RuleViolation) -> ValidatieFout:
    params = [
        InvalidParam(name=_ARGUMENT_NAMES.get(p.name, p.name), code=p.code, reason=p.reason)
        for p in error.problems
    ]
    return ValidatieFout(code=error.code, melding=_melding(error), invalid_params=params)


def _duplicate(error: DomainError) -> Fout:
    if not isinstance(error, DuplicateReferral):
        raise error
    existing = strawberry.ID(error.existing_id)
    return VerwijzingBestaatAl(
        code=error.code, melding=_melding(error), bestaande_verwijzing_id=existing
    )


def _plain(member: type[Fout]) -> Callable[[DomainError], Fout]:
    return lambda error: member(code=error.code, melding=_melding(error))


def _invalid_transition(error: DomainError) -> Fout:
    if not isinstance(error, InvalidTransition):
        raise error
    return OngeldigeOvergang(
        code=error.code,
        melding=_melding(error),
        van=error.current,
        naar=error.target,
        toegestane_overgangen=list(error.allowed),
        voorwaarde=error.condition,
    )


def _invalid_state(error: DomainError) -> Fout:
    if not isinstance(error, InvalidState):
        raise error
    return OngeldigeStatus(code=error.code, melding=_melding(error), voorwaarde=error.condition)


def _version_conflict(error: DomainError) -> Fout:
    if not isinstance(error, VersionConflict):
        raise error  # PreconditionRequired: `versie!` is required by the schema
    return VersieConflict(
        code=error.code, melding=_melding(error), huidige_versie=error.current_version
    )


_MEMBERS: Final[Mapping[str, Callable[[DomainError], Fout]]] = {
    "ValidatieFout": _validation,
    "VerwijzingBestaatAl": _duplicate,
    "GeenBevoegdheid": _plain(GeenBevoegdheid),
    "IdempotencyKeyHergebruikt": _plain(IdempotencyKeyHergebruikt),
    "VerzoekLooptNog": _plain(VerzoekLooptNog),
    "NietGevonden": _plain(NietGevonden),
    "OngeldigeOvergang": _invalid_transition,
    "OngeldigeStatus": _invalid_state,
    "VersieConflict": _version_conflict,
}
# Members a stored refusal (409, CONTRACT §5.2) may be, by name: rebuilt from their JSON.
_STORABLE: Final[Mapping[str, type[Fout]]] = {
    member.__name__: member for member in (OngeldigeOvergang, OngeldigeStatus, VersieConflict)
}


def member_json(member: Fout) -> dict[str, Any]:
    """A refusal as the JSON an idempotencyKey keeps: its type name and its fields."""
    return {"__typename": type(member).__name__, **dataclasses.asdict(member)}


def member_from_json(body: Mapping[str, Any]) -> Fout:
    fields = dict(body)
    member = _STORABLE.get(str(fields.pop("__typename", "")))
    if member is None:
        raise RuntimeError("no GraphQL member for a stored refusal")
    return member(**fields)


def failure_of(error: DomainError) -> Fout:
    """The union member for a domain error, by the error table's `graphql_member`."""
    build = _MEMBERS.get(route_of(error).graphql_member)
    if build is None:
        raise error
    return build(error)


def intake_failure(error: DomainError) -> IntakeFailure:
    member = failure_of(error)
    if not isinstance(member, INTAKE_FAILURES):
        raise error  # not a member of AanmeldenResultaat: unexpected here, masked
    return member


def shape_violation(error: ValidationError) -> RuleViolation:
    """A pydantic error on an input, named by JSON path exactly as REST names it."""
    located: list[dict[str, Any]] = [{**e, "loc": ("body", *e["loc"])} for e in error.errors()]
    return RuleViolation(shape_problems(located), "De aanvraag is ongeldig.")


def replayed_intake(stored: StoredResponse) -> AanmeldenGelukt | VerwijzingBestaatAl:
    """The stored outcome of an earlier `aanmelden` (or POST) under the same key."""
    if stored.status in (HTTPStatus.CREATED, HTTPStatus.OK):
        status = wire.VerwijzingStatus.model_validate(stored.body)
        return AanmeldenGelukt(
            verwijzing=VerwijzingStatus.from_wire(status),
            nieuw=stored.status == HTTPStatus.CREATED,
            herhaald=True,
        )
    body = stored.body
    if body.get("code") == DuplicateReferral.code:
        existing = str(body["bestaandeVerwijzing"]).rsplit("/", 1)[-1]
        return VerwijzingBestaatAl(
            code=DuplicateReferral.code,
            melding=str(body.get("detail") or TITLES[DuplicateReferral.code]),
            bestaande_verwijzing_id=strawberry.ID(existing),
        )
    raise RuntimeError(f"no GraphQL member for a stored intake outcome {stored.status}")
