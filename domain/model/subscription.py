"""Webhook subscriptions and their deliveries (Abonnement, Aflevering; CONTRACT §13.3): who
gets which events where, and the retry schedule of a delivery."""

from __future__ import annotations

import ipaddress
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final
from urllib.parse import urlsplit

from domain.errors import FieldProblem


class SubscriptionStatus(StrEnum):
    ACTIVE = "actief"
    DISABLED = "uitgeschakeld"


class DeliveryStatus(StrEnum):
    """Published as `AfleverStatus`."""

    PLANNED = "gepland"
    DELIVERED = "afgeleverd"
    FAILED = "mislukt"  # a retry is pending
    DEAD = "dood"
    CANCELLED = "geannuleerd"


class DeliveryError(StrEnum):
    """Published as `laatsteFout`: never a response body."""

    TIMEOUT = "timeout"
    CONNECTION = "verbinding"
    HTTP_STATUS = "http_status"
    URL_REFUSED = "url_geweigerd"


# The delay before attempt n (1-based), CONTRACT §13.3; each gets ±20 % jitter.
DELAYS: Final = (
    timedelta(0),
    timedelta(seconds=10),
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=1),
    timedelta(hours=3),
    timedelta(hours=6),
    timedelta(hours=13),
)
ATTEMPTS: Final = len(DELAYS)
MAX_DEFERRAL: Final = timedelta(hours=24)
URL_MAX: Final = 2000
TYPES_MAX: Final = 25


@dataclass(slots=True)
class Subscription:
    id: str
    organisation: str
    url: str
    types: tuple[str, ...]
    description: str | None
    role: str  # the creating token's: what it may receive is checked at delivery too
    scopes: frozenset[str]
    secret: str = field(repr=False)  # `whsec_` + base64 of 32 random bytes
    created_at: datetime
    status: SubscriptionStatus = SubscriptionStatus.ACTIVE
    disabled_at: datetime | None = None
    version: int = 1

    def disable(self, *, at: datetime) -> None:
        """410 from the receiver (CONTRACT §13.3)."""
        if self.status is SubscriptionStatus.ACTIVE:
            self.status, self.disabled_at = SubscriptionStatus.DISABLED, at
            self.version += 1


@dataclass(slots=True)
class Delivery:
    """One event to one subscription; `id` of the event is the `webhook-id`."""

    id: str
    subscription_id: str
    event_id: str
    volgnummer: int
    subject: str
    type: str
    priority: int
    created_at: datetime
    next_attempt_at: datetime
    status: DeliveryStatus = DeliveryStatus.PLANNED
    attempts: int = 0
    last_status_code: int | None = None
    last_error: DeliveryError | None = None
    delivered_at: datetime | None = None


def delay_before(attempt: int, *, jitter: random.Random) -> timedelta:
    """The delay before attempt `attempt` (2..9), ±20 %."""
    return DELAYS[attempt - 1] * jitter.uniform(0.8, 1.2)


def after_failure(
    delivery: Delivery,
    *,
    at: datetime,
    jitter: random.Random,
    retry_after: timedelta | None = None,
) -> None:
    """A failed attempt: the next one on the schedule (not before `Retry-After`, at most 24 h
    ahead), or `dood` after the ninth."""
    if delivery.attempts >= ATTEMPTS:
        delivery.status = DeliveryStatus.DEAD
        return
    wait = delay_before(delivery.attempts + 1, jitter=jitter)
    if retry_after is not None:
        wait = max(wait, min(retry_after, MAX_DEFERRAL))
    delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, at + wait


def url_problems(url: str, *, allow_http: bool) -> list[FieldProblem]:
    """The callback's own form: https (http only where allowed), a host, no credentials."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return [FieldProblem("url", "ongeldig-formaat", "Geen geldige URL.")]
    schemes = {"https", "http"} if allow_http else {"https"}
    if parts.scheme not in schemes:
        return [FieldProblem("url", "url-niet-toegestaan", "Alleen https.")]
    if not parts.hostname or parts.username or parts.password or port == 0:
        return [FieldProblem("url", "url-niet-toegestaan", "Een host, zonder inloggegevens.")]
    return []


Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
CGNAT: Final = ipaddress.ip_network("100.64.0.0/10")
UNIQUE_LOCAL: Final = ipaddress.ip_network("fc00::/7")


def refused_address(address: Address) -> bool:
    """Loopback, RFC 1918, fc00::/7, link-local, CGNAT, multicast, unspecified (§13.3)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return refused_address(address.ipv4_mapped)
    return (
        address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_unspecified
        or (isinstance(address, ipaddress.IPv4Address) and (address.is_private or address in CGNAT))
        or (isinstance(address, ipaddress.IPv6Address) and address in UNIQUE_LOCAL)
    )


@dataclass(frozen=True, slots=True)
class AllowList:
    """`MIM_WEBHOOK_TOEGESTANE_HOSTS`: host names and CIDR ranges let through the guard."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[Network, ...] = ()

    @classmethod
    def parse(cls, text: str) -> AllowList:
        hosts, networks = set(), []
        for item in (part.strip() for part in text.split(",")):
            if not item:
                continue
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                hosts.add(item.lower())
        return cls(frozenset(hosts), tuple(networks))

    def allows(self, host: str, address: Address) -> bool:
        return host.lower() in self.hosts or any(address in n for n in self.networks)


def addresses_refused(host: str, found: list[str], allowed: AllowList) -> bool:
    """True when any resolved address is refused (and not allowlisted), or none was found."""
    if not found:
        return True
    for text in found:
        address = ipaddress.ip_address(text.split("%", 1)[0])
        if refused_address(address) and not allowed.allows(host, address):
            return True
    return False
