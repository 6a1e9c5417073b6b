"""The organisation configuration (MIM_ORGANISATIES_FILE, TOML) and the demo configuration."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Final

from domain.model.organisations import HostOrganisation, OrganisationDirectory

DEMO_FILE_NAME: Final = "organisaties.toml"

DEMO_CONFIGURATION: Final = """\
# Demo configuration of mim-koppelvlak (CONTRACT §18.1), written because
# MIM_ORGANISATIES_FILE is not set. Edit freely; it is not overwritten.

[[organisatie]]
code = "mim-demo"
naam = "MIM Demo"
gemeenten = ["GM0363", "GM0344"]
minimaleNoemer = 50

[[organisatie.verwijzer]]
schema = "ura"
waarde = "01234567"
type = "consultatiebureau"

[[organisatie.verwijzer]]
schema = "oin"
waarde = "00000001001234567000"
type = "cjg"

[[organisatie]]
code = "mim-andere"
naam = "MIM Andere"
gemeenten = ["GM0599"]

[[organisatie]]
code = "mim-west"
naam = "MIM West"
gemeenten = ["GM0363"]
"""


class ConfigurationError(ValueError):
    pass


def _host(entry: dict[str, Any]) -> HostOrganisation:
    try:
        referrers = frozenset(f"{r['schema']}:{r['waarde']}" for r in entry.get("verwijzer", []))
        return HostOrganisation(
            code=str(entry["code"]),
            name=str(entry.get("naam", entry["code"])),
            municipalities=frozenset(str(g) for g in entry["gemeenten"]),
            referrers=referrers,
            minimum_denominator=max(20, int(entry.get("minimaleNoemer", 50))),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ConfigurationError(f"organisation entry incomplete: {error}") from error


def load_directory(path: Path) -> OrganisationDirectory:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigurationError(f"cannot read {path}: {error}") from error
    hosts = [_host(entry) for entry in data.get("organisatie", [])]
    return OrganisationDirectory({host.code: host for host in hosts})


def demo_configuration(data_dir: Path) -> Path:
    """Writes the demo configuration into the data dir once; returns its path."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / DEMO_FILE_NAME
    if not path.exists():
        path.write_text(DEMO_CONFIGURATION, encoding="utf-8")
    return path
