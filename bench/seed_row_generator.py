"""The seeder's row generator: referral, trajectory and volunteer records, as production
would have written them."""

import json
import random
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from asyncpg.pgproto.pgproto import UUID as PgUUID  # noqa: N811 (asyncpg's fast UUID type)

from adapters.db.lifecycle_mappers import language_keys
from bench.seed_row_parts import (
    chunks,
    content_hashes,
    cumulative_shares,
    hosts_of,
    json_str,
    mother_variants,
    pick,
    referrer_contact_json,
    registration_variants,
    uuid_bytes,
)
from bench.seed_values import (
    CHILD_NAMES,
    DAY,
    FIRST_NAMES,
    HOSTS,
    LANGUAGES,
    OUTCOMES,
    PAUSE_REASONS,
    PHASE_STATES,
    REASON_SETS,
    REFERRERS,
    REJECT_REASONS,
    SCOPES,
    SPAN_DAYS,
    STATE_AGE_DAYS,
    STATES_BY_AGE,
    STOP_REASONS,
    VOLUNTEERS_PER_ORG,
)
from domain.model.calendar import add_months
from domain.model.trajectory import TrajectoryState as S


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
            (org, gm, f"WK{gm[2:]}", mother_variants(rng, town, pc), share)
            for org, gm, town, pc, share in hosts_of(organisation)
        ]
        self.volunteers = {
            org: [PgUUID(bytes(b)) for b in chunks(uuid_bytes(n), 16)]
            for org, n in VOLUNTEERS_PER_ORG.items()
        }
        self.referrers = [
            (scheme, value, rtype, referrer_contact_json(name, rng), share)
            for scheme, value, rtype, name, share in REFERRERS
        ]
        self.registrations = registration_variants(anonymised=False)
        self.registrations_anon = registration_variants(anonymised=True)
        self.states_by_age = [
            next(t for limit, t in STATES_BY_AGE if age < limit) for age in range(SPAN_DAYS + 2)
        ]
        self.end18 = {o: add_months(d, 18).toordinal() for o, d in self.days.items() if o < today}
        self.end24 = {o: add_months(d, 24) for o, d in self.days.items() if o < today}

    def batch(self, first: int, n: int) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        rnd = self.rng.random
        days, iso, today, tag = self.days, self.iso, self.today, self.tag
        ids, hashes = uuid_bytes(2 * n), content_hashes(n)
        from_ts = datetime.fromtimestamp
        referrals: list[tuple[Any, ...]] = []
        trajectories: list[tuple[Any, ...]] = []
        for k in range(n):
            i = first + k
            created_ts = self.start_ts + (i + rnd()) * self.step
            created = from_ts(created_ts, UTC)
            reg = self.epoch_ord + int(created_ts // DAY)
            age = today - reg
            org, gm, wk, mothers, _ = pick(self.hosts, rnd())
            scheme, org_value, rtype, referrer_json, _ = pick(self.referrers, rnd())
            state = self.state or pick(self.states_by_age[age], rnd())[0]

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
                child_name = json_str(
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
                _, gm, *_ = pick(cumulative_shares(demo[org]), rng.random())
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
