"""Idempotency-Key for writes other than intake (CONTRACT §5.2): the first outcome is stored
in the change's own transaction and replayed after; the same key with another body is 422."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from domain.errors import IdempotencyKeyReused
from domain.ports import IdempotencyClaim, StoredResponse, UnitOfWork

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Replayed:
    response: StoredResponse


@dataclass(frozen=True, slots=True)
class Once(Generic[R]):
    """A claim and how the door renders a result for storage."""

    claim: IdempotencyClaim
    render: Callable[[R], StoredResponse]

    async def replay(self, uow: UnitOfWork) -> Replayed | None:
        """Inside the transaction, before any work: the stored outcome, if any."""
        stored = await uow.idempotency.claim(self.claim)
        if stored is None:
            return None
        fingerprint, response = stored
        if fingerprint != self.claim.fingerprint:
            raise IdempotencyKeyReused("Deze Idempotency-Key hoort bij een ander verzoek.")
        return Replayed(response)

    def remember(self, uow: UnitOfWork, result: R) -> None:
        uow.idempotency.remember(self.claim, self.render(result))


async def replay_first(once: Once[R] | None, uow: UnitOfWork) -> Replayed | None:
    return None if once is None else await once.replay(uow)


def remember(once: Once[R] | None, uow: UnitOfWork, result: R) -> None:
    if once is not None:
        once.remember(uow, result)


async def remember_refusal(once: Once[R], response: StoredResponse, *, uow: UnitOfWork) -> None:
    """A 409 refusal is stored too (CONTRACT §5.2), in a transaction of its own after the
    rollback; a key stored meanwhile keeps its first outcome."""
    async with uow:
        if await uow.idempotency.claim(once.claim) is not None:
            return
        uow.idempotency.remember(once.claim, response)
        await uow.commit()
