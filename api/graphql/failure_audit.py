"""NEN 7513 lines for GraphQL operations that fail after authentication (CONTRACT §15).

GraphQL answers 200 with errors or a failure member, so the REST exception handlers never
see these failures; the same failure auditor (`app.state.audit_failure`) is called here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import Request
from strawberry.extensions import SchemaExtension

from api.errors import status_of
from domain.errors import DomainError


async def audit_failure(request: object, status: int) -> None:
    if not isinstance(request, Request):
        return
    hook = getattr(request.app.state, "audit_failure", None)
    if hook is not None and getattr(request.state, "actor", None) is not None:
        await hook(request, status)


class FailureAudit(SchemaExtension):
    """After execution: one failure line when any resolver raised an error."""

    async def on_execute(self) -> AsyncIterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None) or []
        if not errors:
            return
        statuses = [
            status_of(e.original_error) if isinstance(e.original_error, DomainError) else 500
            for e in errors
            if e.original_error is not None
        ]
        request = getattr(self.execution_context.context, "request", None)
        if statuses and isinstance(request, Request):
            await audit_failure(request, max(statuses))
