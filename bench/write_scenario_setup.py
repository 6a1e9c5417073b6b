"""What a write scenario posts and to which trajectories: transition and visit."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bench.host import BenchError
from bench.throwaway_postgres import psql
from bench.wrk_runs import CONNECTIONS

WRITE_ORG = "mim-demo"


@dataclass
class WriteScenario:
    name: str  # "transition" or "visit"
    title: str
    suffix: str  # /v1/trajecten/{id}/<suffix>
    state: str  # the seeded state the requests need
    table: str  # one new row per request
    mode: str  # write.lua: "once" (a new trajectory per request) or "cycle" (round-robin)
    body: dict[str, object]


@dataclass
class IdCursor:
    """Where the next wrk run starts in the ids file."""

    ids: list[str]
    mode: str
    offset: int = 0

    def reserve(self, seconds: int, rps: float) -> None:
        """In `once` mode, refuses a run that could reach ids already moved."""
        needed = int(1.5 * rps * seconds) + CONNECTIONS
        left = len(self.ids) - self.offset
        if self.mode == "once" and left < needed:
            raise BenchError(
                f"{left:,} unused ids left but a {seconds} s run at {rps:,.0f} req/s may need "
                f"{needed:,}: seed more (--transition-rows)"
            )

    def advance(self, requests: float) -> None:
        # completed requests plus at most one in flight per connection when wrk stopped
        self.offset += int(requests) + CONNECTIONS
        if self.mode == "cycle":
            self.offset %= len(self.ids)


def write_scenario(name: str) -> WriteScenario:
    today = datetime.now(ZoneInfo("Europe/Amsterdam")).date().isoformat()
    if name == "transition":
        return WriteScenario(
            name,
            "Transition aangemeld → intake, POST /v1/trajecten/{id}/overgangen",
            "overgangen",
            "aangemeld",
            "trajectory_transition",
            "once",
            {"naar": "intake", "intakeDatum": today},
        )
    return WriteScenario(
        name,
        "Visit in uitvoering, POST /v1/trajecten/{id}/huisbezoeken",
        "huisbezoeken",
        "uitvoering",
        "visit",
        "cycle",
        {
            "soort": "huisbezoek",
            "datum": today,
            "duurMinuten": 75,
            "locatie": "thuis",
            "onderwerpen": ["kind_slapen"],
        },
    )


def write_ids(pg: dict[str, str], scenario: WriteScenario, limit: int | None) -> list[str]:
    """The organisation's trajectories the requests may write to, in random order."""
    where = f"organisation = '{WRITE_ORG}' AND state = '{scenario.state}'"
    if scenario.name == "visit":  # a phase, a matched volunteer that exists, started
        where += (
            " AND phase = 'uitvoering' AND start_date <= current_date"
            " AND volunteer_id IN (SELECT id FROM volunteer WHERE status = 'actief')"
        )
    sql = f"SELECT id FROM trajectory WHERE {where} ORDER BY random()"
    ids = psql(pg, sql + (f" LIMIT {limit}" if limit else "")).split()
    if limit and len(ids) < limit:
        raise BenchError(f"only {len(ids):,} trajectories fit the {scenario.name} scenario")
    return ids
