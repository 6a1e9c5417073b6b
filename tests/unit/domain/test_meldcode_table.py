"""Every (MeldcodeStatus, MeldcodeStapSoort) pair (CONTRACT §12.3): an allowed step leads to
the status the contract's table names (or leaves it), every other step is 409
`ongeldige-overgang`. The expected table is copied from the contract by hand, not read from
the code's state table."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any, Final

import pytest

from domain.errors import InvalidTransition
from domain.model.meldcode import CaseFacts, CaseStatus, Decision, MeldcodeCase, StepKind
from domain.model.meldcode_steps import RecordStep, status_after
from tests.fakes import T0

CASE_ID: Final = "00000000-0000-4000-8000-00000000c001"
TRAJECTORY_ID: Final = "00000000-0000-4000-8000-000000000001"

# CONTRACT §12.3, column "Status → after", written out: for each step, the statuses it may be
# recorded in and the status it leads to (None: the status stays as it was).
ALL: Final = (
    "signaal_ontvangen",
    "signalen_in_kaart",
    "geconsulteerd",
    "gesprek_gevoerd",
    "gewogen",
    "besloten",
    "afgesloten",
)
NOT_CLOSED: Final = ALL[:-1]
CONTRACT_TABLE: Final[dict[str, dict[str, str | None]]] = {
    "signalen_in_kaart": {"signaal_ontvangen": "signalen_in_kaart"},
    "consultatie": {
        "signalen_in_kaart": "geconsulteerd",
        "geconsulteerd": None,
        "gesprek_gevoerd": None,
        "gewogen": None,
        "besloten": None,
    },
    "gesprek": {"geconsulteerd": "gesprek_gevoerd"},
    "gesprek_overgeslagen": {"geconsulteerd": "gesprek_gevoerd"},
    "weging": {"gesprek_gevoerd": "gewogen"},
    "besluit": {"gewogen": "besloten"},
    "melding": {"besloten": None},
    "hulp": {"besloten": None},
    "vt_terugkoppeling": {"besloten": None},
    "hulp_evaluatie": {"besloten": None},
    "acute_melding": dict.fromkeys(NOT_CLOSED),
    "mim_voortzetting": dict.fromkeys(ALL),
    "afsluiting": {"gewogen": "afgesloten", "besloten": "afgesloten"},
    "addendum": dict.fromkeys(ALL),
}

ON: Final = date(2027, 3, 20)
# Complete, valid fields per step, as the API passes them (dates as datetime.date).
FIELDS: Final[dict[str, dict[str, Any]]] = {
    "signalen_in_kaart": {
        "signalen": [
            {
                "datum": date(2027, 3, 3),
                "waarneming": "Blauwe plek op de bovenarm van het kind.",
                "bron": "eigen_waarneming",
                "waargenomenDoor": "vrijwilliger",
                "isInterpretatie": False,
            }
        ],
        "ontkrachtendeSignalen": [],
    },
    "consultatie": {
        "datum": ON,
        "soort": "collega",
        "metRol": "coordinator",
        "advies": "Gesprek met moeder voeren.",
        "casusGeanonimiseerd": True,
    },
    "gesprek": {
        "datum": ON,
        "metWie": ["moeder"],
        "reactieClient": "Herkent de zorg.",
        "uitkomst": "Afspraken gemaakt.",
    },
    "gesprek_overgeslagen": {
        "reden": "veiligheid_in_geding",
        "toelichting": "Een gesprek brengt het kind in gevaar.",
    },
    "weging": {
        "afweging1": True,
        "afweging2": False,
        "onderbouwing": "Zie stappen.",
        "twijfel": False,
    },
    "besluit": {
        "afweging3": True,
        "afweging4": False,
        "meldenNoodzakelijk": True,
        "hulpMogelijk": False,
        "motivering": "Hulp wordt niet aanvaard.",
        "datum": ON,
    },
    "melding": {
        "datum": ON,
        "kanaal": "telefoon",
        "clientGeinformeerd": True,
        "reactieClient": "Begrijpt het.",
    },
    "hulp": {"hulpvorm": "opvoedondersteuning", "afspraken": "Wekelijks.", "evaluatieOp": ON},
    "vt_terugkoppeling": {"datum": ON, "samenvatting": "Veilig Thuis start onderzoek."},
    "hulp_evaluatie": {"datum": ON, "afweging5": True, "afsprakenMonitoring": "Elke maand."},
    "acute_melding": {
        "datumTijd": T0,
        "kanaal": "alarmnummer_112",
        "toelichting": "Direct gevaar.",
    },
    "mim_voortzetting": {"besluit": "voortzetten", "motivering": "MIM helpt het gezin."},
    "afsluiting": {"reden": "overgedragen_aan_vt"},
    "addendum": {"tekst": "Aanvulling op het gesprek.", "reden": "aanvulling"},
}


def _decision(*, report: bool, help_possible: bool) -> Decision:
    return Decision(report_necessary=report, help_possible=help_possible, taken_by="e", on=ON)


def _satisfied(kind: StepKind, status: CaseStatus) -> tuple[CaseFacts, dict[str, Any]]:
    """Facts and fields that meet the step's own conditions, so only the table decides."""
    fields = dict(FIELDS[kind.value])
    if kind is StepKind.DECISION:
        return CaseFacts(suspicion=True, unsafety=False), fields
    if kind is StepKind.REPORT:
        return CaseFacts(
            suspicion=True, decision=_decision(report=True, help_possible=False)
        ), fields
    if kind is StepKind.HELP:
        return CaseFacts(
            suspicion=True, decision=_decision(report=False, help_possible=True)
        ), fields
    if kind is StepKind.VT_FEEDBACK:
        facts = CaseFacts(decision=_decision(report=True, help_possible=False), report_made=True)
        return facts, fields
    if kind is StepKind.HELP_EVALUATION:
        facts = CaseFacts(decision=_decision(report=False, help_possible=True), help_given=True)
        return facts, fields
    if kind is StepKind.CLOSURE and status is CaseStatus.WEIGHED:
        return CaseFacts(suspicion=False), {"reden": "geen_vermoeden"}
    if kind is StepKind.CLOSURE:
        facts = CaseFacts(
            suspicion=True, decision=_decision(report=True, help_possible=False), report_made=True
        )
        return facts, fields
    return CaseFacts(), fields


def _case(status: CaseStatus, facts: CaseFacts) -> MeldcodeCase:
    return MeldcodeCase(
        id=CASE_ID,
        trajectory_id=TRAJECTORY_ID,
        organisation="mim-demo",
        municipality="GM0363",
        status=status,
        opened_at=T0,
        updated_at=T0,
        facts=facts,
    )


PAIRS: Final = [(status, kind) for status in CaseStatus for kind in StepKind]


def _pair_id(pair: tuple[CaseStatus, StepKind]) -> str:
    status, kind = pair
    verdict = "toegestaan" if status.value in CONTRACT_TABLE[kind.value] else "geweigerd"
    return f"{status.value}--{kind.value}--{verdict}"


@pytest.mark.parametrize("pair", PAIRS, ids=[_pair_id(p) for p in PAIRS])
def test_each_pair_follows_the_contract_table(pair: tuple[CaseStatus, StepKind]) -> None:
    status, kind = pair
    facts, fields = _satisfied(kind, status)
    case = _case(status, facts)
    before = replace(case, facts=replace(facts))
    cmd = RecordStep(CASE_ID, kind, fields)
    moves = CONTRACT_TABLE[kind.value]

    if status.value in moves:
        expected = moves[status.value] or status.value
        assert status_after(case, cmd).value == expected
    else:
        with pytest.raises(InvalidTransition) as refused:
            status_after(case, cmd)
        assert refused.value.code == "ongeldige-overgang"
        assert (refused.value.current, refused.value.target) == (status.value, kind.value)
        assert refused.value.condition is None  # the table refused, not a step's condition
        allowed_here = {step for step, rows in CONTRACT_TABLE.items() if status.value in rows}
        assert set(refused.value.allowed) == allowed_here
    assert case == before  # deciding the status never changes the case


def test_the_table_covers_every_status_and_step_of_the_code_lists() -> None:
    assert set(CONTRACT_TABLE) == {kind.value for kind in StepKind}
    assert set(ALL) == {status.value for status in CaseStatus}
    assert len(PAIRS) == 98
    assert all(set(rows) <= set(ALL) for rows in CONTRACT_TABLE.values())


def test_a_closed_case_takes_only_mim_voortzetting_and_addendum() -> None:
    closed = [kind for kind, rows in CONTRACT_TABLE.items() if "afgesloten" in rows]
    assert closed == ["mim_voortzetting", "addendum"]
    with pytest.raises(InvalidTransition) as refused:
        status_after(
            _case(CaseStatus.CLOSED, CaseFacts()),
            RecordStep(CASE_ID, StepKind.ACUTE_REPORT, FIELDS["acute_melding"]),
        )
    assert refused.value.allowed == closed
