"""Host organisations (tenants), the gemeenten each serves and the referrers linked to it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class HostOrganisation:
    code: str
    name: str
    municipalities: frozenset[str]
    referrers: frozenset[str]  # referrer `org` codes, `<schema>:<waarde>`
    minimum_denominator: int = 50


@dataclass(frozen=True, slots=True)
class OrganisationDirectory:
    hosts: Mapping[str, HostOrganisation] = field(default_factory=dict)

    def host(self, code: str) -> HostOrganisation | None:
        return self.hosts.get(code)

    def links(self, *, referrer: str, host: str) -> bool:
        found = self.hosts.get(host)
        return found is not None and referrer in found.referrers

    def serves(self, *, host: str, municipality: str) -> bool:
        found = self.hosts.get(host)
        return found is not None and municipality in found.municipalities
