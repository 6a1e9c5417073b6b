"""The hard rules of the Meldcode steps (DOMAIN §4.3, CONTRACT §12.3, R25-R31): each test
fails when its rule is taken out. Steps are recorded as the use case does: the state table
and conditions (409), the fields (400), then `apply`."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

import pytest

from domain.errors import Forbidden, InvalidTransition, RuleViolation
from domain.events import MeldcodeCaseClosed, MeldcodeCaseDecided, MeldcodeStepRecorded
from domain.model.meldcode import (
    CaseStatus,
    MeldcodeCase,
    RaiseSignal,
    RecordedBy,
    Step,
    StepKind,
    retention_end,
    signal_problems,
)
from domain.model.meldcode_steps import RecordStep, apply, check_fields, check_role, status_after
from domain.policy import ROLE_MAXIMUM_SCOPES, Role, Scope
from tests.fakes import T0, an_actor

C, K = CaseStatus, StepKind
Fields = dict[str, Any]
CASE_ID: Final = "00000000-0000-4000-8000-00000000c001"
ON: Final = date(2027, 3, 20)
SIGNAL: Final = {
    "datum": ON,
    "waarneming": "Blauwe plek op de bovenarm van het kind.",
    "bron": "eigen_waarneming",
    "waargenomenDoor": "vrijwilliger",
    "isInterpretatie": False,
}
MAPPED: Final = {"signalen": [SIGNAL], "ontkrachtendeSignalen": []}
TALK: Final = {"datum": ON, "metWie": ["moeder"], "reactieClient": "Boos.", "uitkomst": "Zorg."}
REPORT: Final = {
    "datum": ON,
    "kanaal": "telefoon",
    "clientGeinformeerd": True,
    "reactieClient": "Ja",
}
HELP: Final = {"hulpvorm": "opvoedondersteuning", "afspraken": "Wekelijks.", "evaluatieOp": ON}
CONSULT: Final = {"datum": ON, "metRol": "adviseur", "advies": "Bel.", "casusGeanonimiseerd": True}


def _consult(kind: str = "collega") -> dict[str, Any]:
    return CONSULT | {"soort": kind}


def _acute(kanaal: str) -> dict[str, Any]:
    return {"datumTijd": T0, "kanaal": kanaal, "toelichting": "Direct gevaar."}


def _close(case: MeldcodeCase, reason: str, *, at: datetime = T0) -> Step:
    return _record(case, K.CLOSURE, {"reden": reason}, at=at)


def _weigh(a1: bool, a2: bool | None = None, *, doubt: bool = False) -> dict[str, Any]:
    fields: dict[str, Any] = {"afweging1": a1, "onderbouwing": "Zie stappen.", "twijfel": doubt}
    return fields if a2 is None else fields | {"afweging2": a2}


def _decide(a3: bool, a4: bool, report: bool, help_possible: bool, **more: Any) -> dict[str, Any]:
    decisions = {"meldenNoodzakelijk": report, "hulpMogelijk": help_possible}
    return {"afweging3": a3, "afweging4": a4, "motivering": "Zie.", "datum": ON} | decisions | more


def _record(case: MeldcodeCase, kind: StepKind, fields: Fields, *, at: datetime = T0) -> Step:
    """As the use case: state table and conditions (409), fields (400), then `apply`."""
    cmd, n, by = RecordStep(case.id, kind, fields), case.step_count + 1, RecordedBy("u", "c")
    after = status_after(case, cmd)
    check_fields(case, cmd)
    step = Step(f"stap-{n}", case.id, "mim-demo", n, kind, case.status, after, fields, by, at)
    apply(case, step)
    return step


def _case() -> MeldcodeCase:
    return MeldcodeCase(CASE_ID, "traject-1", "mim-demo", "GM0363", C.SIGNAL_RECEIVED, T0, T0)


def _consulted(consultation: str = "collega") -> MeldcodeCase:
    case = _case()
    _record(case, K.SIGNALS_MAPPED, MAPPED)
    _record(case, K.CONSULTATION, _consult(consultation))  # stap-2
    return case


def _talked(consultation: str = "collega") -> MeldcodeCase:
    case = _consulted(consultation)
    _record(case, K.CONVERSATION, TALK)
    return case


def _weighed(a1: bool = True, a2: bool | None = False, kind: str = "collega") -> MeldcodeCase:
    case = _talked(kind)
    _record(case, K.WEIGHING, _weigh(a1, a2))
    return case


def _decided(a3: bool, a4: bool, report: bool, help_possible: bool) -> MeldcodeCase:
    case = _weighed()
    _record(case, K.DECISION, _decide(a3, a4, report, help_possible))
    return case


def _names(refused: pytest.ExceptionInfo[RuleViolation]) -> list[str]:
    return [p.name for p in refused.value.problems]


def _problems(refused: pytest.ExceptionInfo[RuleViolation]) -> list[tuple[str, str]]:
    return [(p.name, p.code) for p in refused.value.problems]


# R25: the order of the steps and what steps 1 and 3 record
def test_r25_a_step_out_of_order_is_409() -> None:
    case = _case()
    with pytest.raises(InvalidTransition) as refused:
        _record(case, K.WEIGHING, _weigh(True, False))
    assert refused.value.code == "ongeldige-overgang"
    assert "signalen_in_kaart" in refused.value.allowed
    assert (case.status, case.step_count, case.version) == (C.SIGNAL_RECEIVED, 0, 1)


def test_r25_signalen_in_kaart_needs_the_list_of_contradicting_signals() -> None:
    with pytest.raises(RuleViolation) as refused:
        _record(_case(), K.SIGNALS_MAPPED, {"signalen": [SIGNAL]})
    assert _problems(refused) == [("ontkrachtendeSignalen", "verplicht")]
    assert _record(_case(), K.SIGNALS_MAPPED, MAPPED).status_after is C.SIGNALS_MAPPED


def test_r25_an_interpretation_says_whose_it_is() -> None:
    interpreted = SIGNAL | {"isInterpretatie": True}
    with pytest.raises(RuleViolation) as refused:
        _record(_case(), K.SIGNALS_MAPPED, MAPPED | {"ontkrachtendeSignalen": [interpreted]})
    assert _names(refused) == ["ontkrachtendeSignalen[0].vanWie"]
    fine = {"signalen": [interpreted | {"vanWie": "moeder"}], "ontkrachtendeSignalen": []}
    assert _record(_case(), K.SIGNALS_MAPPED, fine).status_after is C.SIGNALS_MAPPED


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"reden": "geen_tijd", "toelichting": "Druk."}, ["reden"]),
        ({"toelichting": "Druk."}, ["reden"]),
        ({"reden": "veiligheid_in_geding"}, ["toelichting"]),
        ({"reden": "contact_zou_worden_verbroken", "toelichting": ""}, ["toelichting"]),
    ],
    ids=["reden-niet-toegestaan", "reden-ontbreekt", "toelichting-ontbreekt", "toelichting-leeg"],
)
def test_r25_skipping_the_conversation_needs_an_allowed_reason_and_an_explanation(
    fields: dict[str, Any], named: list[str]
) -> None:
    case = _consulted()
    with pytest.raises(RuleViolation) as refused:
        _record(case, K.CONVERSATION_SKIPPED, fields)
    assert _names(refused) == named
    assert case.status is C.CONSULTED


# R26: doubt is weighed with Veilig Thuis
@pytest.mark.parametrize("kind", ["veilig_thuis", "veilig_thuis_anoniem", "collega"])
def test_r26_doubt_needs_an_earlier_veilig_thuis_consultation(kind: str) -> None:
    case = _talked(kind)
    if kind.startswith("veilig_thuis"):
        assert _record(case, K.WEIGHING, _weigh(True, False, doubt=True)).status_after is C.WEIGHED
        return
    with pytest.raises(InvalidTransition) as refused:
        _record(case, K.WEIGHING, _weigh(True, False, doubt=True))
    assert refused.value.code == "veilig-thuis-consultatie-vereist"
    assert case.status is C.CONVERSATION_HELD


# R27: afweging2 exactly when afweging1 is true
@pytest.mark.parametrize(("a1", "a2"), [(False, False), (False, True), (True, None)])
def test_r27_afweging2_belongs_to_afweging1_true(a1: bool, a2: bool | None) -> None:
    with pytest.raises(RuleViolation) as refused:
        _record(_talked(), K.WEIGHING, _weigh(a1, a2))
    assert _names(refused) == ["afweging2"]


# R28, R29: the two decisions follow the afwegingen
@pytest.mark.parametrize(
    ("a2", "a3", "a4"),
    [(True, True, True), (False, False, True), (False, True, False), (False, False, False)],
    ids=["onveilig-ook-met-hulp", "geen-hulp-te-bieden", "hulp-niet-aanvaard", "beide-nee"],
)
def test_r28_reporting_is_necessary_with_unsafety_or_help_out_of_reach(
    a2: bool, a3: bool, a4: bool
) -> None:
    case = _weighed(a2=a2, kind="veilig_thuis")
    fields = _decide(a3, a4, False, a3 and a4, veiligThuisStapId="stap-2")
    with pytest.raises(RuleViolation) as refused:
        _record(case, K.DECISION, fields)
    assert _problems(refused) == [("meldenNoodzakelijk", "besluit-strijdig-met-afweging")]
    assert refused.value.code == "besluit-strijdig-met-afweging"
    assert (case.status, case.facts.decision) == (C.WEIGHED, None)


@pytest.mark.parametrize(
    ("a3", "a4", "claimed"), [(True, True, False), (True, False, True), (False, True, True)]
)
def test_r29_help_is_possible_exactly_when_offered_and_accepted(
    a3: bool, a4: bool, claimed: bool
) -> None:
    with pytest.raises(RuleViolation) as refused:
        _record(_weighed(), K.DECISION, _decide(a3, a4, True, claimed))
    assert _problems(refused) == [("hulpMogelijk", "besluit-strijdig-met-afweging")]


def test_r29_afweging2_to_4_true_is_stored_with_both_decisions_true() -> None:
    case = _weighed(a2=True, kind="veilig_thuis")
    _record(case, K.DECISION, _decide(True, True, True, True, veiligThuisStapId="stap-2"))
    assert case.facts.decision is not None
    assert (case.facts.decision.report_necessary, case.facts.decision.help_possible) == (True, True)
    assert case.status is C.DECIDED


def test_the_worked_example_with_afweging4_false_lists_both_entries_in_order() -> None:
    """CONTRACT §20.5."""
    with pytest.raises(RuleViolation) as refused:
        _record(_weighed(), K.DECISION, _decide(True, False, False, True))
    assert refused.value.code == "besluit-strijdig-met-afweging"
    assert _names(refused) == ["meldenNoodzakelijk", "hulpMogelijk"]
    assert {code for _, code in _problems(refused)} == {"besluit-strijdig-met-afweging"}


def test_unsafety_needs_a_reference_to_a_vt_consultation_or_acute_melding() -> None:
    missing = _weighed(a2=True, kind="veilig_thuis")
    with pytest.raises(RuleViolation) as refused:
        _record(missing, K.DECISION, _decide(True, True, True, True))
    assert _problems(refused) == [("veiligThuisStapId", "verplicht")]

    colleague = _weighed(a2=True, kind="collega")  # stap-2 is not a VT consultation
    with pytest.raises(RuleViolation) as wrong:
        _record(colleague, K.DECISION, _decide(True, True, True, True, veiligThuisStapId="stap-2"))
    assert _problems(wrong) == [("veiligThuisStapId", "ongeldige-waarde")]

    acute = _weighed(a2=True, kind="collega")
    call = _record(acute, K.ACUTE_REPORT, _acute("politie"))
    _record(acute, K.DECISION, _decide(True, True, True, True, veiligThuisStapId=call.id))
    assert acute.status is C.DECIDED


# R30: who records which step
def test_r30_only_the_eindverantwoordelijke_with_beslissen_decides() -> None:
    with pytest.raises(Forbidden):
        check_role(K.DECISION, an_actor(Role.COORDINATOR))
    without = ROLE_MAXIMUM_SCOPES[Role.ACCOUNTABLE_OFFICER] - {Scope.MELDCODE_DECIDE}
    with pytest.raises(Forbidden):
        check_role(K.DECISION, an_actor(Role.ACCOUNTABLE_OFFICER, scopes=without))
    check_role(K.DECISION, an_actor(Role.ACCOUNTABLE_OFFICER))  # no exception: allowed


@pytest.mark.parametrize("kind", list(StepKind), ids=lambda k: k.value)
def test_r30_the_aandachtsfunctionaris_records_consultations_acute_meldingen_and_addenda(
    kind: StepKind,
) -> None:
    adviser = an_actor(Role.SAFEGUARDING_ADVISER)
    if kind in {K.CONSULTATION, K.ACUTE_REPORT, K.ADDENDUM}:
        check_role(kind, adviser)
    else:
        with pytest.raises(Forbidden):
            check_role(kind, adviser)
    with pytest.raises(Forbidden):
        check_role(kind, an_actor(Role.VOLUNTEER))
    without = ROLE_MAXIMUM_SCOPES[Role.COORDINATOR] - {Scope.MELDCODE_HANDLE}
    with pytest.raises(Forbidden):
        check_role(kind, an_actor(Role.COORDINATOR, scopes=without))


# R31: closing the case
def test_r31_geen_vermoeden_closes_from_gewogen_only_with_afweging1_false() -> None:
    no_suspicion = _weighed(a1=False, a2=None)
    with pytest.raises(InvalidTransition):
        _close(no_suspicion, "overgedragen_aan_vt")
    assert _close(no_suspicion, "geen_vermoeden").status_after is C.CLOSED

    suspicion = _weighed(a1=True, a2=False)
    with pytest.raises(InvalidTransition):
        _close(suspicion, "geen_vermoeden")
    decided = _decided(True, True, False, True)
    with pytest.raises(InvalidTransition) as refused:
        _close(decided, "geen_vermoeden")
    assert refused.value.code == "ongeldige-overgang"
    assert decided.status is C.DECIDED


def test_r31_a_decided_report_must_be_made_before_closing() -> None:
    case = _decided(True, False, True, False)
    with pytest.raises(InvalidTransition) as refused:
        _close(case, "overgedragen_aan_vt")
    assert refused.value.condition == "melding-vereist"
    _record(case, K.REPORT, REPORT)
    assert _close(case, "overgedragen_aan_vt").status_after is C.CLOSED


def test_r31_an_acute_melding_to_veilig_thuis_counts_as_the_melding_and_112_does_not() -> None:
    police = _decided(True, False, True, False)
    _record(police, K.ACUTE_REPORT, _acute("alarmnummer_112"))
    with pytest.raises(InvalidTransition):
        _close(police, "overgedragen_aan_vt")
    vt = _decided(True, False, True, False)
    _record(vt, K.ACUTE_REPORT, _acute("veilig_thuis"))
    assert _close(vt, "overgedragen_aan_vt").status_after is C.CLOSED


def test_r31_overgedragen_aan_vt_needs_a_melding_even_when_none_was_decided() -> None:
    case = _decided(True, True, False, True)
    with pytest.raises(InvalidTransition) as refused:
        _close(case, "overgedragen_aan_vt")
    assert refused.value.condition == "melding-vereist"
    with pytest.raises(InvalidTransition):
        _record(case, K.REPORT, REPORT)  # melden neither decided nor required


def test_r31_hulp_afgerond_needs_an_evaluation_with_afweging5_true() -> None:
    case = _decided(True, True, False, True)
    with pytest.raises(InvalidTransition):
        _close(case, "hulp_afgerond")
    _record(case, K.HELP, HELP)
    with pytest.raises(InvalidTransition):
        _close(case, "hulp_afgerond")
    _record(case, K.HELP_EVALUATION, {"datum": ON, "afweging5": True, "afsprakenMonitoring": "1x"})
    assert _close(case, "hulp_afgerond").status_after is C.CLOSED


def test_r31_afweging5_false_requires_a_report_that_then_may_be_made() -> None:
    case = _decided(True, True, False, True)
    _record(case, K.HELP, HELP)
    with pytest.raises(InvalidTransition):
        _record(case, K.REPORT, REPORT)
    _record(case, K.HELP_EVALUATION, {"datum": ON, "afweging5": False, "toelichting": "Onveilig."})
    assert case.facts.report_required is True
    with pytest.raises(InvalidTransition):
        _close(case, "overgedragen_aan_vt")
    _record(case, K.REPORT, REPORT)
    assert _close(case, "overgedragen_aan_vt").status_after is C.CLOSED


# apply: the case moves, counts, versions and announces
def test_apply_moves_the_case_and_announces_each_step() -> None:
    case = _case()
    step = _record(case, K.SIGNALS_MAPPED, MAPPED)
    assert (case.status, case.step_count, case.version) == (C.SIGNALS_MAPPED, 1, 2)
    [event] = case.pending_events
    assert isinstance(event, MeldcodeStepRecorded)
    data = {"casusId": CASE_ID, "stapId": step.id}
    assert event.data() == data | {"stap": "signalen_in_kaart", "statusNa": "signalen_in_kaart"}


def test_apply_announces_the_decision_after_its_step() -> None:
    case = _weighed()
    case.pending_events.clear()
    _record(case, K.DECISION, _decide(True, False, True, False))
    assert [type(e) for e in case.pending_events] == [MeldcodeStepRecorded, MeldcodeCaseDecided]
    decided = {"casusId": CASE_ID, "meldenNoodzakelijk": True, "hulpMogelijk": False}
    assert case.pending_events[1].data() == decided
    assert (case.version, case.step_count) == (6, 5)


def test_apply_closes_with_reason_and_five_years_retention() -> None:
    case = _weighed(a1=False, a2=None)
    case.pending_events.clear()
    at = datetime(2027, 3, 25, 10, 0, tzinfo=UTC)
    _close(case, "geen_vermoeden", at=at)
    assert (case.status, case.closed_at, case.retention_until) == (C.CLOSED, at, date(2032, 3, 25))
    assert case.closing_reason == "geen_vermoeden"
    assert [type(e) for e in case.pending_events] == [MeldcodeStepRecorded, MeldcodeCaseClosed]
    assert case.pending_events[1].data() == {"casusId": CASE_ID, "afsluitreden": "geen_vermoeden"}
    assert not case.open
    assert retention_end(date(2028, 2, 29)) == date(2033, 2, 28)  # no 29 February in 2033


# signal_problems
def _signal(**changes: Any) -> RaiseSignal:
    return replace(RaiseSignal("t", ON, "Gezien.", "eigen_waarneming", "kind", False), **changes)


def test_a_third_party_is_named_by_role_only_when_the_source_is_a_third_party() -> None:
    assert signal_problems(_signal(), today=ON) == []
    assert signal_problems(_signal(source="derde", third_party_role="buurvrouw"), today=ON) == []
    [missing] = signal_problems(_signal(source="derde"), today=ON)
    assert (missing.name, missing.code) == ("derdeRol", "verplicht")
    [refused] = signal_problems(_signal(source="moeder", third_party_role="buurvrouw"), today=ON)
    assert (refused.name, refused.code) == ("derdeRol", "ongeldige-waarde")


def test_an_observation_dated_in_the_future_is_refused() -> None:
    [future] = signal_problems(_signal(observed_on=ON + timedelta(days=1)), today=ON)
    assert (future.name, future.code) == ("waargenomenOp", "ongeldige-waarde")
