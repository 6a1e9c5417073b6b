"""The write profiler's scenarios: which trajectories, what body, which sections to time."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Scenario:
    name: str
    suffix: str
    sql: str  # the trajectories it may write to
    mode: str  # "once" or "cycle"
    body: Callable[[str], dict[str, object]]  # today -> body
    sections: list[tuple[str, int]]


REQUEST = "request (httpx client -> ASGI app -> response)"
ASGI_APP = "ASGI app (what uvicorn calls: middleware, routing, endpoint)"
COMMON_TOP = [(REQUEST, 0), (ASGI_APP, 1), ("token verification", 2)]
# The paths of the commit: the write set shared with concurrent requests' (adapters/db/
# write_batches.py), the same statement on the unit of work's own connection when it has a
# transaction open (adapters/db/write_statement.py), or a statement per write
# (adapters/db/write_back.py); the ones not taken show no calls.
COMMIT = [
    ("SqlUnitOfWork.commit", 3),
    ("write_set (rows of the changed aggregate and records)", 4),
    ("_stage_rows (event and audit rows into the write set)", 4),
    ("WriteBatches.write (queue, shared statement, settle)", 4),
    ("execute_write_set (one statement on its own connection)", 4),
    ("write_changes (a statement per write)", 4),
    ("write_events (outbox INSERT)", 4),
    ("write_lines (audit INSERT)", 4),
    ("AsyncConnection.commit (COMMIT), either path", 4),
    ("unit of work exit (connection back to the pool)", 3),
]
RESPONSE = [
    ("response: render (wire dict)", 2),
    ("response: respond (JSON bytes, Response)", 2),
    ("sealer: seal_all, one pass after the requests", 0),
]
SCENARIOS = {
    "transition": Scenario(
        "transition",
        "overgangen",
        "SELECT id FROM trajectory WHERE organisation = :org AND state = 'aangemeld' "
        "ORDER BY random() LIMIT :n",
        "once",
        lambda today: {"naar": "intake", "intakeDatum": today},
        [
            *COMMON_TOP,
            ("request body: json_body (read + validate)", 2),
            ("use case lifecycle.transition", 2),
            ("pool checkout (first statement)", 3),
            ("SqlTrajectoryRepository.get (SELECT + mapping)", 3),
            ("SqlReferralRepository.get (referral, for the feedback event)", 3),
            ("domain: lifecycle rules, guards, state change", 3),
            *COMMIT,
            *RESPONSE,
        ],
    ),
    "visit": Scenario(
        "visit",
        "huisbezoeken",
        "SELECT id FROM trajectory WHERE organisation = :org AND state = 'uitvoering' "
        "AND phase = 'uitvoering' AND start_date <= current_date "
        "AND volunteer_id IN (SELECT id FROM volunteer WHERE status = 'actief') "
        "ORDER BY random() LIMIT :n",
        "cycle",
        lambda today: {
            "soort": "huisbezoek",
            "datum": today,
            "duurMinuten": 75,
            "locatie": "thuis",
            "onderwerpen": ["kind_slapen"],
        },
        [
            *COMMON_TOP,
            ("request body: json_body (read + validate)", 2),
            ("use case visits.record", 2),
            ("pool checkout (first statement)", 3),
            ("SqlTrajectoryRepository.get (SELECT + mapping)", 3),
            ("SqlTrajectoryRepository.get_with_newest_visit (one SELECT + mapping)", 3),
            *COMMIT,
            *RESPONSE,
        ],
    ),
}
