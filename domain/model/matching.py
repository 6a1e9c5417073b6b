"""Volunteer suggestions (Matchvoorstel) by the published score: CONTRACT §11, DOMAIN §1.

score (0-100, rounded half up) = 50 for a shared language + 20 if the mother's wijk is in
her working area (10 if only her gemeente is the trajectory's) + 20 * her free capacity share
+ 10 if she completed at least one trajectory. Points are exact fractions: `round()` would
round half to even, and a float share such as 20 * 7/8 must not drift across the half.
The score only suggests; the mother's wishes and the coordinator's judgement decide.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Final

from domain.model.contact import normalise_language
from domain.model.reasons import MatchCriterion
from domain.model.volunteer import Volunteer

__all__ = [
    "CAPACITY_POINTS",
    "EXPERIENCE_POINTS",
    "LANGUAGE_POINTS",
    "MUNICIPALITY_POINTS",
    "WIJK_POINTS",
    "MatchCriterion",
    "MatchFactor",
    "MatchSuggestion",
    "match_factors",
    "round_half_up",
    "suggest",
    "suggestion_for",
]


LANGUAGE_POINTS: Final = 50
WIJK_POINTS: Final = 20
MUNICIPALITY_POINTS: Final = 10  # only the same gemeente, not her wijk
CAPACITY_POINTS: Final = 20  # times her free capacity share
EXPERIENCE_POINTS: Final = 10


@dataclass(frozen=True, slots=True)
class MatchFactor:
    """One part of the score: exact points and a Dutch reason that names no person."""

    criterion: MatchCriterion
    points: Fraction
    explanation: str


@dataclass(frozen=True, slots=True)
class MatchSuggestion:
    """`criteria` lists the parts that scored; `factors` explains every part, zeros too."""

    volunteer_id: str
    first_name: str = field(repr=False)
    score: int
    criteria: tuple[MatchCriterion, ...]
    factors: tuple[MatchFactor, ...]
    running_trajectories: int
    capacity: int


def round_half_up(value: Fraction) -> int:
    """The nearest integer, halves upwards (62.5 → 63, where `round` gives 62)."""
    return math.floor(value + Fraction(1, 2))


def _normalised(codes: Iterable[str]) -> set[str]:
    """ISO 639-1 where a 639-3 code has one; a code that is no language code stays as it is."""
    result: set[str] = set()
    for code in codes:
        try:
            result.add(normalise_language(code))
        except ValueError:
            result.add(code)
    return result


def _language(volunteer: Volunteer, mother_languages: Sequence[str]) -> MatchFactor:
    shared = sorted(_normalised(mother_languages) & _normalised(volunteer.languages))
    if not shared:
        return MatchFactor(MatchCriterion.LANGUAGE, Fraction(0), "Geen gedeelde taal")
    return MatchFactor(
        MatchCriterion.LANGUAGE, Fraction(LANGUAGE_POINTS), "Gedeelde taal: " + ", ".join(shared)
    )


def _wijk(volunteer: Volunteer, mother_wijkcode: str | None, municipality: str) -> MatchFactor:
    if mother_wijkcode is not None and mother_wijkcode in volunteer.wijkcodes:
        return MatchFactor(
            MatchCriterion.WIJK, Fraction(WIJK_POINTS), "Wijk van de moeder in haar werkgebied"
        )
    if volunteer.municipality == municipality:
        return MatchFactor(
            MatchCriterion.WIJK, Fraction(MUNICIPALITY_POINTS), "Zelfde gemeente als het traject"
        )
    return MatchFactor(MatchCriterion.WIJK, Fraction(0), "Andere wijk en gemeente")


def _capacity(volunteer: Volunteer) -> MatchFactor:
    free = max(volunteer.capacity - volunteer.running_trajectories, 0)
    share = Fraction(free, volunteer.capacity) if volunteer.capacity > 0 else Fraction(0)
    return MatchFactor(
        MatchCriterion.CAPACITY,
        CAPACITY_POINTS * share,
        f"Vrije capaciteit: {free} van {volunteer.capacity}",
    )


def _experience(volunteer: Volunteer) -> MatchFactor:
    completed = volunteer.completed_trajectories
    if completed < 1:
        return MatchFactor(MatchCriterion.EXPERIENCE, Fraction(0), "Nog geen traject afgerond")
    return MatchFactor(
        MatchCriterion.EXPERIENCE,
        Fraction(EXPERIENCE_POINTS),
        f"Afgeronde trajecten: {completed}",
    )


def match_factors(
    volunteer: Volunteer,
    *,
    mother_languages: Sequence[str],
    mother_wijkcode: str | None,
    municipality: str,
) -> tuple[MatchFactor, ...]:
    """The four scored parts, in the order taal, wijk, capaciteit, ervaring."""
    return (
        _language(volunteer, mother_languages),
        _wijk(volunteer, mother_wijkcode, municipality),
        _capacity(volunteer),
        _experience(volunteer),
    )


def suggestion_for(
    volunteer: Volunteer,
    *,
    mother_languages: Sequence[str],
    mother_wijkcode: str | None,
    municipality: str,
) -> MatchSuggestion:
    """Her score for one trajectory, whether or not she is available."""
    factors = match_factors(
        volunteer,
        mother_languages=mother_languages,
        mother_wijkcode=mother_wijkcode,
        municipality=municipality,
    )
    return MatchSuggestion(
        volunteer_id=volunteer.id,
        first_name=volunteer.first_name,
        score=round_half_up(sum((f.points for f in factors), Fraction(0))),
        criteria=tuple(f.criterion for f in factors if f.points > 0),
        factors=factors,
        running_trajectories=volunteer.running_trajectories,
        capacity=volunteer.capacity,
    )


def suggest(
    volunteers: Iterable[Volunteer],
    *,
    mother_languages: Sequence[str],
    mother_wijkcode: str | None,
    municipality: str,
    organisation: str,
    limit: int,
) -> list[MatchSuggestion]:
    """`actief` volunteers of `organisation` with free capacity, best first, at most `limit`.

    `municipality` is the trajectory's gemeente. Ranked by score, ties by fewer running
    trajectories, then id ascending.
    """
    suggestions = [
        suggestion_for(
            volunteer,
            mother_languages=mother_languages,
            mother_wijkcode=mother_wijkcode,
            municipality=municipality,
        )
        for volunteer in volunteers
        if volunteer.organisation == organisation and volunteer.is_available
    ]
    suggestions.sort(key=lambda s: (-s.score, s.running_trajectories, s.volunteer_id))
    return suggestions[: max(limit, 0)]
