"""Writes of the write-up, its report, readings and plan actions. Each checks who may do it
and the state first; the report's return goes through the assessments service so the
clocks and KPIs see it."""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import TEAM_ROLES, Role, User
from apps.assessments.models import Assessment, SdqRecord
from apps.assessments.models.records import sdq_band
from apps.assessments.services import (
    assessment_return_report,
    assessment_written_up,
    immunisation_record,
)
from apps.children.selectors import children_visible_to
from apps.children.services import correction_mark
from apps.core.services import (
    apply_changes,
    bump_version,
    check_not_future,
    check_version,
    save_with_constraints,
    today,
)
from apps.core.working_days import age_on
from apps.writeups.models import (
    Addendum,
    PlanAction,
    Report,
    ReportReading,
    ReportSource,
    WriteUp,
)
from apps.writeups.rules import growth, immunisations
from apps.writeups.rules.actions import ActionStatus, OwnerKind, check_close
from apps.writeups.rules.loop import LoopError, LoopFacts, LoopState, check_step
from apps.writeups.rules.sections import (
    COMPLETED,
    NOT_ASSESSED,
    SECTION_BY_KEY,
    sections_for,
    sign_off_errors,
    validate_section,
)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def _sees_child(user: User, child_id: int, sees_child: bool | None) -> bool:
    """Whether the user sees the child: ``sees_child`` when the caller has already asked
    (the child page's panel asks once for all its rows), else one query."""
    if sees_child is not None:
        return sees_child
    return children_visible_to(user).filter(pk=child_id).exists()


def may_write_up(user: User, assessment: Assessment, *, sees_child: bool | None = None) -> bool:
    """The assessment's provider's clinicians write it up (DOMAIN.md 9: nurses and
    paediatricians complete assessments and health plans)."""
    return (
        user.is_authenticated
        and user.role == Role.LAC_NURSE
        and assessment.provider_id is not None
        and assessment.provider_id == user.organisation_id
        and _sees_child(user, assessment.child_id, sees_child)
    )


def _require_writer(user: User, assessment: Assessment) -> None:
    if not may_write_up(user, assessment):
        raise PermissionDenied("Only the provider's clinicians write up this assessment.")


def _held_on(assessment: Assessment) -> date:
    """The day the assessment was held; the write-up steps are reached only once it was."""
    if assessment.held_on is None:
        raise ValidationError({"held_on": "Record that the assessment was held first."})
    return assessment.held_on


def age_at_assessment(assessment: Assessment) -> int:
    return age_on(assessment.child.date_of_birth, _held_on(assessment))


def loop_facts(assessment: Assessment) -> LoopFacts:
    write_up = getattr(assessment, "write_up", None)
    report = getattr(assessment, "report", None)
    read_at = None
    if report is not None:
        first = report.readings.order_by("read_at").first()
        read_at = first.read_at if first else None
    return LoopFacts(
        held_on=assessment.held_on,
        signed_off_at=write_up.signed_off_at if write_up else None,
        # Returned through the report's step or the assessment's own: either counts.
        returned_on=(report.returned_on if report else None) or assessment.report_returned_on,
        read_at=read_at,
    )


def _step(assessment: Assessment, target: LoopState, field: str) -> None:
    try:
        check_step(loop_facts(assessment), target)
    except LoopError as error:
        raise ValidationError({field: str(error)}) from error


def _computed(write_up: WriteUp) -> dict[str, Any]:
    """Growth centiles, the latest SDQ and the immunisation lines, as the write-up shows
    them: recomputed on every save of a draft, frozen at sign-off."""
    assessment = write_up.assessment
    child = assessment.child
    computed: dict[str, Any] = {}
    measured = write_up.sections.get("growth") or {}
    if measured.get("state") != NOT_ASSESSED and measured.get("measured_on"):
        points = growth.growth_points(
            sex_code=child.sex,
            date_of_birth=child.date_of_birth,
            measured_on=date.fromisoformat(measured["measured_on"]),
            height_cm=measured.get("height_cm"),
            weight_kg=measured.get("weight_kg"),
            head_circumference_cm=measured.get("head_circumference_cm"),
        )
        computed["growth"] = [point.as_dict() for point in points]
    sdq = (
        SdqRecord.objects.filter(child=child, completed_on__lte=assessment.held_on)
        .order_by("-completed_on", "-id")
        .first()
    )
    if sdq is not None:
        computed["sdq"] = {
            "completed_on": sdq.completed_on.isoformat(),
            "total": sdq.total_score,
            "band": sdq_band(sdq.total_score) if sdq.total_score is not None else None,
            "informant": sdq.get_informant_display(),
            "reason_not_completed": sdq.get_reason_not_completed_display(),
        }
    given = write_up.sections.get("immunisations") or {}
    summary = immunisation_summary(child.date_of_birth, _held_on(assessment), given)
    computed["immunisations"] = {
        "status": summary.status,
        "catch_up_needed": summary.catch_up_needed,
        "lines": [
            {
                "code": line.dose.code,
                "vaccine": line.dose.vaccine,
                "due_age": line.dose.due_age,
                "record": line.record,
                "given_on": line.given_on.isoformat() if line.given_on else None,
                "state": line.state.value,
            }
            for line in summary.lines
            if line.state != immunisations.DoseState.NOT_YET_DUE
        ],
    }
    return computed


def immunisation_summary(
    date_of_birth: date, on: date, data: dict[str, Any]
) -> immunisations.ImmunisationSummary:
    records: dict[str, tuple[str, date | None]] = {}
    for dose in immunisations.doses_for(date_of_birth):
        record = data.get(f"dose_{dose.code}") or immunisations.DoseRecord.UNKNOWN
        given_on = data.get(f"dose_{dose.code}_on") or None
        records[dose.code] = (record, date.fromisoformat(given_on) if given_on else None)
    return immunisations.summarise(date_of_birth=date_of_birth, on=on, records=records)


def _clean_values(data: dict[str, Any]) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, date):
            value = value.isoformat()
        elif value is None:
            value = ""
        elif not isinstance(value, str):
            value = str(value)
        cleaned[key] = value.strip()
    return cleaned


@transaction.atomic
def write_up_save_section(
    *, assessment: Assessment, section: str, data: dict[str, Any], saved_by: User
) -> WriteUp:
    """Save one section of the draft (the draft is kept between sittings). The values are
    checked as far as they go; completeness is checked at sign-off."""
    assessment = (
        Assessment.objects.select_for_update().select_related("child").get(pk=assessment.pk)
    )
    _require_writer(saved_by, assessment)
    if assessment.held_on is None:
        raise ValidationError(
            {"section": "Record that the assessment was held before writing it up."}
        )
    spec = SECTION_BY_KEY.get(section)
    if spec is None or spec not in sections_for(age_at_assessment(assessment)):
        raise ValidationError({"section": "There is no such section for this child's age."})
    write_up = WriteUp.objects.select_for_update().filter(assessment=assessment).first()
    if write_up is not None and write_up.is_signed_off:
        raise ValidationError({"section": "The write-up is signed off: add an addendum instead."})
    values = _clean_values(data)
    if values.get("state", "") not in {"", COMPLETED, NOT_ASSESSED}:
        raise ValidationError({"state": "Choose completed or not assessed."})
    if values.get("state") != NOT_ASSESSED:
        values.pop("reason", None)
    errors = validate_section(
        spec, values, date_of_birth=assessment.child.date_of_birth, held_on=assessment.held_on
    )
    if errors:
        raise ValidationError(errors)
    if write_up is None:
        write_up = WriteUp(assessment=assessment, started_by=saved_by)
    write_up.sections = {**write_up.sections, section: values}
    write_up.last_saved_by = saved_by
    write_up.assessment = assessment
    write_up.computed = _computed(write_up)
    if write_up.pk:
        bump_version(write_up)
    save_with_constraints(write_up)
    return write_up


@transaction.atomic
def write_up_sign_off(
    *,
    assessment: Assessment,
    signed_by: User,
    name: str,
    role: str,
    registration: str,
) -> WriteUp:
    """Sign off: every section for the child's age completed or "not assessed, because",
    the clinician named with their registration. The report PDF is made at once."""
    assessment = (
        Assessment.objects.select_for_update().select_related("child").get(pk=assessment.pk)
    )
    _require_writer(signed_by, assessment)
    write_up = WriteUp.objects.select_for_update().filter(assessment=assessment).first()
    _step(assessment, LoopState.SIGNED_OFF, "sign_off")
    if write_up is None:
        raise ValidationError({"sign_off": "Nothing has been written up yet."})
    errors = sign_off_errors(
        write_up.sections,
        date_of_birth=assessment.child.date_of_birth,
        held_on=_held_on(assessment),
        age_years=age_at_assessment(assessment),
    )
    signer = {"name": name.strip(), "role": role, "registration": registration.strip()}
    if not signer["name"]:
        errors["name"] = "Enter the clinician's name."
    if not signer["registration"]:
        errors["registration"] = (
            "Enter the professional registration (for example GMC or NMC number)."
        )
    if assessment.kind == "IHA" and role not in {"PAEDIATRICIAN", "GP", "OTHER_DOCTOR"}:
        errors["role"] = (
            "An initial health assessment is signed off by a registered medical practitioner."
        )
    if not role:
        errors["role"] = "Choose the clinician's role."
    if errors:
        raise ValidationError(errors)
    write_up.assessment = assessment
    write_up.computed = _computed(write_up)
    write_up.signed_off_at = timezone.now()
    write_up.signed_off_by = signed_by
    write_up.signer_name = signer["name"]
    write_up.signer_role = role
    write_up.signer_registration = signer["registration"]
    write_up.last_saved_by = signed_by
    bump_version(write_up)
    save_with_constraints(write_up)
    # The sign-off is the assessment's completion (it replaced the free-text "complete"
    # step): the assessment records the clinician's role; its held date does not move.
    assessment_written_up(assessment=assessment, clinician_role=role, signed_by=signed_by)
    immunised = write_up.sections.get("immunisations") or {}
    if immunised.get("state") == COMPLETED:
        # The child's record takes the status the write-up found, so the record, the
        # report and a later health history say the same thing (DOMAIN.md 4).
        immunisation_record(
            child=assessment.child,
            checked_on=_held_on(assessment),
            status=write_up.computed["immunisations"]["status"],
            recorded_by=signed_by,
            note=f"From the {assessment.get_kind_display().lower()} write-up",
        )
    from apps.writeups.report_pdf import write_up_pdf

    report = Report(
        assessment=assessment,
        source=ReportSource.GENERATED,
        pdf=write_up_pdf(write_up),
        filename=f"{assessment.kind.lower()}-report-{assessment.child_id}-{assessment.held_on:%Y%m%d}.pdf",
        created_by=signed_by,
    )
    save_with_constraints(report)
    return write_up


@transaction.atomic
def addendum_add(*, assessment: Assessment, text: str, author: User, section: str = "") -> Addendum:
    """A correction after sign-off, with its author and time; the signed text stays."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    _require_writer(author, assessment)
    write_up = WriteUp.objects.filter(assessment=assessment).first()
    if write_up is None or not write_up.is_signed_off:
        raise ValidationError({"text": "Addenda are added after sign-off; edit the draft instead."})
    if not text.strip():
        raise ValidationError({"text": "Enter the correction or addition."})
    if section and section not in SECTION_BY_KEY:
        raise ValidationError({"section": "Choose a section of the write-up."})
    addendum = Addendum(write_up=write_up, text=text.strip(), author=author, section=section)
    save_with_constraints(addendum)
    # The report carries its addenda (the signed text above them unchanged), so whoever
    # opens it later reads the correction too.
    report = (
        Report.objects.select_for_update()
        .filter(assessment=assessment, source=ReportSource.GENERATED)
        .first()
    )
    if report is not None:
        from apps.writeups.report_pdf import write_up_pdf

        write_up.assessment = assessment
        report.pdf = write_up_pdf(write_up)
        bump_version(report)
        save_with_constraints(report)
    return addendum


def may_return(user: User, report: Report) -> bool:
    return (
        user.is_authenticated
        and user.role in {Role.LAC_NURSE, Role.HEALTH_ADMIN}
        and report.assessment.provider_id == user.organisation_id
    )


@transaction.atomic
def report_return(*, report: Report, returned_by: User, returned_on: date | None = None) -> Report:
    """ "Return the report": recorded on the assessment through its service, so the
    report-returned clock and KPI see it, and on the report."""
    report = Report.objects.select_for_update().select_related("assessment").get(pk=report.pk)
    assessment = report.assessment
    if not may_return(returned_by, report):
        raise PermissionDenied("The assessment's provider returns the report.")
    returned_on = returned_on or today()
    check_not_future("returned_on", returned_on, "The date the report was returned")
    if report.source == ReportSource.GENERATED:
        _step(assessment, LoopState.RETURNED, "returned_on")
    elif report.returned_on is not None:
        raise ValidationError({"returned_on": "The report has already been returned."})
    if assessment.report_returned_on is None:
        assessment_return_report(
            assessment=assessment, returned_on=returned_on, returned_by=returned_by
        )
    else:
        # Returned already through the assessment's own page: the report takes that date.
        returned_on = assessment.report_returned_on
    report.returned_on = returned_on
    report.returned_by = returned_by
    bump_version(report)
    save_with_constraints(report)
    return report


def may_acknowledge(user: User, report: Report, *, sees_child: bool | None = None) -> bool:
    return (
        user.is_authenticated
        and user.role in TEAM_ROLES
        and _sees_child(user, report.assessment.child_id, sees_child)
    )


@transaction.atomic
def report_acknowledge(*, report: Report, reader: User) -> ReportReading:
    """The social worker (or their manager) has read the returned report and health plan."""
    report = Report.objects.select_for_update().select_related("assessment").get(pk=report.pk)
    if not may_acknowledge(reader, report):
        raise PermissionDenied(
            "The child's social worker or their manager acknowledges the report."
        )
    if report.returned_on is None and report.assessment.report_returned_on is None:
        raise ValidationError({"report": "The report has not been returned yet."})
    existing = ReportReading.objects.filter(report=report, reader=reader).first()
    if existing is not None:
        raise ValidationError(
            {
                "report": f"You marked this report as read on {timezone.localtime(existing.read_at):%d/%m/%Y}."
            }
        )
    reading = ReportReading(report=report, reader=reader, read_at=timezone.now())
    save_with_constraints(reading)
    return reading


def _check_upload(content: bytes, filename: str) -> None:
    if not filename.lower().endswith(".pdf") or not content.startswith(b"%PDF-"):
        raise ValidationError({"file": "The report must be a PDF."})
    if len(content) > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": "The report must be smaller than 10 MB."})
    if not virus_scan(content):
        raise ValidationError({"file": "The file did not pass the virus check."})


def virus_scan(content: bytes) -> bool:
    """The hook for a virus scanner (ClamAV or the trust's service): True when clean. No
    scanner is configured yet, so every file passes; a deployment replaces this."""
    return True


@transaction.atomic
def report_upload(
    *, assessment: Assessment, content: bytes, filename: str, uploaded_by: User
) -> Report:
    """A report done elsewhere (out of area): PDF only, size-limited, scanned."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if not (
        uploaded_by.role in {Role.LAC_NURSE, Role.HEALTH_ADMIN}
        and assessment.provider_id == uploaded_by.organisation_id
    ):
        raise PermissionDenied("The assessment's provider uploads the report.")
    if assessment.held_on is None:
        raise ValidationError({"file": "Record that the assessment was held first."})
    if Report.objects.filter(assessment=assessment).exists():
        raise ValidationError({"file": "This assessment already has a report."})
    _check_upload(content, filename)
    report = Report(
        assessment=assessment,
        source=ReportSource.UPLOADED,
        pdf=content,
        filename=f"{assessment.kind.lower()}-report-{assessment.child_id}-uploaded.pdf",
        created_by=uploaded_by,
    )
    save_with_constraints(report)
    return report


def may_manage_actions(
    user: User, assessment: Assessment, *, sees_child: bool | None = None
) -> bool:
    return may_write_up(user, assessment, sees_child=sees_child)


def _action_errors(
    assessment: Assessment,
    *,
    need: str,
    action: str,
    owner_kind: str,
    owner_user: User | None,
    owner_name: str,
    due_date: date | None,
) -> dict[str, str]:
    """What is wrong with an action's need, action, owner and due date, by field (adding
    one and correcting one check the same)."""
    errors = {}
    if owner_kind not in OwnerKind.__members__.values():
        errors["owner_kind"] = "Choose who owns the action."
    if (
        owner_user is not None
        and not children_visible_to(owner_user).filter(pk=assessment.child_id).exists()
    ):
        errors["owner_user"] = "The owner must be someone who works with this child."
    if owner_user is None and not owner_name.strip():
        errors["owner_name"] = "Name the owner (the carer, GP, service or young person)."
    if due_date is None:
        errors["due_date"] = "Enter the date the action is due."
    elif assessment.held_on and due_date < assessment.held_on:
        errors["due_date"] = "The due date cannot be before the assessment."
    if not need.strip():
        errors["need"] = "Enter the health need."
    if not action.strip():
        errors["action"] = "Enter the action."
    return errors


# What a correction of an action may change (issue 14); its status has its own step.
PLAN_ACTION_CORRECTABLE = ("need", "action", "owner_kind", "owner_user", "owner_name", "due_date")


@transaction.atomic
def plan_action_correct(
    *,
    action: PlanAction,
    corrected_by: User,
    data: dict[str, Any],
    reason: str | None,
    expected_version: int | None,
) -> PlanAction:
    """Correct an action's need, action, owner or due date, with the reason: kept in its
    history with the author and reason and shown on the child's timeline as corrected
    (the care record's correction rule, apps.children.services.correction_mark); an edit
    of a version someone else has changed since is refused (409)."""
    item = (
        PlanAction.objects.select_for_update().select_related("assessment__child").get(pk=action.pk)
    )
    if not may_manage_actions(corrected_by, item.assessment):
        raise PermissionDenied("The assessment's clinicians correct its health plan.")
    check_version(item, expected_version)
    correction_mark(item, by=corrected_by, reason=reason or "")
    values = {
        key: value.strip() if isinstance(value, str) else value for key, value in data.items()
    }
    changed = apply_changes(item, values, PLAN_ACTION_CORRECTABLE)
    if not changed:
        return item
    errors = _action_errors(
        item.assessment,
        need=item.need,
        action=item.action,
        owner_kind=item.owner_kind,
        owner_user=item.owner_user,
        owner_name=item.owner_name,
        due_date=item.due_date,
    )
    if errors:
        raise ValidationError(errors)
    bump_version(item)
    save_with_constraints(item)
    return item


@transaction.atomic
def plan_action_add(
    *,
    assessment: Assessment,
    need: str,
    action: str,
    owner_kind: str,
    due_date: date | None,
    created_by: User,
    owner_user: User | None = None,
    owner_name: str = "",
) -> PlanAction:
    assessment = (
        Assessment.objects.select_for_update().select_related("child").get(pk=assessment.pk)
    )
    _require_writer(created_by, assessment)
    errors = _action_errors(
        assessment,
        need=need,
        action=action,
        owner_kind=owner_kind,
        owner_user=owner_user,
        owner_name=owner_name,
        due_date=due_date,
    )
    if errors or due_date is None:  # (a missing due date is among the errors)
        raise ValidationError(errors)
    item = PlanAction(
        assessment=assessment,
        need=need.strip(),
        action=action.strip(),
        owner_kind=owner_kind,
        owner_user=owner_user,
        owner_name=owner_name.strip(),
        due_date=due_date,
        created_by=created_by,
    )
    save_with_constraints(item)
    return item


def may_close_action(user: User, item: PlanAction) -> bool:
    if item.owner_user_id is not None and item.owner_user_id == user.pk:
        return True
    if may_write_up(user, item.assessment):
        return True
    # The child's team records the actions owned by carers and young people.
    return (
        user.role in TEAM_ROLES
        and children_visible_to(user).filter(pk=item.assessment.child_id).exists()
    )


@transaction.atomic
def plan_action_close(
    *, action: PlanAction, status: str, closed_on: date, closed_by: User, reason_not_done: str = ""
) -> PlanAction:
    item = PlanAction.objects.select_for_update().select_related("assessment").get(pk=action.pk)
    if not may_close_action(closed_by, item):
        raise PermissionDenied("You may not record this action.")
    errors = check_close(
        status=item.status,
        new_status=status,
        reason=reason_not_done,
        completed_on=closed_on,
        today=today(),
    )
    if closed_on is not None and closed_on < item.created_at.date():
        errors["completed_on"] = "The date cannot be before the action was agreed."
    if errors:
        raise ValidationError(errors)
    item.status = status
    item.closed_on = closed_on
    item.closed_by = closed_by
    item.reason_not_done = reason_not_done.strip() if status == ActionStatus.NOT_DONE else ""
    bump_version(item)
    save_with_constraints(item)
    return item
