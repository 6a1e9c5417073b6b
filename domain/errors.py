"""Domain errors: a stable contract `code`, and where it applies a `field` (JSON path).

They know nothing of HTTP; `api/errors.py` maps them for REST and GraphQL alike.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One entry of `invalidParams`: the JSON path, the code and a reason without values."""

    name: str
    code: str
    reason: str


class DomainError(Exception):
    code: str = "interne-fout"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail or self.code)
        self.detail = detail


class RuleViolation(DomainError):
    """A request that breaks a rule: 400 with every violated rule listed."""

    code = "ongeldige-waarde"

    def __init__(self, problems: list[FieldProblem], detail: str | None = None) -> None:
        if not problems:
            raise ValueError("a RuleViolation names at least one field")
        super().__init__(detail or "De aanvraag voldoet niet aan de regels.")
        self.problems = problems
        self.code = problems[0].code

    @classmethod
    def of(cls, name: str, code: str, reason: str) -> RuleViolation:
        return cls([FieldProblem(name, code, reason)])


class NotFound(DomainError):
    code = "niet-gevonden"


class Forbidden(DomainError):
    code = "geen-bevoegdheid"


class Unauthenticated(DomainError):
    code = "niet-geauthenticeerd"

    def __init__(self, detail: str | None = None, *, token_sent: bool = False) -> None:
        super().__init__(detail)
        self.token_sent = token_sent


class InvalidTransition(DomainError):
    code = "ongeldige-overgang"

    def __init__(
        self,
        *,
        current: str,
        target: str,
        allowed: list[str],
        condition: str | None = None,
        code: str = "ongeldige-overgang",
        detail: str | None = None,
    ) -> None:
        super().__init__(detail or f"Een traject in {current} kan niet naar {target}.")
        self.current, self.target, self.allowed, self.condition = (
            current,
            target,
            allowed,
            condition,
        )
        self.code = code


class InvalidState(DomainError):
    code = "ongeldige-status"

    def __init__(self, detail: str | None = None, *, condition: str | None = None) -> None:
        super().__init__(detail)
        self.condition = condition


class VersionConflict(DomainError):
    code = "versie-conflict"

    def __init__(self, current_version: int, *, precondition: bool) -> None:
        super().__init__("De versie is intussen gewijzigd.")
        self.current_version = current_version
        self.precondition = precondition  # If-Match was sent: 412, else 409


class DuplicateReferral(DomainError):
    code = "verwijzing-bestaat-al"

    def __init__(self, existing_id: str) -> None:
        super().__init__("Er bestaat al een verwijzing met deze referentie en andere inhoud.")
        self.existing_id = existing_id


class IdempotencyKeyReused(DomainError):
    code = "idempotency-key-hergebruikt"


class RequestInProgress(DomainError):
    code = "verzoek-loopt-nog"


class PreconditionRequired(DomainError):
    """PATCH without `If-Match` (428)."""

    code = "if-match-vereist"
