"""A child's timeline and change history for the child page (selectors: reads only, a
constant number of queries per child)."""

from dataclasses import dataclass
from datetime import date, datetime
from itertools import chain

from django.utils import timezone

from apps.assessments.models import (
    Appointment,
    Assessment,
    DentalCheck,
    HealthHistory,
    ImmunisationRecord,
    SdqRecord,
)
from apps.assessments.models.assessment import REASON_CHOICES
from apps.assessments.models.records import sdq_band
from apps.children.models import Child, LegalStatusChange, PeriodOfCare
from apps.core.corrections import NOT_CHANGES, changed_fields, shown, who
from apps.placements.models import Placement

_REASONS = dict(REASON_CHOICES)
_PARTY = {
    "LA": "the local authority",
    "HEALTH": "health",
    "UNDETERMINED": "nobody yet (undetermined)",
}


@dataclass(frozen=True)
class Event:
    on: date
    title: str
    detail: str = ""
    # care | placement | request | appointment | assessment | breach | record | correction
    # | deletion
    kind: str = "care"


def child_timeline(child: Child) -> list[Event]:
    events: list[Event] = []
    for period in PeriodOfCare.objects.filter(child=child):
        events.append(
            Event(period.start_date, "Became looked after", period.get_legal_status_display())
        )
        if period.end_date:
            events.append(
                Event(period.end_date, "Ceased to be looked after", period.get_reason_end_display())
            )
    for change in LegalStatusChange.objects.filter(child=child):
        events.append(
            Event(change.start_date, "Legal status changed", change.get_legal_status_display())
        )
    for placement in Placement.objects.filter(child=child).select_related("area"):
        where = f"{placement.area}" + (
            f", {placement.postcode_district}" if placement.postcode_district else ""
        )
        carer = f"; carer {placement.carer_name}" if placement.carer_name else ""
        events.append(
            Event(
                placement.start_date,
                f"Placement started: {placement.get_place_display()}",
                f"{where}{carer}",
                "placement",
            )
        )
    assessments = (
        Assessment.objects.filter(child=child)
        .select_related("provider")
        .prefetch_related("appointments")
    )
    for a in assessments:
        events.extend(_assessment_events(a))
    for check in DentalCheck.objects.filter(child=child):
        events.append(Event(check.checked_on, "Dental check", check.practice, "record"))
    for sdq in SdqRecord.objects.filter(child=child):
        if sdq.total_score is not None:
            detail = f"Total {sdq.total_score} ({sdq_band(sdq.total_score)}), from the {sdq.get_informant_display().lower()}"
        else:
            detail = f"Not completed: {sdq.get_reason_not_completed_display()}"
        events.append(Event(sdq.completed_on, "SDQ recorded", detail, "record"))
    for record in ImmunisationRecord.objects.filter(child=child):
        events.append(
            Event(record.checked_on, "Immunisations checked", record.get_status_display(), "record")
        )
    for history in HealthHistory.objects.filter(child=child):
        events.append(
            Event(history.provided_on, "Health history given to the young person", "", "record")
        )
    from apps.writeups.selectors import child_report_events

    events.extend(
        Event(on, title, detail, "assessment") for on, title, detail in child_report_events(child)
    )
    events.extend(correction_events(child))
    return sorted(events, key=lambda e: e.on, reverse=True)


_CORRECTED = {
    "Child": "Child's details corrected",
    "Sdq record": "SDQ corrected",
    "Immunisation record": "Immunisation check corrected",
}
# What a person corrects on an assessment (its status, deadlines and attribution are the
# recompute's, which the history snapshots with the correction).
_REQUEST_FIELDS = {"request_sent_on", "consent_obtained_on", "request_complete_on", "provider"}
_ASSESSMENT_FIELDS = {"held_on", "clinician_role", "report_returned_on", "outcome_summary"}
_DELETED_AS = {
    "Appointment": "Appointment",
    "Dental check": "Dental check",
    "Sdq record": "SDQ",
    "Immunisation record": "Immunisation check",
}


def correction_events(child: Child) -> list[Event]:
    """Each correction (issue 13: a change with a reason), on the day it was made, with
    what changed, the reason and who made it; and each record deleted as entered in error
    ("Deleted: entered in error", with the reason)."""
    histories = [
        Child.history.filter(id=child.pk),
        PeriodOfCare.history.filter(child_id=child.pk),
        Placement.history.filter(child_id=child.pk),
        Assessment.history.filter(child_id=child.pk),
        Appointment.history.filter(assessment__child_id=child.pk),
        DentalCheck.history.filter(child_id=child.pk),
        SdqRecord.history.filter(child_id=child.pk),
        ImmunisationRecord.history.filter(child_id=child.pk),
    ]
    events = []
    for history in histories:
        for record in (
            history.filter(history_type="~", history_change_reason__isnull=False)
            .exclude(history_change_reason="")
            .select_related("history_user")
        ):
            previous = record.prev_record
            name = record.instance._meta.verbose_name.capitalize()
            on = timezone.localdate(record.history_date)
            detail_who = f"Reason: {record.history_change_reason} ({who(record)})"
            deleted = _deleted_title(record, previous, name)
            if deleted:
                events.append(Event(on, deleted, detail_who, "deletion"))
                continue
            title = _CORRECTED.get(name, f"{name} corrected")
            only = None
            if name == "Assessment" and previous is not None:
                changed = {c.field for c in record.diff_against(previous).changes}
                only = _REQUEST_FIELDS | _ASSESSMENT_FIELDS
                if changed & only <= _REQUEST_FIELDS:
                    title = "Request corrected"
            fields = changed_fields(record, previous, only) if previous is not None else ""
            events.append(
                Event(
                    on,
                    title,
                    f"{fields[:1].upper()}{fields[1:]}. {detail_who}".lstrip(". "),
                    "correction",
                )
            )
    return events


def _deleted_title(record, previous, name: str) -> str:
    """The title "Deleted: entered in error: ..." when this history record is a soft delete."""
    if name in _DELETED_AS:
        if record.deleted_at and (previous is None or previous.deleted_at is None):
            return f"Deleted: entered in error: {_DELETED_AS[name].lower()}"
        return ""
    if (
        name == "Assessment"
        and record.request_deleted_at
        and (previous is None or previous.request_deleted_at != record.request_deleted_at)
    ):
        sent = previous.request_sent_on if previous is not None else None
        when = f" sent {shown(sent)}" if sent else ""
        return f"Deleted: entered in error: {record.kind} request{when}"
    return ""


def _assessment_events(a: Assessment) -> list[Event]:
    name = a.get_kind_display()
    out = [
        Event(
            a.clock_start,
            f"{name} clock started",
            f"Request due {a.request_due:%d %b %Y}; assessment due {a.due_date:%d %b %Y}",
            "request",
        )
    ]
    if a.request_sent_on:
        out.append(
            Event(a.request_sent_on, f"{name} requested", f"Sent to {a.provider}", "request")
        )
    if a.request_complete_on:
        out.append(
            Event(
                a.request_complete_on,
                f"{name} request complete",
                "Consent and information received",
                "request",
            )
        )
    for appointment in a.appointments.all():
        out.append(
            Event(
                appointment.booked_on,
                f"{name} appointment booked",
                f"For {appointment.appointment_date:%d %b %Y}",
                "appointment",
            )
        )
        if appointment.outcome != "BOOKED":
            who = (
                f" by the {appointment.get_cancelled_by_display().lower()}"
                if appointment.cancelled_by
                else ""
            )
            move = " (placement move)" if appointment.placement_move else ""
            out.append(
                Event(
                    appointment.appointment_date,
                    f"Appointment {appointment.get_outcome_display().lower()}{who}{move}",
                    appointment.note,
                    "appointment",
                )
            )
    if a.held_on:
        if a.before_records:
            who = f"By {a.held_by_provider}, before" if a.held_by_provider else "Before"
            detail = f"{who} our records began (recorded from the records the LA holds)"
        elif a.clinician_role:
            detail = f"By a {a.get_clinician_role_display().lower()}"
        else:
            detail = ""
        out.append(Event(a.held_on, f"{name} held", detail, "assessment"))
    if a.report_returned_on:
        out.append(Event(a.report_returned_on, f"{name} report returned", "", "assessment"))
    if a.declined_on:
        out.append(
            Event(
                a.declined_on,
                f"{name} declined by the young person",
                a.outcome_summary,
                "assessment",
            )
        )
    if a.not_required_reason and not a.before_records:
        # (An assessment from before our records is held, not "not required": it only
        # counts in no timeliness measure, which its "held" entry says.)
        out.append(
            Event(
                a.due_date,
                f"{name} not required",
                a.get_not_required_reason_display(),
                "assessment",
            )
        )
    party = a.effective_party
    if party:
        reason = _REASONS.get(a.effective_reason, "no reason given")
        override = f" Overridden: {a.override_note}" if a.override_party else ""
        out.append(
            Event(
                a.due_date,
                f"{name} breached: charged to {_PARTY.get(party, party)}",
                f"{reason}. {a.breach_rule}{override}",
                "breach",
            )
        )
    return out


@dataclass(frozen=True)
class Change:
    at: datetime
    who: str
    what: str
    change: str
    fields: str


_TYPES = {"+": "Created", "~": "Changed", "-": "Deleted"}


def child_history(child: Child, limit: int = 40) -> list[Change]:
    """Who changed what in the record, newest first (django-simple-history)."""
    histories = [
        Child.history.filter(id=child.pk),
        PeriodOfCare.history.filter(child_id=child.pk),
        Placement.history.filter(child_id=child.pk),
        Assessment.history.filter(child_id=child.pk),
    ]
    records = sorted(
        chain.from_iterable(
            h.select_related("history_user").order_by("-history_date")[:limit] for h in histories
        ),
        key=lambda r: r.history_date,
        reverse=True,
    )[:limit]
    changes = []
    for record in records:
        fields = ""
        if record.history_type == "~" and record.prev_record is not None:
            delta = record.diff_against(record.prev_record)
            fields = ", ".join(
                c.field.replace("_", " ") for c in delta.changes if c.field not in NOT_CHANGES
            )
        who = (
            record.history_user.get_full_name() or record.history_user.username
            if record.history_user
            else "System"
        )
        changes.append(
            Change(
                record.history_date,
                who,
                record.instance._meta.verbose_name.capitalize(),
                _TYPES[record.history_type],
                fields,
            )
        )
    return changes
