"""AD1 and PlacedAdoption, from the children's adoption cases (see the package text)."""

from apps.children.models import Child, PeriodOfCare
from apps.interop import codes
from apps.interop.selectors.base import CollectionYear, _flag


def _adoption_rows(
    children: list[Child],
    periods: dict[int, list[PeriodOfCare]],
    year: CollectionYear,
    problems: list[str],
) -> tuple[list[list[str]], list[list[str]]]:
    """The AD1 and PlacedAdoption rows of the children in the return (see the module text);
    ``problems`` gets a line for each item the DfE needs that we do not hold."""
    from apps.adoption.models import AdoptionCase

    start, end = year.start, year.end
    ids = [c.pk for c in children]
    cases = {}
    for chunk_start in range(0, len(ids), 2000):
        for case in AdoptionCase.objects.filter(child_id__in=ids[chunk_start : chunk_start + 2000]):
            cases[case.child_id] = case
    ad1_rows, placed_rows = [], []
    for child in children:
        case = cases.get(child.pk)
        dob = codes.format_date(child.date_of_birth)
        child_periods = sorted(periods.get(child.pk, []), key=lambda p: p.start_date)
        adopted = any(
            p.reason_end in codes.ADOPTED and p.end_date and start <= p.end_date <= end
            for p in child_periods
        )
        decision = case.adm_decision_on if case else None
        if decision is not None and decision <= end:
            ceased = (
                case.plan_changed_on
                if case.plan_changed_on and case.plan_changed_on <= end
                else None
            )
            # The start of the first period in the return that we hold from its start (RNE
            # S): the DfE's rule 1003 refuses a decision before it.
            starts = [p.start_date for p in child_periods if p.reason_new_episode == "S"]
            if ceased is not None and ceased < start:
                pass  # reversed before the year: not in force in it
            elif starts and decision < starts[0]:
                problems.append(
                    f"Child {child.la_child_id}: the decision to place for adoption "
                    f"({decision:%d/%m/%Y}) is before the periods of care in this return; "
                    "it is not returned."
                )
            else:
                placed_rows.append(
                    [
                        child.la_child_id,
                        dob,
                        codes.format_date(decision),
                        codes.format_date(ceased),
                        case.plan_changed_reason if ceased else "",
                    ]
                )
        if not adopted:
            continue
        if case is None or decision is None:
            problems.append(
                f"Child {child.la_child_id}: adopted in the year, but no adoption case with the "
                "decision to place for adoption is recorded (AD1 left blank)."
            )
            ad1_rows.append([child.la_child_id, dob, "", "", "", "", "", ""])
            continue
        missing = [
            label
            for label, value in (
                ("the match", case.match_decision_on),
                ("who adopted", case.adopters_sex),
                ("the adopters' legal status", case.adopters_legal_status),
                ("whether the foster carers adopted", case.adopted_by_foster_carers),
            )
            if value in (None, "")
        ]
        if missing:
            problems.append(
                f"Child {child.la_child_id}: adopted in the year; not recorded: {', '.join(missing)}."
            )
        adopters = case.number_of_adopters
        ad1_rows.append(
            [
                child.la_child_id,
                dob,
                codes.format_date(decision),
                codes.format_date(case.match_decision_on),
                _flag(case.adopted_by_foster_carers),
                str(adopters) if adopters else "",
                case.adopters_sex,
                case.adopters_legal_status,
            ]
        )
    return ad1_rows, placed_rows
