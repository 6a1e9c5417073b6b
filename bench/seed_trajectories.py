"""Seeds N trajectories, each with its referral, by COPY (asyncpg) for the list and write benches.

    DATABASE_URL=postgresql+asyncpg://... .venv/bin/python bench/seed_trajectories.py [--count N]

The database must be migrated (`alembic upgrade head`). Insert only: nothing is dropped,
truncated or switched off. Rows are plainly fake ("Bench" names, example.invalid addresses,
no nine-digit numbers in any string) and have exactly the JSON shapes adapters/db/mappers.py
reads back, so the API serves them. Trajectories are created in time order over the last ~2
years (as production would have written them): mostly organisation `mim-demo` (GM0363,
GM0344), some `mim-andere` (GM0599); states follow the trajectory's age. ANALYZE at the end.
A progress bar goes to stderr; the last stdout line is `SEEDED rows=N seconds=S rows_per_s=R`.

For the write benchmarks (bench/run.py `transition`, `visit`):

    ... seed_trajectories.py --count 200000 --state aangemeld --organisation mim-demo
    ... seed_trajectories.py --count 20000 --state uitvoering --organisation mim-demo --volunteers

`--state` puts every row in that state (created at an age where the state is common, with the
dates, phase, volunteer and visit counts it implies); `--organisation` keeps only that host
organisation's municipalities; `--volunteers` also writes the `volunteer` rows the
trajectories point to (actief, realistic JSON as adapters/db/lifecycle_mappers.py reads it),
with their running and completed counts taken from the seeded trajectories.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import queue
import random
import sys
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import asyncpg
from asyncpg.pgproto.pgproto import UUID as PgUUID  # noqa: N811 (asyncpg's fast UUID type)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from adapters.db.lifecycle_mappers import language_keys  # noqa: E402
from domain.model.calendar import add_months  # noqa: E402
from domain.model.trajectory import ACTIVE  # noqa: E402
from domain.model.trajectory import TrajectoryState as S  # noqa: E402

DAY = 86_400
SPAN_DAYS = 730  # created_at spread over ~2 years, up to a few minutes ago

REFERRAL_COLUMNS = (
    "id", "org_scheme", "org_value", "reference", "referrer_type", "referrer", "content_hash",
    "host_organisation", "municipality", "feedback_allowed", "received_at",
)  # fmt: skip
TRAJECTORY_COLUMNS = (
    "id", "referral_id", "organisation", "municipality", "wijkcode", "referrer_type", "state",
    "phase", "version", "volunteer_id", "mother", "child", "registration", "consent",
    "intake_date", "start_date", "planned_end_date", "review_date", "closed_date", "reason",
    "outcome", "visits_introduction", "visits_execution", "visits_closing",
    "feedback_changed_on", "anonymised_at", "created_at", "updated_at",
)  # fmt: skip
# Newer schema columns, filled (as adapters/db/mappers.py fills them) when the table has them.
OPTIONAL_TRAJECTORY_COLUMNS = ("age_limit_date",)
VOLUNTEER_COLUMNS = (
    "id", "organisation", "municipality", "status", "version", "personal", "wijkcodes",
    "languages", "language_keys", "capacity", "vog_date", "running_trajectories",
    "completed_trajectories", "training_sessions", "last_individual_supervision", "start_date",
    "stopped_on", "created_at", "updated_at",
)  # fmt: skip

# (organisation, municipality, town, postcode prefix, cumulative share)
HOSTS = (
    ("mim-demo", "GM0363", "Amsterdam", "10", 0.58),
    ("mim-demo", "GM0344", "Utrecht", "35", 0.86),
    ("mim-andere", "GM0599", "Rotterdam", "30", 1.0),
)
VOLUNTEERS_PER_ORG = {"mim-demo": 1500, "mim-andere": 300}

# (org_scheme, org_value, referrer_type, name, cumulative share); 8-digit URA numbers.
REFERRERS = (
    ("ura", "01234567", "consultatiebureau", "JGZ Bench Noord", 0.30),
    ("ura", "07654321", "consultatiebureau", "JGZ Bench Zuid", 0.48),
    ("ura", "02468024", "verloskundige", "Verloskundigen Bench", 0.66),
    ("ura", "01357913", "cjg", "CJG Bench", 0.78),
    ("ura", "08642086", "kraamzorg", "Kraamzorg Bench", 0.86),
    ("ura", "05318642", "huisarts", "Huisartsen Bench", 0.92),
    ("ura", "04826048", "sociaal_wijkteam", "Wijkteam Bench", 0.97),
    ("intern", "zelf", "zelfaanmelding", "Zelfaanmelding", 1.0),
)

# With --state: created between (min, max) days ago, an age at which that state is common.
STATE_AGE_DAYS = {
    S.REGISTERED: (0, 3), S.INTAKE: (1, 14), S.AWAITING_MATCH: (3, 45),
    S.INTRODUCTION: (14, 45), S.EXECUTION: (45, 270), S.PAUSED: (45, 270),
    S.CLOSING: (270, 400), S.CLOSED: (300, 730), S.REJECTED: (3, 730), S.STOPPED: (14, 730),
}  # fmt: skip
# State by age of the trajectory in days: (up to age, ((state, cumulative share), ...)).
STATES_BY_AGE = (
    (3, ((S.REGISTERED, 0.70), (S.INTAKE, 0.95), (S.REJECTED, 1.0))),
    (14, ((S.REGISTERED, 0.10), (S.INTAKE, 0.45), (S.AWAITING_MATCH, 0.85), (S.REJECTED, 0.95),
          (S.STOPPED, 1.0))),
    (45, ((S.INTAKE, 0.05), (S.AWAITING_MATCH, 0.30), (S.INTRODUCTION, 0.75),
          (S.EXECUTION, 0.80), (S.REJECTED, 0.92), (S.STOPPED, 0.97), (S.PAUSED, 1.0))),
    (270, ((S.AWAITING_MATCH, 0.02), (S.INTRODUCTION, 0.07), (S.EXECUTION, 0.72),
           (S.PAUSED, 0.78), (S.REJECTED, 0.88), (S.STOPPED, 1.0))),
    (400, ((S.EXECUTION, 0.25), (S.CLOSING, 0.40), (S.PAUSED, 0.44), (S.CLOSED, 0.72),
           (S.REJECTED, 0.84), (S.STOPPED, 1.0))),
    (10**6, ((S.EXECUTION, 0.02), (S.CLOSING, 0.04), (S.PAUSED, 0.05), (S.CLOSED, 0.63),
             (S.REJECTED, 0.77), (S.STOPPED, 1.0))),
)  # fmt: skip
REJECT_REASONS = ("geen_eerste_kind", "kind_te_oud", "contra_indicatie", "geen_behoefte",
                  "niet_bereikt", "niet_bereikt", "geen_behoefte")  # fmt: skip
PAUSE_REASONS = ("ziekte", "verhuizing", "tijdelijk_afwezig", "tijdelijk_afwezig",
                 "vrijwilliger_wisselt", "overig")  # fmt: skip
STOP_REASONS = ("geen_behoefte_meer", "geen_behoefte_meer", "toestemming_ingetrokken", "verhuisd",
                "niet_bereikbaar", "geen_vrijwilliger_beschikbaar", "ziekte", "overig")  # fmt: skip
OUTCOMES = ("volledig_doorlopen", "volledig_doorlopen", "doelen_eerder_bereikt",
            "maximale_duur_bereikt", "doorverwezen_naar_andere_hulp")  # fmt: skip
SCOPES = ('["delen_met_mim"]', '["delen_met_mim", "terugkoppeling_aan_verwijzer"]')
PHASE_STATES = frozenset({S.INTRODUCTION, S.EXECUTION, S.CLOSING})

FIRST_NAMES = ("Bench", "Benchje", "Proef", "Meting", "Testa", "Demi", "Steekje", "Ijkje")
SURNAMES = ("de Bench", "van Proef", "Benchmark", "Meetmans", "de Test", "Steekproef")
CHILD_NAMES = ("Bram Bench", "Puk", "Bench", "Tessa", "Mees", "Lotje")
LANGUAGES = ('["nl"]', '["nl"]', '["nl"]', '["nl", "en"]', '["ar", "nl"]', '["tr", "nl"]',
             '["uk", "nl"]', '["pl"]')  # fmt: skip
REASON_SETS = (
    ('["onzeker_opvoeding"]', False),
    ('["onzeker_opvoeding", "weinig_netwerk"]', False),
    ('["weinig_netwerk"]', False),
    ('["taal", "weinig_netwerk"]', False),
    ('["jonge_moeder"]', False),
    ('["jonge_moeder", "onzeker_opvoeding"]', False),
    ('["overig"]', True),
)


def _json_str(value: str | None) -> str:
    return "null" if value is None else f'"{value}"'  # only our own plain ASCII values


def _mother_variants(rng: random.Random, town: str, postcode: str, n: int = 256) -> list[str]:
    variants = []
    for k in range(n):
        first, surname = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        email = _json_str(f"bench.moeder{k}@example.invalid" if rng.random() < 0.6 else None)
        addition = _json_str(rng.choice(("A", "2h", "bis")) if rng.random() < 0.15 else None)
        postcode_full = f"{postcode}{rng.randint(11, 99)} {rng.choice(('AB', 'BC', 'KL', 'XZ'))}"
        variants.append(
            f'{{"first_name": "{first}", "surname": "{surname}", "phone": "+31 6 0000 0000", '
            f'"email": {email}, "address": {{"street": "Benchstraat", '
            f'"house_number": {rng.randint(1, 250)}, "addition": {addition}, '
            f'"postcode": "{postcode_full}", "town": "{town}"}}, '
            f'"address_secret": {"true" if rng.random() < 0.03 else "false"}, '
            f'"languages": {rng.choice(LANGUAGES)}, '
            f'"interpreter_needed": {"true" if rng.random() < 0.08 else "false"}}}'
        )
    return variants


def _registration_variants(*, anonymised: bool) -> list[str]:
    return [
        f'{{"reasons": {reasons}, "explanation": '
        f"{_json_str('Bench: toelichting bij overig' if other and not anonymised else None)}}}"
        for reasons, other in REASON_SETS
    ]


def _referrer_json(name: str, rng: random.Random) -> str:
    phone = _json_str("+31 20 000 0000" if rng.random() < 0.5 else None)
    return (
        f'{{"name": "{name}", "contact_role": "jeugdverpleegkundige", '
        f'"contact_phone": {phone}, "contact_email": "bench@example.invalid"}}'
    )


def _uuid_bytes(count: int) -> bytearray:
    """`count` random UUIDv4 values, 16 bytes each (version and variant bits set)."""
    raw = bytearray(os.urandom(16 * count))
    raw[6::16] = raw[6::16].translate(bytes((b & 0x0F) | 0x40 for b in range(256)))
    raw[8::16] = raw[8::16].translate(bytes((b & 0x3F) | 0x80 for b in range(256)))
    return raw


def _hashes(count: int) -> bytes:
    """`count` 64-character lowercase hex strings, concatenated; every 8th character is a letter,
    so no run of nine digits appears (they stand in for SHA-256 content hashes)."""
    raw = bytearray(os.urandom(32 * count).hex(), "ascii")
    raw[7::8] = raw[7::8].translate(bytes.maketrans(b"0123456789", b"abcdefabcd"))
    return bytes(raw)


def _pick(table: Sequence[tuple[Any, ...]], r: float) -> tuple[Any, ...]:
    for row in table:
        if r < row[-1]:
            return row
    return table[-1]


class Generator:
    """Builds the referral and trajectory records of row numbers [first, first + n)."""

    def __init__(
        self,
        count: int,
        now: datetime,
        seed: int | None,
        optional: Sequence[str] = (),
        *,
        state: S | None = None,
        organisation: str | None = None,
    ) -> None:
        self.with_age_limit = "age_limit_date" in optional  # the child's 24-month date
        self.rng = rng = random.Random(seed)
        self.count = count
        self.state = state  # every row in this state; by age when None
        self.now_ts = now.timestamp()
        youngest, oldest = (0, SPAN_DAYS) if state is None else STATE_AGE_DAYS[state]
        self.start_ts = self.now_ts - oldest * DAY - 600
        self.step = ((oldest - youngest) * DAY) / count
        self.tag = "".join(rng.choices("ABCDEFGHJKLMNPQRSTUVWXYZ", k=6))
        self.today = today = now.date().toordinal()
        first_day = self.today - SPAN_DAYS - 420  # oldest birth: created - 5 - 400 days
        self.epoch_ord = date(1970, 1, 1).toordinal()
        self.days = {o: date.fromordinal(o) for o in range(first_day, self.today + 800)}
        self.iso = {o: d.isoformat() for o, d in self.days.items()}
        self.hosts = [
            (org, gm, f"WK{gm[2:]}", _mother_variants(rng, town, pc), share)
            for org, gm, town, pc, share in _hosts(organisation)
        ]
        self.volunteers = {
            org: [PgUUID(bytes(b)) for b in _chunks(_uuid_bytes(n), 16)]
            for org, n in VOLUNTEERS_PER_ORG.items()
        }
        self.referrers = [
            (scheme, value, rtype, _referrer_json(name, rng), share)
            for scheme, value, rtype, name, share in REFERRERS
        ]
        self.registrations = _registration_variants(anonymised=False)
        self.registrations_anon = _registration_variants(anonymised=True)
        self.states_by_age = [
            next(t for limit, t in STATES_BY_AGE if age < limit) for age in range(SPAN_DAYS + 2)
        ]
        self.end18 = {o: add_months(d, 18).toordinal() for o, d in self.days.items() if o < today}
        self.end24 = {o: add_months(d, 24) for o, d in self.days.items() if o < today}

    def batch(self, first: int, n: int) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        rnd = self.rng.random
        days, iso, today, tag = self.days, self.iso, self.today, self.tag
        ids, hashes = _uuid_bytes(2 * n), _hashes(n)
        from_ts = datetime.fromtimestamp
        referrals: list[tuple[Any, ...]] = []
        trajectories: list[tuple[Any, ...]] = []
        for k in range(n):
            i = first + k
            created_ts = self.start_ts + (i + rnd()) * self.step
            created = from_ts(created_ts, UTC)
            reg = self.epoch_ord + int(created_ts // DAY)
            age = today - reg
            org, gm, wk, mothers, _ = _pick(self.hosts, rnd())
            scheme, org_value, rtype, referrer_json, _ = _pick(self.referrers, rnd())
            state = self.state or _pick(self.states_by_age[age], rnd())[0]

            birth = reg - 5 - int(rnd() * rnd() * 400)  # mostly weeks, at most ~13 months
            end18 = self.end18[birth]
            intake = start = execution = closing = closed = paused = review = None
            phase = reason = outcome = volunteer = None
            matched_wait = False
            v_intro = v_exec = v_close = 0
            if state is S.REJECTED:
                if rnd() < 0.6:
                    intake = min(today, reg + 1 + int(rnd() * 6))
                closed = min(today, (intake or reg) + 1 + int(rnd() * 14))
                reason = REJECT_REASONS[int(rnd() * len(REJECT_REASONS))]
            elif state is not S.REGISTERED:
                intake = min(today, reg + 1 + int(rnd() * 6))
                matched_wait = state is not S.INTAKE and (state is not S.STOPPED or rnd() < 0.7)
                started = (
                    state in PHASE_STATES
                    or state in (S.PAUSED, S.CLOSED)
                    or (state is S.STOPPED and age > 45 and rnd() < 0.65)
                )
                if started:
                    start = min(today, intake + 7 + int(rnd() * 28))
                    v_intro = 1 + int(rnd() * 3)
                    volunteer = self.volunteers[org][int(rnd() * VOLUNTEERS_PER_ORG[org])]
                    if state in (S.EXECUTION, S.CLOSING, S.CLOSED) or (
                        state is not S.INTRODUCTION and age > 60 and rnd() < 0.8
                    ):
                        execution = min(today, start + 14 + int(rnd() * 28))
                        if state is S.CLOSING or state is S.CLOSED:
                            closing = min(today, max(execution, end18 - 30 - int(rnd() * 60)))
                            v_close = 1 + int(rnd() * (2 if state is S.CLOSING else 3))
                if state is S.CLOSED:
                    closed = min(today, (closing or today) + 14 + int(rnd() * 60))
                    outcome = OUTCOMES[int(rnd() * len(OUTCOMES))]
                elif state is S.STOPPED:
                    begin = execution or start or intake
                    closed = min(today, begin + 1 + int(rnd() * max(1, today - begin)))
                    reason = STOP_REASONS[int(rnd() * len(STOP_REASONS))]
                elif state is S.PAUSED:
                    begin = execution or start or intake
                    paused = min(today, begin + int(rnd() * max(1, today - begin)))
                    review = paused + 14 + int(rnd() * 46)
                    reason = PAUSE_REASONS[int(rnd() * len(PAUSE_REASONS))]
                    phase = S.EXECUTION if execution is not None else S.INTRODUCTION
                    if reason == "vrijwilliger_wisselt":
                        volunteer = None
                if state in PHASE_STATES:
                    phase = state
            if execution is not None:
                until = closing or closed or paused or today
                v_exec = max(0, min(40, (until - execution) // 14 + int(rnd() * 3) - 1))
            milestones = (intake, start, execution, closing, closed, paused)
            last = max([reg, *(m for m in milestones if m is not None)])
            feedback_on = closed or start or intake or reg
            version = 1 + sum(m is not None for m in milestones) + matched_wait + v_exec // 8
            updated_ts = created_ts  # never changed since the intake
            if last != reg:  # the last change, in office hours of that day (not in the future)
                changed = (last - self.epoch_ord) * DAY + 28_800 + rnd() * 32_400
                updated_ts = min(self.now_ts, max(created_ts, changed))
            anonymised = closed is not None and today - closed > 365 and rnd() < 0.9
            anonymised_at = None
            if anonymised and closed is not None:
                anonymised_at = from_ts((closed + 366 - self.epoch_ord) * DAY + 7200.0, UTC)
                updated_ts = anonymised_at.timestamp()
            reasons_index = int(rnd() * len(REASON_SETS))
            consent_day = reg - int(rnd() * 4)
            shares_feedback = rnd() < 0.85
            recorded_by = "null" if anonymised else '"jeugdverpleegkundige"'
            consent = (
                f'{{"given": true, "date": "{iso[consent_day]}", '
                f'"method": "{"mondeling" if rnd() < 0.7 else "schriftelijk"}", '
                f'"recorded_by_role": {recorded_by}, "recorded_by_organisation": null, '
                f'"scopes": {SCOPES[shares_feedback]}, '
                f'"information_text_version": "{"2025-1" if reg < today - 365 else "2026-1"}"}}'
            )
            if anonymised:
                mother = None
                child = '{"birth_date": null, "first_child": true, "first_name": null}'
                registration = self.registrations_anon[reasons_index]
            else:
                mother = mothers[int(rnd() * len(mothers))]
                child_name = _json_str(
                    CHILD_NAMES[int(rnd() * len(CHILD_NAMES))] if rnd() < 0.8 else None
                )
                child = (
                    f'{{"birth_date": "{iso[birth]}", "first_child": true, '
                    f'"first_name": {child_name}}}'
                )
                registration = self.registrations[reasons_index]
            referral_id = PgUUID(bytes(ids[32 * k : 32 * k + 16]))
            referrals.append(
                (
                    referral_id,
                    scheme,
                    org_value,
                    None if anonymised else f"BENCH-{tag}-{i:08d}",
                    rtype,
                    referrer_json,
                    hashes[64 * k : 64 * k + 64].decode(),
                    org,
                    gm,
                    shares_feedback,
                    created,
                )
            )
            trajectories.append(
                (
                    PgUUID(bytes(ids[32 * k + 16 : 32 * k + 32])),
                    referral_id,
                    org,
                    gm,
                    None if rnd() < 0.04 else f"{wk}{int(rnd() * 12):02d}",
                    rtype,
                    state.value,
                    phase.value if phase is not None else None,
                    version,
                    volunteer,
                    mother,
                    child,
                    registration,
                    consent,
                    days[intake] if intake is not None else None,
                    days[start] if start is not None else None,
                    days[end18] if start is not None else None,
                    days[review] if review is not None else None,
                    days[closed] if closed is not None else None,
                    reason,
                    outcome,
                    v_intro,
                    v_exec,
                    v_close,
                    days[feedback_on],
                    anonymised_at,
                    created,
                    from_ts(updated_ts, UTC),
                )
            )
            if self.with_age_limit:
                trajectories[-1] += (None if anonymised else self.end24[birth],)
        return referrals, trajectories

    def volunteer_records(self) -> list[tuple[Any, ...]]:
        """The `volunteer` rows of every id the trajectories may point to: actief, trained,
        with a VOG; counts are filled in afterwards (`count_volunteer_trajectories`)."""
        rng, today, records = self.rng, self.today, []
        seeded = {host[0] for host in self.hosts}
        demo = {org: [h for h in HOSTS if h[0] == org] for org in VOLUNTEERS_PER_ORG}
        for org, ids in self.volunteers.items():
            if org not in seeded:
                continue
            for k, volunteer_id in enumerate(ids):
                _, gm, *_ = _pick(_cumulative(demo[org]), rng.random())
                wijken = sorted({f"WK{gm[2:]}{rng.randrange(12):02d}" for _ in range(2)})
                languages = rng.choice(LANGUAGES)
                created_day = today - SPAN_DAYS - 30 - rng.randrange(700)
                start = created_day + 30 + rng.randrange(30)
                created = datetime.fromtimestamp(
                    (created_day - self.epoch_ord) * DAY + 36_000 + rng.random() * 21_600, UTC
                )
                personal = (
                    f'{{"first_name": "{rng.choice(FIRST_NAMES)}", "surname": "Vrijwilliger", '
                    f'"phone": "+31 6 0000 0000", '
                    f'"email": "bench.vrijwilliger{k}.{org}@example.invalid"}}'
                )
                records.append(
                    (
                        volunteer_id,
                        org,
                        gm,
                        "actief",
                        4 + rng.randrange(20),  # status moves, trainings, matches
                        personal,
                        json.dumps(wijken),
                        languages,
                        language_keys(tuple(json.loads(languages))),
                        rng.choice((1, 2, 2, 2, 3)),
                        date.fromordinal(created_day + 20),  # vog_date
                        0,
                        0,
                        3,  # the three required training sessions
                        date.fromordinal(today - rng.randrange(60)),
                        date.fromordinal(start),
                        None,
                        created,
                        datetime.fromtimestamp(self.now_ts - rng.random() * 30 * DAY, UTC),
                    )
                )
        return records


def _cumulative(rows: Sequence[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """`rows` (last item a cumulative share within HOSTS) re-based to shares among themselves."""
    shares, previous = [], 0.0
    for host in HOSTS:
        shares.append(host[-1] - previous)
        previous = host[-1]
    own = [(row, shares[HOSTS.index(row)]) for row in rows]
    total, running, out = sum(share for _, share in own), 0.0, []
    for row, share in own:
        running += share / total
        out.append((*row[:-1], running))
    return out


def _hosts(organisation: str | None) -> list[tuple[Any, ...]]:
    if organisation is None:
        return list(HOSTS)
    own = [host for host in HOSTS if host[0] == organisation]
    if not own:
        known = sorted({host[0] for host in HOSTS})
        raise SystemExit(f"seed: unknown organisation {organisation!r} (known: {known})")
    return _cumulative(own)


def _chunks(raw: bytearray, size: int) -> list[bytearray]:
    return [raw[i : i + size] for i in range(0, len(raw), size)]


class Progress:
    """`\\r[#####.....] 412,000/1,000,000  85,000 rows/s` on stderr (a line per 10 % if no tty)."""

    def __init__(self, total: int) -> None:
        self.total, self.started, self.tty = total, time.monotonic(), sys.stderr.isatty()
        self.last_decile, self.done = -1, 0

    def add(self, rows: int) -> None:
        self.done += rows
        self.update(self.done)

    def update(self, done: int) -> None:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        filled = int(30 * done / self.total)
        line = (
            f"[{'#' * filled}{'.' * (30 - filled)}] {done:,}/{self.total:,}  "
            f"{done / elapsed:,.0f} rows/s"
        )
        if self.tty:
            sys.stderr.write(f"\r{line}")
            if done >= self.total:
                sys.stderr.write("\n")
        elif (decile := 10 * done // self.total) != self.last_decile:
            self.last_decile = decile
            sys.stderr.write(f"seed: {line}\n")
        sys.stderr.flush()


Batch = tuple[int, list[Any], list[Any]]


def _producer(
    make: Callable[[int, int], tuple[list[Any], list[Any]]],
    count: int,
    batch: int,
    out: queue.Queue[Batch | BaseException | None],
    consumers: int,
) -> None:
    """Builds batches on a thread, so building overlaps the server's work on earlier ones."""
    try:
        for first in range(0, count, batch):
            n = min(batch, count - first)
            out.put((n, *make(first, n)))
    except BaseException as exc:  # handed to a consumer, which re-raises it
        out.put(exc)
    for _ in range(consumers):
        out.put(None)


async def _copier(
    dsn: str,
    batches: queue.Queue[Batch | BaseException | None],
    progress: Progress,
    trajectory_columns: Sequence[str],
) -> None:
    """One connection: each batch is one transaction, referrals first (the FK needs them)."""
    conn = await asyncpg.connect(dsn)
    try:
        while (item := await asyncio.to_thread(batches.get)) is not None:
            if isinstance(item, BaseException):
                raise item
            n, referrals, trajectories = item
            async with conn.transaction():
                await conn.copy_records_to_table(
                    "referral", records=referrals, columns=REFERRAL_COLUMNS
                )
                await conn.copy_records_to_table(
                    "trajectory", records=trajectories, columns=trajectory_columns
                )
            progress.add(n)
    finally:
        await conn.close()


async def seed(
    dsn: str,
    count: int,
    batch: int,
    jobs: int,
    rng_seed: int | None,
    *,
    state: S | None = None,
    organisation: str | None = None,
    volunteers: bool = False,
) -> float:
    """Inserts `count` referral + trajectory pairs over `jobs` connections (and, with
    `volunteers`, the volunteer rows they point to); returns seconds."""
    conn = await asyncpg.connect(dsn)
    try:
        await columns_of(conn, "referral", REFERRAL_COLUMNS, ())
        optional = await columns_of(
            conn, "trajectory", TRAJECTORY_COLUMNS, OPTIONAL_TRAJECTORY_COLUMNS
        )
        if volunteers:
            await columns_of(conn, "volunteer", VOLUNTEER_COLUMNS, ())
    finally:
        await conn.close()
    generator = Generator(
        count, datetime.now(UTC), rng_seed, optional, state=state, organisation=organisation
    )
    columns = (*TRAJECTORY_COLUMNS, *optional)
    volunteer_ids: list[PgUUID] = []
    if volunteers:
        records = generator.volunteer_records()
        volunteer_ids = [record[0] for record in records]
        conn = await asyncpg.connect(dsn)
        try:
            await conn.copy_records_to_table(
                "volunteer", records=records, columns=VOLUNTEER_COLUMNS
            )
        finally:
            await conn.close()
        log(f"{len(records):,} volunteers (actief) written")
    progress = Progress(count)
    batches: queue.Queue[Batch | BaseException | None] = queue.Queue(maxsize=jobs + 1)
    started = time.monotonic()
    threading.Thread(
        target=_producer, args=(generator.batch, count, batch, batches, jobs), daemon=True
    ).start()
    await asyncio.gather(*(_copier(dsn, batches, progress, columns) for _ in range(jobs)))
    log(f"COPY done in {time.monotonic() - started:.1f} s; ANALYZE referral, trajectory")
    conn = await asyncpg.connect(dsn)
    try:
        if volunteer_ids:
            await count_volunteer_trajectories(conn, volunteer_ids)
            await conn.execute("ANALYZE volunteer")
        await conn.execute("ANALYZE referral")
        await conn.execute("ANALYZE trajectory")
    finally:
        await conn.close()
    return time.monotonic() - started


async def count_volunteer_trajectories(conn: asyncpg.Connection, ids: Sequence[PgUUID]) -> None:
    """`running_trajectories` (matched, active) and `completed_trajectories` (afgesloten) as
    the application keeps them, from the trajectories just seeded."""
    await conn.execute(
        "UPDATE volunteer v SET running_trajectories = c.running, "
        "completed_trajectories = c.completed FROM ("
        " SELECT volunteer_id, count(*) FILTER (WHERE state = ANY($2::text[])) AS running,"
        " count(*) FILTER (WHERE state = 'afgesloten') AS completed"
        " FROM trajectory WHERE volunteer_id = ANY($1::uuid[]) GROUP BY volunteer_id"
        ") c WHERE v.id = c.volunteer_id",
        ids,
        sorted(s.value for s in ACTIVE),
    )


async def columns_of(
    conn: asyncpg.Connection, table: str, known: Sequence[str], optional: Sequence[str]
) -> tuple[str, ...]:
    """Checks the migrated table against what we write; returns the optional columns it has.
    Other columns the table gained are left to their default (NULL), unless they are required."""
    rows = await conn.fetch(
        "SELECT column_name, is_nullable = 'YES' OR column_default IS NOT NULL AS may_skip "
        "FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = $1",
        table,
    )
    present = {row["column_name"]: row["may_skip"] for row in rows}
    if missing := [c for c in known if c not in present]:
        raise SystemExit(f"seed: {table} lacks {', '.join(missing)}: not migrated to head?")
    unknown = sorted(set(present) - set(known) - set(optional))
    if required := [c for c in unknown if not present[c]]:
        raise SystemExit(
            f"seed: {table} has required columns this seeder does not fill: {required}"
        )
    if unknown:
        log(f"{table}: leaving {', '.join(unknown)} at their default (not known to the seeder)")
    return tuple(c for c in optional if c in present)


def log(msg: str) -> None:
    print(f"seed: {msg}", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000, help="trajectories to add")
    parser.add_argument("--batch", type=int, default=20_000, help="rows per COPY transaction")
    parser.add_argument("--jobs", type=int, default=2, help="COPY connections in parallel")
    parser.add_argument("--seed", type=int, default=None, help="random seed (data, not ids)")
    parser.add_argument(
        "--state",
        type=S,
        choices=list(S),
        metavar="STATE",
        help="every row in this state (aangemeld, uitvoering, ...); by age when absent",
    )
    parser.add_argument(
        "--organisation", help="only this host organisation (mim-demo or mim-andere)"
    )
    parser.add_argument(
        "--volunteers",
        action="store_true",
        help="also write the volunteer rows the trajectories point to",
    )
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        print("seed: DATABASE_URL must be a postgresql(+asyncpg):// URL", file=sys.stderr)
        return 2
    if not 1 <= args.count <= 99_999_999:
        print("seed: --count must lie between 1 and 99,999,999", file=sys.stderr)
        return 2
    dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    _hosts(args.organisation)  # refuses an unknown organisation before connecting
    seconds = asyncio.run(
        seed(
            dsn,
            args.count,
            args.batch,
            args.jobs,
            args.seed,
            state=args.state,
            organisation=args.organisation,
            volunteers=args.volunteers,
        )
    )
    rate = args.count / seconds
    log(f"{args.count:,} trajectories (+ referrals) in {seconds:.1f} s: {rate:,.0f} rows/s")
    print(f"SEEDED rows={args.count} seconds={seconds:.2f} rows_per_s={rate:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
