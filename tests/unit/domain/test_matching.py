"""The published match score (CONTRACT §11 Matchvoorstel, DOMAIN §1 Matching)."""

from __future__ import annotations

from datetime import UTC, datetime
from fractions import Fraction
from typing import Final

import pytest

from domain.model.matching import (
    MatchCriterion,
    MatchFactor,
    MatchSuggestion,
    match_factors,
    round_half_up,
    suggest,
    suggestion_for,
)
from domain.model.volunteer import Volunteer, VolunteerStatus

C = MatchCriterion
T0: Final = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
ORG: Final = "mim-demo"
GEMEENTE: Final = "GM0363"
WIJK: Final = "WK036301"
ID_A: Final = "1a000000-0000-4000-8000-000000000000"
ID_B: Final = "2b000000-0000-4000-8000-000000000000"
ID_C: Final = "3c000000-0000-4000-8000-000000000000"


def a_volunteer(
    *,
    volunteer_id: str = ID_A,
    organisation: str = ORG,
    status: VolunteerStatus = VolunteerStatus.ACTIVE,
    languages: tuple[str, ...] = ("pl",),
    municipality: str = "GM0599",
    wijkcodes: tuple[str, ...] = (),
    capacity: int = 2,
    running: int = 0,
    completed: int = 0,
) -> Volunteer:
    """By default she scores only her capacity: 20 * 2/2 = 20."""
    return Volunteer(
        id=volunteer_id,
        organisation=organisation,
        first_name="Testa",
        surname="Voorbeeld",
        phone="+31612345678",
        municipality=municipality,
        languages=languages,
        created_at=T0,
        updated_at=T0,
        wijkcodes=wijkcodes,
        capacity=capacity,
        status=status,
        running_trajectories=running,
        completed_trajectories=completed,
    )


def factor(
    volunteer: Volunteer,
    criterion: MatchCriterion,
    *,
    mother_languages: tuple[str, ...] = ("nl",),
    mother_wijkcode: str | None = None,
) -> MatchFactor:
    factors = match_factors(
        volunteer,
        mother_languages=mother_languages,
        mother_wijkcode=mother_wijkcode,
        municipality=GEMEENTE,
    )
    return next(f for f in factors if f.criterion is criterion)


def score_of(volunteer: Volunteer, *, mother_languages: tuple[str, ...] = ("nl",)) -> int:
    return suggestion_for(
        volunteer, mother_languages=mother_languages, mother_wijkcode=WIJK, municipality=GEMEENTE
    ).score


def suggestions(volunteers: list[Volunteer], *, limit: int = 10) -> list[MatchSuggestion]:
    return suggest(
        volunteers,
        mother_languages=("nl",),
        mother_wijkcode=WIJK,
        municipality=GEMEENTE,
        organisation=ORG,
        limit=limit,
    )


def test_the_criteria_are_the_contracts_match_criterium() -> None:
    assert [c.value for c in C] == [
        "taal",
        "wijk",
        "capaciteit",
        "ervaring",
        "voorkeur_moeder",
        "overig",
    ]


@pytest.mark.parametrize(
    ("mother", "hers", "shared"),
    [
        (("nl",), ("nl",), "nl"),
        (("ara",), ("ar",), "ar"),
        (("ar",), ("ara",), "ar"),
        (("tur",), ("tr",), "tr"),
        (("tr",), ("tur",), "tr"),
        (("nld", "som"), ("so", "en"), "so"),
        (("ara", "tur"), ("tr", "ar", "nl"), "ar, tr"),
    ],
)
def test_a_shared_language_scores_50_after_normalising_both_sides(
    mother: tuple[str, ...], hers: tuple[str, ...], shared: str
) -> None:
    found = factor(a_volunteer(languages=hers), C.LANGUAGE, mother_languages=mother)
    assert found.points == 50
    assert found.explanation == f"Gedeelde taal: {shared}"


# `ary` (Moroccan Arabic) has no ISO 639-1 code, so it stays itself and does not meet `ar`.
@pytest.mark.parametrize(("mother", "hers"), [(("ara",), ("tr",)), (("ary",), ("ar",))])
def test_no_shared_language_scores_0(mother: tuple[str, ...], hers: tuple[str, ...]) -> None:
    found = factor(a_volunteer(languages=hers), C.LANGUAGE, mother_languages=mother)
    assert (found.points, found.explanation) == (Fraction(0), "Geen gedeelde taal")


@pytest.mark.parametrize(
    ("mother_wijkcode", "wijkcodes", "municipality", "points"),
    [
        (WIJK, (WIJK, "WK036302"), "GM0599", 20),  # her working area, another team
        (WIJK, (WIJK,), GEMEENTE, 20),  # both: the wijk's 20, not 30
        (WIJK, ("WK036302",), GEMEENTE, 10),  # only the same gemeente
        (None, (WIJK,), GEMEENTE, 10),  # the mother's wijk is unknown
        (WIJK, ("WK036302",), "GM0599", 0),
        (None, (), "GM0599", 0),
    ],
)
def test_the_wijk_scores_20_or_only_the_gemeente_10(
    mother_wijkcode: str | None, wijkcodes: tuple[str, ...], municipality: str, points: int
) -> None:
    volunteer = a_volunteer(wijkcodes=wijkcodes, municipality=municipality)
    assert factor(volunteer, C.WIJK, mother_wijkcode=mother_wijkcode).points == points


@pytest.mark.parametrize(
    ("capacity", "running", "points"),
    [
        (2, 0, Fraction(20)),
        (2, 1, Fraction(10)),
        (4, 1, Fraction(15)),  # 20 * 3/4
        (3, 1, Fraction(40, 3)),  # 20 * 2/3
        (5, 2, Fraction(12)),  # 20 * 3/5
        (1, 0, Fraction(20)),
    ],
)
def test_capacity_scores_20_times_the_free_share(
    capacity: int, running: int, points: Fraction
) -> None:
    found = factor(a_volunteer(capacity=capacity, running=running), C.CAPACITY)
    assert found.points == points
    assert found.explanation == f"Vrije capaciteit: {capacity - running} van {capacity}"


@pytest.mark.parametrize(("completed", "points"), [(0, 0), (1, 10), (3, 10)])
def test_a_completed_trajectory_scores_10(completed: int, points: int) -> None:
    assert factor(a_volunteer(completed=completed), C.EXPERIENCE).points == points


def test_every_part_scoring_makes_100() -> None:
    volunteer = a_volunteer(languages=("nl",), wijkcodes=(WIJK,), completed=1)
    assert score_of(volunteer) == 100


@pytest.mark.parametrize(
    ("capacity", "running", "score"),
    [(3, 1, 63), (3, 2, 57)],  # 50 + 40/3 → 63; 50 + 20/3 → 57
)
def test_the_score_is_the_rounded_sum_of_exact_parts(
    capacity: int, running: int, score: int
) -> None:
    assert score_of(a_volunteer(languages=("nl",), capacity=capacity, running=running)) == score


# CONTRACT §11 caps capacity at 5, where no sum ends in .5; 8 places exercise the rule.
def test_a_score_ending_in_a_half_rounds_up() -> None:
    volunteer = a_volunteer(languages=("nl",), capacity=8, running=3)  # 50 + 20 * 5/8 = 62.5
    assert score_of(volunteer) == 63
    assert round(62.5) == 62  # what half-to-even would have given


@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        (Fraction(5, 2), 3),
        (Fraction(125, 2), 63),
        (Fraction(135, 2), 68),
        (Fraction(1, 3), 0),
        (Fraction(2, 3), 1),
        (Fraction(0), 0),
        (Fraction(100), 100),
    ],
)
def test_round_half_up(value: Fraction, rounded: int) -> None:
    assert round_half_up(value) == rounded


def test_criteria_name_the_parts_that_scored_and_factors_explain_all_four() -> None:
    suggestion = suggestion_for(
        a_volunteer(languages=("ara",)),
        mother_languages=("ar",),
        mother_wijkcode=WIJK,
        municipality=GEMEENTE,
    )
    assert suggestion.criteria == (C.LANGUAGE, C.CAPACITY)
    assert [(f.criterion, f.points) for f in suggestion.factors] == [
        (C.LANGUAGE, Fraction(50)),
        (C.WIJK, Fraction(0)),
        (C.CAPACITY, Fraction(20)),
        (C.EXPERIENCE, Fraction(0)),
    ]
    assert suggestion.score == 70


def test_a_suggestion_shows_no_personal_data_outside_first_name() -> None:
    (suggestion,) = suggestions([a_volunteer()])
    assert suggestion.first_name == "Testa"
    assert "Testa" not in repr(suggestion)
    assert all("Testa" not in f.explanation for f in suggestion.factors)
    assert (suggestion.running_trajectories, suggestion.capacity) == (0, 2)


@pytest.mark.parametrize(
    "excluded",
    [
        a_volunteer(status=VolunteerStatus.INACTIVE),
        a_volunteer(status=VolunteerStatus.IN_TRAINING),
        a_volunteer(status=VolunteerStatus.REGISTERED),
        a_volunteer(status=VolunteerStatus.STOPPED),
        a_volunteer(organisation="andere-org"),
        a_volunteer(capacity=2, running=2),
    ],
    ids=["inactief", "in_training", "aangemeld", "gestopt", "foreign", "full"],
)
def test_only_actief_volunteers_of_the_organisation_with_free_capacity(
    excluded: Volunteer,
) -> None:
    available = a_volunteer(volunteer_id=ID_B)
    assert [s.volunteer_id for s in suggestions([excluded, available])] == [ID_B]


def test_ranked_by_score() -> None:
    low = a_volunteer(volunteer_id=ID_A)  # 20
    high = a_volunteer(volunteer_id=ID_C, languages=("nl",))  # 70
    middle = a_volunteer(volunteer_id=ID_B, completed=2)  # 30
    ranked = suggestions([low, high, middle])
    assert [(s.volunteer_id, s.score) for s in ranked] == [(ID_C, 70), (ID_B, 30), (ID_A, 20)]


def test_a_tied_score_goes_to_fewer_running_trajectories() -> None:
    # 20 * 1/2 = 20 * 2/4 = 10: the same score, one running against two
    busier = a_volunteer(volunteer_id=ID_A, capacity=4, running=2)
    calmer = a_volunteer(volunteer_id=ID_C, capacity=2, running=1)
    ranked = suggestions([busier, calmer])
    assert [s.score for s in ranked] == [10, 10]
    assert [s.volunteer_id for s in ranked] == [ID_C, ID_A]


def test_a_full_tie_goes_to_the_lower_id() -> None:
    ranked = suggestions(
        [
            a_volunteer(volunteer_id=ID_C),
            a_volunteer(volunteer_id=ID_A),
            a_volunteer(volunteer_id=ID_B),
        ]
    )
    assert [s.volunteer_id for s in ranked] == [ID_A, ID_B, ID_C]


@pytest.mark.parametrize(("limit", "expected"), [(2, [ID_A, ID_B]), (1, [ID_A]), (0, [])])
def test_at_most_limit_suggestions(limit: int, expected: list[str]) -> None:
    volunteers = [
        a_volunteer(volunteer_id=ID_C),
        a_volunteer(volunteer_id=ID_A),
        a_volunteer(volunteer_id=ID_B),
    ]
    assert [s.volunteer_id for s in suggestions(volunteers, limit=limit)] == expected
