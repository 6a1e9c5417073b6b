"""RandomIds formats UUIDv4 from random bytes itself: the result must be exactly what
`uuid` would write for a version-4, RFC 4122 UUID, and never repeat."""

from __future__ import annotations

import uuid

from adapters.clock import RandomIds


def test_every_id_is_a_canonical_version_4_rfc_4122_uuid() -> None:
    ids = [RandomIds().new() for _ in range(2000)]

    parsed = [uuid.UUID(value) for value in ids]
    assert all(u.version == 4 and u.variant == uuid.RFC_4122 for u in parsed)
    assert [str(u) for u in parsed] == ids  # lowercase, hyphenated, as `str(uuid4())`
    assert len(set(ids)) == len(ids)


def test_the_random_bits_are_not_fixed() -> None:
    # Outside the version and variant bits every hex position takes many values.
    ids = [RandomIds().new().replace("-", "") for _ in range(500)]
    for position in range(32):
        if position in (12, 16):  # the version nibble; the variant nibble takes 8-b
            continue
        assert len({value[position] for value in ids}) > 8
