"""A child's timeline and change history for the child page (selectors: reads only, a
constant number of queries per child)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import connection
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
from apps.core.corrections import NOT_CHANGES, shown, who
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


@dataclass
class ChildRecords:
    """What the child page and its timeline show of one child, one query per record kind
    (issue 18: the page's query count does not grow with the child's history). Each list
    is in the page's order, newest first."""

    assessments: list[Assessment]  # with provider and appointments
    periods: list[PeriodOfCare]
    legal_status_changes: list[LegalStatusChange]
    placements: list[Placement]  # with area
    dental_checks: list[DentalCheck]
    sdq_records: list[SdqRecord]
    immunisations: list[ImmunisationRecord]
    health_histories: list[HealthHistory]


def child_records(child: Child) -> ChildRecords:
    # Ordered by the child's own columns, never by "child" (the models' default ordering
    # follows it into a join with the children table and its name ordering).
    return ChildRecords(
        assessments=list(
            Assessment.objects.filter(child=child)
            .select_related("provider")
            .prefetch_related("appointments")
            .order_by("-due_date", "-id")
        ),
        periods=list(PeriodOfCare.objects.filter(child=child).order_by("-start_date", "-id")),
        legal_status_changes=list(
            LegalStatusChange.objects.filter(child=child).order_by(
                "-period_of_care__start_date", "-period_of_care_id", "-start_date", "-id"
            )
        ),
        placements=list(
            Placement.objects.filter(child=child)
            .select_related("area")
            .order_by("-start_date", "-id")
        ),
        dental_checks=list(DentalCheck.objects.filter(child=child).order_by("-checked_on", "-id")),
        sdq_records=list(SdqRecord.objects.filter(child=child).order_by("-completed_on", "-id")),
        immunisations=list(
            ImmunisationRecord.objects.filter(child=child).order_by("-checked_on", "-id")
        ),
        health_histories=list(
            HealthHistory.objects.filter(child=child).order_by("-provided_on", "-id")
        ),
    )


def child_timeline(
    child: Child, records: ChildRecords | None = None, histories: ChildHistories | None = None
) -> list[Event]:
    """Every event of the child's record, newest first (events of one day in the order of
    their kinds below, each kind in its models' order)."""
    records = records or child_records(child)
    events: list[Event] = []
    for period in reversed(records.periods):
        events.append(
            Event(period.start_date, "Became looked after", period.get_legal_status_display())
        )
        if period.end_date:
            events.append(
                Event(period.end_date, "Ceased to be looked after", period.get_reason_end_display())
            )
    for change in reversed(records.legal_status_changes):
        events.append(
            Event(change.start_date, "Legal status changed", change.get_legal_status_display())
        )
    for placement in reversed(records.placements):
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
    for a in reversed(records.assessments):
        events.extend(_assessment_events(a))
    for check in records.dental_checks:
        events.append(Event(check.checked_on, "Dental check", check.practice, "record"))
    for sdq in records.sdq_records:
        if sdq.total_score is not None:
            detail = f"Total {sdq.total_score} ({sdq_band(sdq.total_score)}), from the {sdq.get_informant_display().lower()}"
        else:
            detail = f"Not completed: {sdq.get_reason_not_completed_display()}"
        events.append(Event(sdq.completed_on, "SDQ recorded", detail, "record"))
    for record in records.immunisations:
        events.append(
            Event(record.checked_on, "Immunisations checked", record.get_status_display(), "record")
        )
    for history in records.health_histories:
        events.append(
            Event(history.provided_on, "Health history given to the young person", "", "record")
        )
    from apps.writeups.selectors import child_report_events

    events.extend(
        Event(on, title, detail, "assessment") for on, title, detail in child_report_events(child)
    )
    events.extend(correction_events(child, histories))
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


# The history tables the page reads (django-simple-history), with how a row names the
# child, and whether the change history (``child_history``) lists its rows as well as its
# corrections.
_HISTORIES: list[tuple[Any, str, bool]] = [
    (Child, "h.id = %s", True),
    (PeriodOfCare, "h.child_id = %s", True),
    (Placement, "h.child_id = %s", True),
    (Assessment, "h.child_id = %s", True),
    (
        Appointment,
        "h.assessment_id IN (SELECT a.id FROM assessments_assessment a WHERE a.child_id = %s)",
        False,
    ),
    (DentalCheck, "h.child_id = %s", False),
    (SdqRecord, "h.child_id = %s", False),
    (ImmunisationRecord, "h.child_id = %s", False),
]

# One table's part: the history rows of the child's records that the page shows (each
# correction, and the ``limit`` newest of a listed table), each with the id of its record's
# previous history row (simple-history's ``prev_record``: the record's row before it in
# time), so that no row costs a query of its own.
_HISTORY_ARM = """
SELECT %s AS part, history_id, prev_id, is_correction FROM (
  SELECT h.history_id,
         LAG(h.history_id) OVER (PARTITION BY h.id ORDER BY h.history_date, h.history_id)
             AS prev_id,
         ({belongs}) AS belongs,
         (h.history_type = '~' AND h.history_change_reason <> '') AS is_correction,
         ROW_NUMBER() OVER (PARTITION BY ({belongs})
                            ORDER BY h.history_date DESC, h.history_id DESC) AS recent
    FROM {table} h
   WHERE h.id IN (SELECT h.id FROM {table} h WHERE {belongs})
) ranked
WHERE belongs AND (is_correction OR recent <= %s)
"""


@dataclass
class ChildHistories:
    """The history rows of one child's records the page shows, per table of _HISTORIES
    (newest first): its corrections, its ``limit`` newest rows (listed tables only), and
    each row's previous row (None: its first)."""

    limit: int
    corrections: list[list]
    recent: list[list]
    previous: dict[tuple[int, int], object]

    def previous_of(self, part: int, record) -> object:
        return self.previous.get((part, record.history_id))


def child_histories(child: Child, limit: int = 40) -> ChildHistories:
    """One query for which rows (a UNION over the tables), then one per table with any."""
    sql, params = [], []
    for part, (model, belongs, listed) in enumerate(_HISTORIES):
        table = model.history.model._meta.db_table
        sql.append(_HISTORY_ARM.format(table=table, belongs=belongs))
        params += [part, child.pk, child.pk, child.pk, limit if listed else 0]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(sql), params)
        rows = cursor.fetchall()
    wanted: dict[int, list[tuple[int, int | None, bool]]] = {}
    for part, history_id, prev_id, is_correction in rows:
        wanted.setdefault(part, []).append((history_id, prev_id, bool(is_correction)))
    corrections: list[list] = [[] for _ in _HISTORIES]
    recent: list[list] = [[] for _ in _HISTORIES]
    previous: dict[tuple[int, int], object] = {}
    for part, found in wanted.items():
        model = _HISTORIES[part][0]
        ids = {history_id for history_id, _, _ in found}
        ids |= {prev_id for _, prev_id, _ in found if prev_id is not None}
        loaded = {
            record.history_id: record
            for record in model.history.filter(history_id__in=ids).select_related("history_user")
        }
        # Newest first, as the history managers order them.
        ordered = sorted(found, key=lambda row: (loaded[row[0]].history_date, row[0]), reverse=True)
        for history_id, prev_id, is_correction in ordered:
            record = loaded[history_id]
            previous[(part, history_id)] = loaded.get(prev_id) if prev_id else None
            if is_correction:
                corrections[part].append(record)
        if _HISTORIES[part][2]:
            recent[part] = [loaded[history_id] for history_id, _, _ in ordered][:limit]
    return ChildHistories(limit, corrections, recent, previous)


def _name(record) -> str:
    return record.instance_type._meta.verbose_name.capitalize()


def _changed_fields(record, previous, only: set[str] | None = None) -> str:
    """apps.core.corrections.changed_fields, labelled from the record's model (its
    ``instance`` reads the live row for the columns the history leaves out: a query)."""
    options = record.instance_type._meta
    return ", ".join(
        f"{options.get_field(c.field).verbose_name} from {shown(c.old)} to {shown(c.new)}"
        for c in record.diff_against(previous).changes
        if c.field not in NOT_CHANGES and (only is None or c.field in only)
    )


def correction_events(child: Child, histories: ChildHistories | None = None) -> list[Event]:
    """Each correction (issue 13: a change with a reason), on the day it was made, with
    what changed, the reason and who made it; and each record deleted as entered in error
    ("Deleted: entered in error", with the reason)."""
    histories = histories or child_histories(child)
    events = []
    for part, records in enumerate(histories.corrections):
        for record in records:
            previous = histories.previous_of(part, record)
            name = _name(record)
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
            fields = _changed_fields(record, previous, only) if previous is not None else ""
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


def child_history(
    child: Child, limit: int = 40, histories: ChildHistories | None = None
) -> list[Change]:
    """Who changed what in the record, newest first (django-simple-history)."""
    if histories is None or histories.limit < limit:
        histories = child_histories(child, limit)
    records = sorted(
        (
            (part, record)
            for part, listed in enumerate(histories.recent)
            for record in listed[:limit]
        ),
        key=lambda item: item[1].history_date,
        reverse=True,
    )[:limit]
    changes = []
    for part, record in records:
        fields = ""
        previous = histories.previous_of(part, record)
        if record.history_type == "~" and previous is not None:
            delta = record.diff_against(previous)
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
                _name(record),
                _TYPES[record.history_type],
                fields,
            )
        )
    return changes
