"""The pieces the seeder's rows are built from: JSON variants, random ids and hashes,
weighted picks and the host organisations' shares."""

import os
import random
from collections.abc import Sequence
from typing import Any

from bench.seed_values import FIRST_NAMES, HOSTS, LANGUAGES, REASON_SETS, SURNAMES


def json_str(value: str | None) -> str:
    return "null" if value is None else f'"{value}"'  # only our own plain ASCII values


def mother_variants(rng: random.Random, town: str, postcode: str, n: int = 256) -> list[str]:
    variants = []
    for k in range(n):
        first, surname = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        email = json_str(f"bench.moeder{k}@example.invalid" if rng.random() < 0.6 else None)
        addition = json_str(rng.choice(("A", "2h", "bis")) if rng.random() < 0.15 else None)
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


def registration_variants(*, anonymised: bool) -> list[str]:
    return [
        f'{{"reasons": {reasons}, "explanation": '
        f"{json_str('Bench: toelichting bij overig' if other and not anonymised else None)}}}"
        for reasons, other in REASON_SETS
    ]


def referrer_contact_json(name: str, rng: random.Random) -> str:
    phone = json_str("+31 20 000 0000" if rng.random() < 0.5 else None)
    return (
        f'{{"name": "{name}", "contact_role": "jeugdverpleegkundige", '
        f'"contact_phone": {phone}, "contact_email": "bench@example.invalid"}}'
    )


def uuid_bytes(count: int) -> bytearray:
    """`count` random UUIDv4 values, 16 bytes each (version and variant bits set)."""
    raw = bytearray(os.urandom(16 * count))
    raw[6::16] = raw[6::16].translate(bytes((b & 0x0F) | 0x40 for b in range(256)))
    raw[8::16] = raw[8::16].translate(bytes((b & 0x3F) | 0x80 for b in range(256)))
    return raw


def content_hashes(count: int) -> bytes:
    """`count` 64-character lowercase hex strings, concatenated; every 8th character is a letter,
    so no run of nine digits appears (they stand in for SHA-256 content hashes)."""
    raw = bytearray(os.urandom(32 * count).hex(), "ascii")
    raw[7::8] = raw[7::8].translate(bytes.maketrans(b"0123456789", b"abcdefabcd"))
    return bytes(raw)


def pick(table: Sequence[tuple[Any, ...]], r: float) -> tuple[Any, ...]:
    for row in table:
        if r < row[-1]:
            return row
    return table[-1]


def cumulative_shares(rows: Sequence[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
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


def hosts_of(organisation: str | None) -> list[tuple[Any, ...]]:
    if organisation is None:
        return list(HOSTS)
    own = [host for host in HOSTS if host[0] == organisation]
    if not own:
        known = sorted({host[0] for host in HOSTS})
        raise SystemExit(f"seed: unknown organisation {organisation!r} (known: {known})")
    return cumulative_shares(own)


def chunks(raw: bytearray, size: int) -> list[bytearray]:
    return [raw[i : i + size] for i in range(0, len(raw), size)]
