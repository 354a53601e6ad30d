"""Reads for the temporal rules (apps.core.rules.temporal): a child's dates as plain facts,
loaded in a fixed number of queries for any number of children."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from apps.core.rules.temporal import (
    AppointmentFacts,
    AssessmentFacts,
    Breach,
    ChildFacts,
    DatedRecord,
    Period,
    PlacementFacts,
    Rule,
    child_breaches,
    counts_by_rule,
)


def child_facts(child_ids: Iterable[int]) -> dict[int, ChildFacts]:
    from apps.assessments.models import (
        Appointment,
        Assessment,
        DentalCheck,
        ImmunisationRecord,
        SdqRecord,
    )
    from apps.children.models import Child, PeriodOfCare
    from apps.placements.models import Placement

    ids = sorted(set(child_ids))
    born = dict(Child.objects.filter(pk__in=ids).values_list("pk", "date_of_birth"))
    periods: dict[int, list[Period]] = defaultdict(list)
    for row in PeriodOfCare.objects.filter(child_id__in=ids).values(
        "id", "child_id", "start_date", "end_date", "reason_new_episode"
    ):
        periods[row["child_id"]].append(
            Period(
                id=row["id"],
                start=row["start_date"],
                end=row["end_date"],
                from_entry=row["reason_new_episode"] == "S",
            )
        )
    appointments: dict[int, list[AppointmentFacts]] = defaultdict(list)
    for row in Appointment.objects.filter(assessment__child_id__in=ids).values(
        "id", "assessment_id", "booked_on", "appointment_date"
    ):
        appointments[row["assessment_id"]].append(
            AppointmentFacts(row["id"], row["booked_on"], row["appointment_date"])
        )
    assessments: dict[int, list[AssessmentFacts]] = defaultdict(list)
    for row in Assessment.objects.filter(child_id__in=ids).values(
        "id",
        "child_id",
        "kind",
        "period_of_care_id",
        "request_sent_on",
        "request_complete_on",
        "held_on",
        "report_returned_on",
        "before_records",
    ):
        assessments[row["child_id"]].append(
            AssessmentFacts(
                id=row["id"],
                kind=row["kind"],
                period_id=row["period_of_care_id"],
                request_sent_on=row["request_sent_on"],
                request_complete_on=row["request_complete_on"],
                held_on=row["held_on"],
                report_returned_on=row["report_returned_on"],
                appointments=tuple(appointments[row["id"]]),
                before_records=row["before_records"],
            )
        )
    placements: dict[int, list[PlacementFacts]] = defaultdict(list)
    for row in Placement.objects.filter(child_id__in=ids).values(
        "id", "child_id", "period_of_care_id", "start_date", "end_date"
    ):
        placements[row["child_id"]].append(
            PlacementFacts(row["id"], row["period_of_care_id"], row["start_date"], row["end_date"])
        )
    records: dict[int, list[DatedRecord]] = defaultdict(list)
    for kind, model, field in (
        ("DENTAL", DentalCheck, "checked_on"),
        ("SDQ", SdqRecord, "completed_on"),
        ("IMMUNISATION", ImmunisationRecord, "checked_on"),
    ):
        for pk, child_id, on in model.objects.filter(child_id__in=ids).values_list(
            "id", "child_id", field
        ):
            records[child_id].append(DatedRecord(kind, pk, on))
    return {
        child_id: ChildFacts(
            id=child_id,
            date_of_birth=dob,
            periods=tuple(sorted(periods[child_id], key=lambda p: p.start)),
            assessments=tuple(sorted(assessments[child_id], key=lambda a: a.id)),
            placements=tuple(sorted(placements[child_id], key=lambda p: p.start)),
            records=tuple(sorted(records[child_id], key=lambda r: (r.kind, r.on, r.id))),
        )
        for child_id, dob in born.items()
    }


def breaches_of_child(child_id: int) -> list[Breach]:
    facts = child_facts([child_id]).get(child_id)
    return child_breaches(facts, today=timezone.localdate()) if facts else []


def breaches_by_child(child_ids: Iterable[int], *, chunk: int = 500) -> dict[int, list[Breach]]:
    """Every child with at least one breach, in child id order."""
    today = timezone.localdate()
    ids = sorted(set(child_ids))
    found: dict[int, list[Breach]] = {}
    for start in range(0, len(ids), chunk):
        for child_id, facts in child_facts(ids[start : start + chunk]).items():
            breaches = child_breaches(facts, today=today)
            if breaches:
                found[child_id] = breaches
    return dict(sorted(found.items()))


RECORD_NAMES = {
    "appointment": "Appointment",
    "placement": "Placement",
    "dental": "Dental check",
    "sdq": "SDQ",
    "immunisation": "Immunisation check",
}


def record_name(breach: Breach, assessment_kinds: dict[int, str]) -> str:
    if breach.record == "assessment":
        return assessment_kinds.get(breach.record_id, "Assessment")
    return RECORD_NAMES.get(breach.record, breach.record)


@dataclass(frozen=True)
class ReportRow:
    child_id: int
    reference: str
    name: str
    problems: list[tuple[str, Breach]]  # (record name, breach)


@dataclass(frozen=True)
class DateReport:
    children_checked: int
    rows: list[ReportRow]
    counts: dict[Rule, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def date_report(children) -> DateReport:
    """The rows already in the database that break the temporal rules, by child, with the
    rule in words and counts per rule. Reads only: nothing is rewritten."""
    from apps.assessments.models import Assessment

    ids = list(children.values_list("pk", flat=True))
    found = breaches_by_child(ids)
    kinds = dict(Assessment.objects.filter(child_id__in=list(found)).values_list("pk", "kind"))
    names = {
        c["pk"]: c
        for c in children.model.objects.filter(pk__in=list(found)).values(
            "pk", "la_child_id", "first_name", "last_name"
        )
    }
    rows = [
        ReportRow(
            child_id=child_id,
            reference=names[child_id]["la_child_id"],
            name=f"{names[child_id]['first_name']} {names[child_id]['last_name']}",
            problems=[(record_name(b, kinds), b) for b in breaches],
        )
        for child_id, breaches in found.items()
    ]
    rows.sort(key=lambda row: row.reference)
    counts = counts_by_rule(b for breaches in found.values() for b in breaches)
    return DateReport(children_checked=len(ids), rows=rows, counts=counts)
