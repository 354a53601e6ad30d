"""The writes of a checked import, in bulk with their history rows."""

from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING

from django.db import IntegrityError
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from apps.accounts.models import User
from apps.children.models import AnnualOutcome, Child, LegalStatusChange, PeriodOfCare
from apps.interop.reading import (
    Progress,
)
from apps.placements.models import Placement

if TYPE_CHECKING:
    pass


from apps.interop.importer.episodes import ImportReport, _PlannedPeriod


class PlanWrites:
    """The writes of ``_Plan`` (its state is set by ``_Plan.__init__``)."""

    def apply(self, report: ImportReport, user: User | None, progress: Progress | None) -> None:
        writer = _Writer(user)
        changed_children: set[int] = set()
        # Children: header fields, then UASC.
        new_children = []
        for row in self.headers:
            values = {
                "sex": row.sex,
                "date_of_birth": row.date_of_birth,
                "ethnicity": row.ethnicity,
                "upn": row.upn,
                "is_mother": row.is_mother,
                "mother_child_dob": row.mother_child_dob,
            }
            child = self.children.get(row.child)
            team = self.teams[row.team.casefold()] if row.team else self.default_team
            if child is None:
                child = Child(
                    responsible_la=self.la,
                    la_child_id=row.child,
                    first_name="Child",
                    last_name=row.child,
                    team=team,
                    **values,
                )
                new_children.append(child)
                self.children[row.child] = child
            else:
                if child.team_id is None and team is not None:
                    values["team"] = team
                writer.update(child, values)
        for row in self.uasc:
            child = self.children[row.child]
            values = {"is_uasc": True, "uasc_ceased_on": row.ceased_on}
            if child.pk is None:
                for name, value in values.items():
                    setattr(child, name, value)
            else:
                writer.update(child, values)
        writer.create(Child, new_children, report, "children")
        writer.flush(Child, report, "children")
        changed_children |= {c.pk for c in new_children} | writer.touched_children
        writer.touched_children.clear()

        # Periods of care.
        new_periods: list[tuple[PeriodOfCare, _PlannedPeriod]] = []
        period_for: dict[int, PeriodOfCare] = {}
        for reference, planned_periods in self.planned.items():
            child = self.children[reference]
            for planned in planned_periods:
                existing = self._match_period(child, planned) if child.pk in self.periods else None
                values = {
                    "end_date": planned.end,
                    "reason_end": planned.reason_end,
                    "category_of_need": planned.first.category_of_need,
                }
                if existing is None:
                    period = PeriodOfCare(
                        child=child,
                        start_date=planned.start,
                        legal_status=planned.first.legal_status,
                        reason_new_episode=planned.first.rne,
                        **values,
                    )
                    new_periods.append((period, planned))
                else:
                    if existing.start_date == planned.start:
                        values["legal_status"] = planned.first.legal_status
                        values["reason_new_episode"] = planned.first.rne
                    writer.update(existing, values)
                    period = existing
                period_for[id(planned)] = period
        writer.create(PeriodOfCare, [p for p, _ in new_periods], report, "periods of care")
        writer.flush(PeriodOfCare, report, "periods of care")
        changed_children |= {p.child_id for p, _ in new_periods}

        # Placements and legal status changes.
        new_placements: list[Placement] = []
        new_changes: list[LegalStatusChange] = []
        removed_changes: list[LegalStatusChange] = []
        done = 0
        for reference, planned_periods in self.planned.items():
            child = self.children[reference]
            for planned in planned_periods:
                period = period_for[id(planned)]
                existing_placements = self.placements.get(period.pk, []) if period.pk else []
                for index, item in enumerate(planned.placements):
                    row = item.row
                    values = {
                        "end_date": item.end,
                        "place": row.place,
                        "place_provider": row.place_provider,
                        "postcode_district": _district(row.placement_postcode),
                        "placement_postcode": _full(row.placement_postcode),
                        "home_postcode": _full(row.home_postcode),
                        "urn": row.urn,
                        "reason_place_change": item.reason_place_change,
                    }
                    match = next(
                        (p for p in existing_placements if p.start_date == item.start), None
                    )
                    if match is None and index == 0 and planned.continues_earlier:
                        match = next(
                            (
                                p
                                for p in existing_placements
                                if p.start_date < item.start
                                and (p.end_date is None or p.end_date >= item.start)
                            ),
                            None,
                        )
                    else:
                        values["same_carer"] = item.same_carer
                    if match is None:
                        values.setdefault("same_carer", item.same_carer)
                        new_placements.append(
                            Placement(
                                child=child,
                                period_of_care=period,
                                start_date=item.start,
                                area=self.la,
                                **values,
                            )
                        )
                    else:
                        writer.update(match, values)
                # Legal status: the file's changes within its span replace ours there.
                wanted = {day: status for day, status, _row in planned.legal_status_changes}
                existing_changes = self.legal_status_changes.get(period.pk, []) if period.pk else []
                if period.pk and period.start_date < planned.start:
                    status_before = _legal_status_on(period, existing_changes, planned.start)
                    if status_before != planned.first.legal_status:
                        wanted[planned.start] = planned.first.legal_status
                span_end = planned.end or date.max
                for change in existing_changes:
                    if not planned.start <= change.start_date <= span_end:
                        continue
                    if change.start_date in wanted:
                        writer.update(change, {"legal_status": wanted.pop(change.start_date)})
                    else:
                        removed_changes.append(change)
                for day, status in sorted(wanted.items()):
                    new_changes.append(
                        LegalStatusChange(
                            child=child, period_of_care=period, start_date=day, legal_status=status
                        )
                    )
            done += 1
            if progress and done % 500 == 0:
                progress("writing", done, done, len(self.planned))
        writer.create(Placement, new_placements, report, "placements")
        writer.flush(Placement, report, "placements")
        if removed_changes:
            for change in removed_changes:
                change.delete()
                writer.touched_children.add(change.child_id)
            report.deleted["legal status changes"] += len(removed_changes)
        writer.create(LegalStatusChange, new_changes, report, "legal status changes")
        writer.flush(LegalStatusChange, report, "legal status changes")
        changed_children |= {p.child_id for p in new_placements}
        changed_children |= {c.child_id for c in new_changes}
        changed_children |= writer.touched_children
        self._apply_adoption(writer, report, user)
        self._apply_oc2(writer, report)
        changed_children |= writer.touched_children
        self._check_database_rules(changed_children)
        from apps.assessments.services import clocks_changed

        for child_id in sorted(changed_children):
            clocks_changed(child_id)
        if progress:
            progress("writing", len(self.planned), len(self.planned), len(self.planned))

    def _apply_oc2(self, writer: "_Writer", report: ImportReport) -> None:
        new_outcomes = []
        for row in self.oc2:
            child = self.children[row.child]
            values = {
                "convicted": row.convicted,
                "substance_misuse": row.substance_misuse,
                "intervention_received": row.intervention_received,
                "intervention_offered": row.intervention_offered,
                "reported_sdq_score": row.sdq_score,
                "reported_sdq_reason": row.sdq_reason,
                "reported_health_check": row.health_check,
                "reported_immunisations": row.immunisations,
                "reported_teeth_check": row.teeth_check,
                "reported_health_assessment": row.health_assessment,
            }
            outcome = self.outcomes.get(child.pk)
            if outcome is None:
                new_outcomes.append(
                    AnnualOutcome(child=child, year_ending=self.year_ending, **values)
                )
            else:
                writer.update(outcome, values)
        writer.create(AnnualOutcome, new_outcomes, report, "annual outcomes")
        writer.flush(AnnualOutcome, report, "annual outcomes")

    def _apply_adoption(self, writer: "_Writer", report: ImportReport, user: User | None) -> None:
        from apps.adoption.models import AdoptionCase

        new_cases = []
        for reference, wanted in self.adoption_values.items():
            child = self.children[reference]
            case = self.adoption_cases.get(child.pk)
            if case is None:
                new_cases.append(AdoptionCase(child=child, created_by=user, **wanted))
            else:
                writer.update(case, wanted)
        writer.create(AdoptionCase, new_cases, report, "adoption cases")
        writer.flush(AdoptionCase, report, "adoption cases")

    def _check_database_rules(self, child_ids: set[int]) -> None:
        """The rules the database constraints do not state: placements within their period,
        no overlapping periods or placements. A breach rolls everything back."""
        for start in range(0, len(child_ids), 2000):
            chunk = sorted(child_ids)[start : start + 2000]
            periods = defaultdict(list)
            for period in PeriodOfCare.objects.filter(child_id__in=chunk).order_by("start_date"):
                periods[period.child_id].append(period)
            for child_periods in periods.values():
                for before, after in zip(child_periods, child_periods[1:], strict=False):
                    if before.end_date is None or after.start_date <= before.end_date:
                        raise IntegrityError(
                            f"Periods of care of child {before.child_id} overlap ({after.start_date:%d/%m/%Y})"
                        )


def _case_problems(values: dict, date_of_birth: date) -> dict[str, str]:
    """What the adoption case rules say of these values (dates are checked on reading)."""
    from apps.adoption.rules import adopter_errors, milestone_errors

    problems = milestone_errors(values, date_of_birth=date_of_birth, today=date.max)
    for field_name, message in adopter_errors(values).items():
        problems.setdefault(field_name, message)
    return problems


IMPORTED_NOTE = "Recorded in the SSDA903 return (PlacedAdoption)."
# The AD1 / PlacedAdoption column an adoption case field comes from, to name in an error.
ADOPTION_COLUMNS = {
    "adm_decision_on": "DATE_PLACED",
    "match_decision_on": "DATE_MATCH",
    "plan_changed_on": "DATE_PLACED_CEASED",
    "plan_changed_reason": "REASON_PLACED_CEASED",
    "adopters_sex": "SEX_ADOPTR",
    "adopters_legal_status": "LS_ADOPTR",
    "adopted_by_foster_carers": "FOSTER_CARE",
}


def _legal_status_on(period: PeriodOfCare, changes: list[LegalStatusChange], day: date) -> str:
    status = period.legal_status
    for change in changes:
        if change.start_date <= day:
            status = change.legal_status
    return status


def _district(postcode: str) -> str:
    return postcode.split(" ")[0] if postcode else ""


def _full(postcode: str) -> str:
    return postcode if " " in postcode else ""


class _Writer:
    """Collects the updates of each model and writes them in bulk with their history."""

    def __init__(self, user: User | None) -> None:
        self.user = user
        self.pending: dict[type, dict[int, tuple[object, set[str]]]] = defaultdict(dict)
        self.touched_children: set[int] = set()

    def update(self, instance, values: dict) -> None:
        changed = {name for name, value in values.items() if getattr(instance, name) != value}
        if not changed:
            return
        for name in changed:
            setattr(instance, name, values[name])
        entry = self.pending[type(instance)].setdefault(id(instance), (instance, set()))
        entry[1].update(changed)
        self.touched_children.add(instance.pk if isinstance(instance, Child) else instance.child_id)

    def create(self, model, objects: list, report: ImportReport, label: str) -> None:
        if not objects:
            return
        for instance in objects:
            instance.full_clean(validate_unique=False, validate_constraints=False)
        bulk_create_with_history(objects, model, batch_size=500, default_user=self.user)
        report.created[label] += len(objects)

    def flush(self, model, report: ImportReport, label: str) -> None:
        entries = list(self.pending.pop(model, {}).values())
        if not entries:
            return
        fields = set().union(*(names for _instance, names in entries)) | {"version", "updated_at"}
        now = timezone.now()
        objects = []
        for instance, _names in entries:
            instance.version += 1
            instance.updated_at = now
            instance.full_clean(validate_unique=False, validate_constraints=False)
            objects.append(instance)
        bulk_update_with_history(
            objects, model, sorted(fields), batch_size=500, default_user=self.user
        )
        report.updated[label] += len(objects)
