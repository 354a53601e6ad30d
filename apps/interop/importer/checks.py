"""The checks of an import against the files and the records already here, before
anything is written."""

from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING

from apps.adoption.services import CASE_EDITABLE_FIELDS
from apps.children.models import Child, PeriodOfCare
from apps.core.codes import ADOPTION_PLACEMENTS
from apps.interop import codes
from apps.interop.reading import (
    Ad1Row,
    EpisodeRow,
    PlacedAdoptionRow,
)

if TYPE_CHECKING:
    pass


from apps.interop.importer.episodes import _plan_child_episodes, _PlannedPeriod
from apps.interop.importer.writing import ADOPTION_COLUMNS, IMPORTED_NOTE, _case_problems


class PlanChecks:
    """The checks of ``_Plan`` (its state is set by ``_Plan.__init__``)."""

    def check(self) -> None:
        for row in self.headers:
            if row.child in self.header_by_child:
                first = self.header_by_child[row.child].row
                self._error(
                    codes.HEADER,
                    row.row,
                    "CHILD",
                    f"Child {row.child} is already on row {first}",
                    row.child,
                )
                continue
            self.header_by_child[row.child] = row
            if row.team and row.team.casefold() not in self.teams:
                self._error(
                    codes.HEADER,
                    row.row,
                    "TEAM",
                    f"No team '{row.team}' in {self.la.name}: give the team's name as it "
                    "is recorded here, or leave it blank",
                    row.child,
                )
        for row, sex, date_of_birth in self._rows_of_known_children(codes.UASC, self.uasc):
            if row.sex != sex:
                self._error(
                    codes.UASC, row.row, "SEX", "Differs from the Header / our record", row.child
                )
            if row.date_of_birth != date_of_birth:
                self._error(
                    codes.UASC,
                    row.row,
                    "DOB",
                    f"Differs from the Header / our record ({date_of_birth:%d/%m/%Y})",
                    row.child,
                )
        self._check_oc2()
        by_child: dict[str, list[EpisodeRow]] = defaultdict(list)
        for row in self.episodes:
            by_child[row.child].append(row)
        for child, rows in by_child.items():
            if child in self.skip_episodes_of:
                continue
            _sex, date_of_birth = self._identity(child)
            if date_of_birth is None:
                for row in rows:
                    self._error(
                        codes.EPISODES,
                        row.row,
                        "CHILD",
                        f"Child {child} is not in the Header file or our records",
                        child,
                    )
                continue
            planned = _plan_child_episodes(child, rows, date_of_birth, self.errors)
            self.planned[child] = planned
            if child in self.children:
                self._check_against_records(self.children[child], planned)
        self._check_adoption()
        for row in self.headers:
            child = self.children.get(row.child)
            if child is None or row.child in self.planned:
                continue
            first = self.periods[child.pk][0].start_date if self.periods[child.pk] else None
            if first and row.date_of_birth > first:
                self._error(
                    codes.HEADER,
                    row.row,
                    "DOB",
                    f"After the child's recorded entry to care ({first:%d/%m/%Y})",
                    row.child,
                )

    def _check_adoption(self) -> None:
        """AD1 and PlacedAdoption rows: one of each per child (one adoption case per child
        here), agreeing with each other, with the child's date of birth and with the
        milestone rules of the adoption case they update."""
        rows_of: dict[str, dict[str, object]] = defaultdict(dict)
        for table, rows in ((codes.PLACED_ADOPTION, self.placed_adoption), (codes.AD1, self.ad1)):
            for row in rows:
                earlier = rows_of[row.child].get(table)
                if earlier is not None:
                    self._error(
                        table,
                        row.row,
                        "CHILD",
                        f"Child {row.child} is already on row {earlier.row}: one adoption "
                        "decision per child is held here",
                        row.child,
                    )
                    continue
                _sex, date_of_birth = self._identity(row.child)
                if date_of_birth is None:
                    self._error(
                        table,
                        row.row,
                        "CHILD",
                        f"Child {row.child} is not in the Header file or our records",
                        row.child,
                    )
                    continue
                if row.date_of_birth != date_of_birth:
                    self._error(
                        table,
                        row.row,
                        "DOB",
                        f"Differs from the Header / our record ({date_of_birth:%d/%m/%Y})",
                        row.child,
                    )
                    continue
                rows_of[row.child][table] = row
        for reference, rows in rows_of.items():
            placed: PlacedAdoptionRow | None = rows.get(codes.PLACED_ADOPTION)
            ad1: Ad1Row | None = rows.get(codes.AD1)
            if placed is None and ad1 is None:
                continue  # its rows were refused above
            if placed and ad1 and placed.decision_on != ad1.decision_on:
                self._error(
                    codes.AD1,
                    ad1.row,
                    "DATE_INT",
                    f"Differs from DATE_PLACED in PlacedAdoption ({placed.decision_on:%d/%m/%Y}, "
                    f"row {placed.row})",
                    reference,
                )
                continue
            if placed and ad1 and placed.ceased_on:
                self._error(
                    codes.AD1,
                    ad1.row,
                    "CHILD",
                    f"The decision to place for adoption was reversed (PlacedAdoption row "
                    f"{placed.row}): the child cannot also be adopted",
                    reference,
                )
                continue
            child = self.children.get(reference)
            case = self.adoption_cases.get(child.pk) if child is not None else None
            values = {name: getattr(case, name) if case else None for name in CASE_EDITABLE_FIELDS}
            decision_on = (placed or ad1).decision_on
            wanted = {"adm_decision_on": decision_on}
            if values["adoption_plan_on"] is None or values["adoption_plan_on"] > decision_on:
                # The return does not hold the date adoption became the plan: no later than
                # the decision that the child should be placed for adoption.
                wanted["adoption_plan_on"] = decision_on
            if placed and placed.ceased_on:
                wanted["plan_changed_on"] = placed.ceased_on
                wanted["plan_changed_reason"] = placed.reason
                wanted["plan_changed_note"] = values["plan_changed_note"] or IMPORTED_NOTE
            if ad1:
                wanted.update(
                    match_decision_on=ad1.matched_on,
                    adopters_sex=ad1.adopters_sex,
                    adopters_legal_status=ad1.adopters_legal_status,
                    adopted_by_foster_carers=ad1.foster_carers,
                )
            date_of_birth = self._identity(reference)[1]
            problems = _case_problems({**values, **wanted}, date_of_birth)
            if ad1 and not problems:
                # The episodes say when the child moved in (the first placement for adoption,
                # A3-A6) and when the adoption order was made (the period ended E11/E12):
                # taken when we hold neither and they fit the case.
                derived = self._adoption_dates(reference, values)
                if derived and not _case_problems({**values, **wanted, **derived}, date_of_birth):
                    wanted.update(derived)
            row = ad1 or placed
            for field_name, message in problems.items():
                column = ADOPTION_COLUMNS.get(field_name, "CHILD")
                self._error(
                    codes.AD1 if ad1 else codes.PLACED_ADOPTION,
                    row.row,
                    column,
                    f"With our record of the adoption case: {message}",
                    reference,
                )
            if not problems:
                self.adoption_values[reference] = wanted

    def _adoption_dates(self, reference: str, values: dict) -> dict[str, date]:
        if values["moved_in_on"] is not None or values["adoption_order_on"] is not None:
            return {}
        adopted = [
            p for p in self.planned.get(reference, []) if p.reason_end in codes.ADOPTED and p.end
        ]
        if not adopted:
            return {}
        period = max(adopted, key=lambda p: p.end)
        moves = [p.start for p in period.placements if p.row.place in ADOPTION_PLACEMENTS]
        if not moves:
            return {}
        return {"moved_in_on": min(moves), "adoption_order_on": period.end}

    def _check_oc2(self) -> None:
        for row, _sex, date_of_birth in self._rows_of_known_children(codes.OC2, self.oc2):
            if row.date_of_birth != date_of_birth:
                self._error(
                    codes.OC2,
                    row.row,
                    "DOB",
                    f"Differs from the Header / our record ({date_of_birth:%d/%m/%Y})",
                    row.child,
                )

    def _rows_of_known_children(self, table: str, rows):
        """(row, sex, date of birth) for the first row of each child the Header or our
        records know; a second row for a child, or an unknown child, is a row error."""
        seen: dict[str, int] = {}
        for row in rows:
            if row.child in seen:
                self._error(
                    table,
                    row.row,
                    "CHILD",
                    f"Child {row.child} is already on row {seen[row.child]}",
                    row.child,
                )
                continue
            seen[row.child] = row.row
            sex, date_of_birth = self._identity(row.child)
            if date_of_birth is None:
                self._error(
                    table,
                    row.row,
                    "CHILD",
                    f"Child {row.child} is not in the Header file or our records",
                    row.child,
                )
                continue
            yield row, sex, date_of_birth

    def _identity(self, reference: str) -> tuple[str | None, date | None]:
        header = self.header_by_child.get(reference)
        if header is not None:
            return header.sex, header.date_of_birth
        child = self.children.get(reference)
        if child is not None:
            return child.sex, child.date_of_birth
        return None, None

    def _match_period(self, child: Child, planned: _PlannedPeriod) -> PeriodOfCare | None:
        for period in self.periods[child.pk]:
            if period.start_date == planned.start:
                return period
        if planned.continues_earlier:
            for period in self.periods[child.pk]:
                if period.start_date < planned.start and (
                    period.end_date is None or period.end_date >= planned.start
                ):
                    return period
        return None

    def _check_against_records(self, child: Child, planned: list[_PlannedPeriod]) -> None:
        """Periods and placements in our records that the files would contradict."""
        matched = {}
        for period in planned:
            existing = self._match_period(child, period)
            matched[id(period)] = existing
            if existing is None:
                for other in self.periods[child.pk]:
                    if other.start_date <= (period.end or date.max) and (
                        other.end_date is None or other.end_date >= period.start
                    ):
                        self._error(
                            codes.EPISODES,
                            period.first.row,
                            "DECOM",
                            f"Overlaps the period of care recorded from {other.start_date:%d/%m/%Y}",
                            child.la_child_id,
                        )
                        break
                continue
            planned_starts = {p.start for p in period.placements}
            span_end = period.end or date.max
            for placement in self.placements[existing.pk]:
                if period.start < placement.start_date <= span_end and (
                    placement.start_date not in planned_starts
                ):
                    self._error(
                        codes.EPISODES,
                        period.first.row,
                        "DECOM",
                        f"Our record has a placement from {placement.start_date:%d/%m/%Y} that the file does not",
                        child.la_child_id,
                    )
        unmatched_open = [
            p for p in self.periods[child.pk] if p.end_date is None and p not in matched.values()
        ]
        if unmatched_open and any(p.end is None for p in planned):
            self._error(
                codes.EPISODES,
                planned[-1].first.row,
                "DEC",
                f"The child already has an open period of care from {unmatched_open[0].start_date:%d/%m/%Y}",
                child.la_child_id,
            )
        dates_of_birth = self.header_by_child.get(child.la_child_id)
        if dates_of_birth is not None:
            starts = [p.start_date for p in self.periods[child.pk]]
            if starts and dates_of_birth.date_of_birth > min(starts):
                self._error(
                    codes.HEADER,
                    dates_of_birth.row,
                    "DOB",
                    f"After the child's recorded entry to care ({min(starts):%d/%m/%Y})",
                    child.la_child_id,
                )

    # Writing ----------------------------------------------------------------------------
