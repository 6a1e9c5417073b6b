"""The rules of each Meldcode step (CONTRACT §12.3, DOMAIN §4.3, R25-R31), checked in this
order: the role (403), the state table and the step's conditions (409), the step's own
fields (400). Only then does `apply` change the case; a refusal changes nothing."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from domain.errors import FieldProblem, Forbidden, InvalidTransition, RuleViolation
from domain.events import MeldcodeCaseClosed, MeldcodeCaseDecided, MeldcodeStepRecorded
from domain.model.calendar import local_date
from domain.model.meldcode import (
    STEPS,
    VT_CONSULTATIONS,
    CaseStatus,
    ClosingReason,
    ContinuationDecision,
    Decision,
    MeldcodeCase,
    Step,
    StepKind,
    allowed_steps,
    retention_end,
)
from domain.policy import Actor, Scope

K = StepKind
C = CaseStatus
SKIP_REASONS: Final = frozenset({"veiligheid_in_geding", "contact_zou_worden_verbroken"})
ADDENDUM_REASONS: Final = frozenset({"correctie", "aanvulling", "zienswijze_client"})
CONFLICT: Final = "besluit-strijdig-met-afweging"


@dataclass(frozen=True, slots=True)
class RecordStep:
    """Command: `POST /v1/meldcode-casussen/{id}/stappen`; `fields` by published name."""

    case_id: str
    kind: StepKind
    fields: Mapping[str, Any]
    expected_version: int | None = None  # If-Match


def check_role(kind: StepKind, actor: Actor) -> None:
    """R30: a role the step does not list, or a decision without `meldcode.beslissen`, is
    403; every step needs `meldcode.behandelen`."""
    rule = STEPS[kind]
    if not actor.has(Scope.MELDCODE_HANDLE) or actor.role not in rule.roles:
        raise Forbidden("Deze rol legt deze stap niet vast.")
    if rule.decides and not actor.has(Scope.MELDCODE_DECIDE):
        raise Forbidden("Het besluit vraagt meldcode.beslissen.")


def status_after(case: MeldcodeCase, cmd: RecordStep) -> CaseStatus:
    """The state table, then the step's conditions: 409 `ongeldige-overgang` (R25, R31), or
    `veilig-thuis-consultatie-vereist` for `twijfel` without one (R26)."""
    moves = STEPS[cmd.kind].moves
    if case.status not in moves:
        raise refuse(case, cmd.kind)
    condition = _CONDITIONS.get(cmd.kind, _none)(case, cmd.fields)
    if condition == "veilig-thuis-consultatie":
        raise refuse(case, cmd.kind, condition=condition, code="veilig-thuis-consultatie-vereist")
    if condition is not None:
        raise refuse(case, cmd.kind, condition=condition)
    after = moves[case.status]
    return case.status if after is None else after


def refuse(
    case: MeldcodeCase, kind: StepKind, *, condition: str | None = None, **extra: str
) -> InvalidTransition:
    return InvalidTransition(
        current=case.status.value,
        target=kind.value,
        allowed=[k.value for k in allowed_steps(case.status)],
        condition=condition,
        detail=f"De stap {kind.value} kan nu niet (casus in {case.status.value}).",
        **extra,
    )


def _none(case: MeldcodeCase, fields: Mapping[str, Any]) -> str | None:
    return None


def _weighing(case: MeldcodeCase, fields: Mapping[str, Any]) -> str | None:
    """R26: doubt is weighed with Veilig Thuis: an earlier (anonymous) VT consultation."""
    if fields.get("twijfel") is True and not case.facts.vt_consulted:
        return "veilig-thuis-consultatie"
    return None


def _decision(case: MeldcodeCase, fields: Mapping[str, Any]) -> str | None:
    return None if case.facts.suspicion is True else "afweging1-ja-vereist"


def _report(case: MeldcodeCase, fields: Mapping[str, Any]) -> str | None:
    facts = case.facts
    decided = facts.decision is not None and facts.decision.report_necessary
    return None if decided or facts.report_required else "melden-besloten-of-vereist"


def _help(case: MeldcodeCase, fields: Mapping[str, Any]) -> str | None:
    decision = case.facts.decision
    return None if decision is not None and decision.help_possible else "hulp-mogelijk-vereist"


def _vt_feedback(case: MeldcodeCase, fields: Mapping[str, Any]) -> str | None:
    return None if case.facts.report_made else "melding-vereist"


def _help_evaluation(case: MeldcodeCase, fields: Mapping[str, Any]) -> str | None:
    return None if case.facts.help_given else "hulp-vereist"


def _closure(case: MeldcodeCase, fields: Mapping[str, Any]) -> str | None:
    """R31: `geen_vermoeden` only from `gewogen` with afweging1 false; from `besloten` a
    decided or required report must exist, `overgedragen_aan_vt` needs one, and
    `hulp_afgerond` an evaluation with afweging5 true."""
    reason, facts = fields.get("reden"), case.facts
    if case.status is C.WEIGHED:
        if facts.suspicion is not False:
            return "besluit-vereist"
        return None if reason == ClosingReason.NO_SUSPICION else "alleen-geen-vermoeden"
    if reason == ClosingReason.NO_SUSPICION:
        return "geen-vermoeden-alleen-na-weging"
    report_due = facts.report_required or (
        facts.decision is not None and facts.decision.report_necessary
    )
    if (report_due or reason == ClosingReason.HANDED_TO_VT) and not facts.report_made:
        return "melding-vereist"
    if reason == ClosingReason.HELP_COMPLETED and facts.safety_restored is not True:
        return "hulp-evaluatie-veilig-vereist"
    return None


_CONDITIONS: Final[Mapping[StepKind, Callable[[MeldcodeCase, Mapping[str, Any]], str | None]]] = {
    K.WEIGHING: _weighing,
    K.DECISION: _decision,
    K.REPORT: _report,
    K.HELP: _help,
    K.VT_FEEDBACK: _vt_feedback,
    K.HELP_EVALUATION: _help_evaluation,
    K.CLOSURE: _closure,
}


def check_fields(case: MeldcodeCase, cmd: RecordStep) -> None:
    """400 naming every field that breaks a rule of its step (R25, R27-R29)."""
    problems = _FIELDS.get(cmd.kind, _no_problems)(case, cmd.fields)
    if problems:
        raise RuleViolation(problems, "De stap voldoet niet aan de regels van de meldcode.")


def _no_problems(case: MeldcodeCase, fields: Mapping[str, Any]) -> list[FieldProblem]:
    return []


def _required(name: str, reason: str) -> FieldProblem:
    return FieldProblem(name, "verplicht", reason)


def _signals_mapped(case: MeldcodeCase, fields: Mapping[str, Any]) -> list[FieldProblem]:
    """R25: at least one signal, and the contradicting signals as a list (may be empty);
    an interpretation says whose it is."""
    problems = []
    if not fields.get("signalen"):
        problems.append(_required("signalen", "Minstens één signaal."))
    if fields.get("ontkrachtendeSignalen") is None:
        problems.append(_required("ontkrachtendeSignalen", "Ontkrachtende signalen (lijst)."))
    for name in ("signalen", "ontkrachtendeSignalen"):
        items: Sequence[Mapping[str, Any]] = fields.get(name) or ()
        for index, item in enumerate(items):
            if item.get("isInterpretatie") is True and not item.get("vanWie"):
                problems.append(
                    _required(f"{name}[{index}].vanWie", "Een interpretatie noemt van wie.")
                )
    return problems


def _conversation_skipped(case: MeldcodeCase, fields: Mapping[str, Any]) -> list[FieldProblem]:
    """R25: only two reasons allow skipping the conversation, always explained."""
    problems = []
    if fields.get("reden") not in SKIP_REASONS:
        problems.append(
            FieldProblem("reden", "verplicht", "Alleen veiligheid of dreigend contactverlies.")
        )
    if not fields.get("toelichting"):
        problems.append(_required("toelichting", "Een overgeslagen gesprek wordt toegelicht."))
    return problems


def _weighing_fields(case: MeldcodeCase, fields: Mapping[str, Any]) -> list[FieldProblem]:
    """R27: afweging2 exactly when afweging1 is true."""
    suspicion, unsafety = fields.get("afweging1"), fields.get("afweging2")
    if suspicion is True and unsafety is None:
        return [_required("afweging2", "Verplicht als afweging 1 ja is.")]
    if suspicion is False and unsafety is not None:
        return [FieldProblem("afweging2", "ongeldige-waarde", "Alleen als afweging 1 ja is.")]
    return []


def decision_problems(
    unsafety: bool, help_offered: bool, help_accepted: bool, report: bool, help_possible: bool
) -> list[FieldProblem]:
    """R28, R29 (DOMAIN §4.3): reporting is necessary with acute or structural unsafety (also
    when help is possible) and whenever help is out of reach or refused; help is possible
    exactly when it can be offered and is accepted."""
    problems = []
    if not report and (unsafety or not help_offered or not help_accepted):
        reason = (
            "Melden is noodzakelijk bij acute of structurele onveiligheid."
            if unsafety
            else "Melden is noodzakelijk als afweging 3 of 4 nee is."
        )
        problems.append(FieldProblem("meldenNoodzakelijk", CONFLICT, reason))
    if help_possible != (help_offered and help_accepted):
        problems.append(
            FieldProblem(
                "hulpMogelijk", CONFLICT, "hulpMogelijk moet gelijk zijn aan afweging 3 én 4."
            )
        )
    return problems


def _decision_fields(case: MeldcodeCase, fields: Mapping[str, Any]) -> list[FieldProblem]:
    unsafety = case.facts.unsafety is True
    problems = decision_problems(
        unsafety,
        fields.get("afweging3") is True,
        fields.get("afweging4") is True,
        fields.get("meldenNoodzakelijk") is True,
        fields.get("hulpMogelijk") is True,
    )
    reference = fields.get("veiligThuisStapId")
    if unsafety and reference is None:
        problems.append(
            _required("veiligThuisStapId", "Bij onveiligheid: de VT-consultatie of acute melding.")
        )
    elif reference is not None and reference not in case.facts.vt_steps:
        problems.append(
            FieldProblem(
                "veiligThuisStapId", "ongeldige-waarde", "Geen VT-consultatie of acute melding."
            )
        )
    return problems


def _report_fields(case: MeldcodeCase, fields: Mapping[str, Any]) -> list[FieldProblem]:
    """The client was told and her reaction recorded, or why not (and the attempts)."""
    informed, why_not = fields.get("clientGeinformeerd"), fields.get("redenNietGeinformeerd")
    problems = []
    if informed is True and not fields.get("reactieClient"):
        problems.append(_required("reactieClient", "Verplicht als de cliënt is geïnformeerd."))
    if informed is False and why_not is None:
        problems.append(
            _required("redenNietGeinformeerd", "Waarom de cliënt niet is geïnformeerd.")
        )
    if informed is True and why_not is not None:
        problems.append(
            FieldProblem("redenNietGeinformeerd", "ongeldige-waarde", "De cliënt is geïnformeerd.")
        )
    if why_not == "niet_bereikbaar" and not fields.get("contactpogingen"):
        problems.append(_required("contactpogingen", "De pogingen om haar te bereiken."))
    return problems


def _help_fields(case: MeldcodeCase, fields: Mapping[str, Any]) -> list[FieldProblem]:
    """After a melding the help is agreed with Veilig Thuis."""
    agreed = fields.get("afgestemdMetVeiligThuis")
    if case.facts.report_made and agreed is not True:
        code = "verplicht" if agreed is None else "ongeldige-waarde"
        return [FieldProblem("afgestemdMetVeiligThuis", code, "Na een melding: afgestemd met VT.")]
    return []


def _help_evaluation_fields(case: MeldcodeCase, fields: Mapping[str, Any]) -> list[FieldProblem]:
    restored = fields.get("afweging5")
    if restored is True and not fields.get("afsprakenMonitoring"):
        return [_required("afsprakenMonitoring", "Verplicht als de veiligheid hersteld is.")]
    if restored is False and not fields.get("toelichting"):
        return [_required("toelichting", "Verplicht als de veiligheid niet hersteld is.")]
    return []


def _continuation_fields(case: MeldcodeCase, fields: Mapping[str, Any]) -> list[FieldProblem]:
    decision = fields.get("besluit")
    if decision == ContinuationDecision.INTERRUPT and fields.get("heroverwegingOp") is None:
        return [_required("heroverwegingOp", "Verplicht bij onderbreken.")]
    return []


def _addendum_fields(case: MeldcodeCase, fields: Mapping[str, Any]) -> list[FieldProblem]:
    """A correction points at the step it corrects (R32)."""
    if fields.get("reden") not in ADDENDUM_REASONS:
        return [FieldProblem("reden", "ongeldige-waarde", "Onbekende reden.")]
    if fields.get("reden") == "correctie" and fields.get("verwijstNaarStapId") is None:
        return [_required("verwijstNaarStapId", "Een correctie wijst de gecorrigeerde stap aan.")]
    return []


_FIELDS: Final[
    Mapping[StepKind, Callable[[MeldcodeCase, Mapping[str, Any]], list[FieldProblem]]]
] = {
    K.SIGNALS_MAPPED: _signals_mapped,
    K.CONVERSATION_SKIPPED: _conversation_skipped,
    K.WEIGHING: _weighing_fields,
    K.DECISION: _decision_fields,
    K.REPORT: _report_fields,
    K.HELP: _help_fields,
    K.HELP_EVALUATION: _help_evaluation_fields,
    K.CONTINUATION: _continuation_fields,
    K.ADDENDUM: _addendum_fields,
}


def apply(case: MeldcodeCase, step: Step) -> None:
    """Records what later rules look back on, moves the case, `versie` + 1, and the thin
    events (ids, step, status only)."""
    fields, facts = step.fields, case.facts
    kind = step.kind
    if kind is K.CONSULTATION and fields.get("soort") in VT_CONSULTATIONS:
        facts.vt_consulted = True
        facts.vt_steps = (*facts.vt_steps, step.id)
    elif kind is K.WEIGHING:
        facts.suspicion, facts.unsafety = fields.get("afweging1"), fields.get("afweging2")
    elif kind is K.DECISION:
        facts.decision = Decision(
            report_necessary=fields["meldenNoodzakelijk"],
            help_possible=fields["hulpMogelijk"],
            taken_by=step.recorded_by.actor_id,
            on=fields["datum"],
        )
    elif kind is K.REPORT:
        facts.report_made = True
    elif kind is K.ACUTE_REPORT:
        facts.acute_reported = True
        facts.vt_steps = (*facts.vt_steps, step.id)
        facts.report_made = facts.report_made or fields.get("kanaal") == "veilig_thuis"
    elif kind is K.HELP:
        facts.help_given = True
    elif kind is K.HELP_EVALUATION:
        facts.safety_restored = fields.get("afweging5")
        facts.report_required = facts.report_required or fields.get("afweging5") is False
    elif kind is K.CLOSURE:
        case.closing_reason = ClosingReason(fields["reden"])
        case.closed_at = step.recorded_at
        case.retention_until = retention_end(local_date(step.recorded_at))
    case.status = step.status_after
    case.step_count += 1
    case.touch(at=step.recorded_at)
    _announce(case, step)


def _announce(case: MeldcodeCase, step: Step) -> None:
    common = {
        "organisation": case.organisation,
        "municipality": case.municipality,
        "case_id": case.id,
    }
    case.pending_events.append(
        MeldcodeStepRecorded(
            subject=step.id, step=step.kind.value, status_after=step.status_after.value, **common
        )
    )
    decision = case.facts.decision
    if step.kind is K.DECISION and decision is not None:
        case.pending_events.append(
            MeldcodeCaseDecided(
                subject=case.id,
                report_necessary=decision.report_necessary,
                help_possible=decision.help_possible,
                **common,
            )
        )
    if step.kind is K.CLOSURE and case.closing_reason is not None:
        case.pending_events.append(
            MeldcodeCaseClosed(subject=case.id, closing_reason=case.closing_reason.value, **common)
        )
