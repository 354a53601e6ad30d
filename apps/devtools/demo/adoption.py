"""Demo adoption journeys (used by ``seed_demo``): some of the young children in our LA's
care are walked along the adoption route through the services, with dates that make sense
together and with the SSDA903 return (its AD1 and PlacedAdoption tables pass the DfE's
validation rules):

- adoption becomes the plan, the agency decision maker (ADM) decides the child should be
  placed for adoption, the court makes a placement order (legal status E1 from that day);
- a match, then the child moves in with the adopters: placement A5 when the foster carers
  adopt (same carers, same address), A6 with new adopters; the adoption order ends the
  period of care (E11 or E12);
- or the plan changes away from adoption (with the DfE's reason), and a placement order is
  revoked the same day (legal status back to a care order, C2);
- the adoption medical adviser is asked for the child's health report soon after the plan.
"""

import random
from datetime import date, timedelta

from apps.accounts.models import Organisation, Role, User
from apps.adoption.models import WorkItemKind
from apps.adoption.services import (
    adoption_case_create,
    adoption_case_update,
    adoption_work_item_complete,
    adoption_work_item_request,
)
from apps.children.models import Child
from apps.children.services import legal_status_change_record, period_of_care_end
from apps.core.working_days import date_of_age
from apps.placements.services import placement_start

ADOPTERS = [  # (SEX_ADOPTR, LS_ADOPTR, weight)
    ("MF", "L11", 50),
    ("MF", "L3", 10),
    ("MF", "L2", 3),
    ("FF", "L12", 6),
    ("FF", "L2", 4),
    ("MM", "L12", 4),
    ("MM", "L4", 2),
    ("F1", "L0", 10),
    ("M1", "L0", 2),
]
PLAN_CHANGES = [
    ("RD1", "The child's needs changed: long-term fostering is now the plan."),
    ("RD3", "No adopters could be found for the sibling group."),
    ("RD4", "A family member came forward: special guardianship is now the plan."),
]


def adoption_journeys(*, orgs: dict[str, Organisation], today: date, seed: int = 2026) -> int:
    """Adoption cases for most of the children under 6 at entry who have been in
    care for 11 months or more in one period. Returns the number of cases."""
    rng = random.Random(seed + 7)
    kent = orgs["886"]
    adviser = User.objects.filter(role=Role.MEDICAL_ADVISER, is_active=True).first()
    children = (
        Child.objects.filter(responsible_la=kent, is_uasc=False, team__isnull=False)
        .prefetch_related("periods_of_care", "placements")
        .order_by("pk")
    )
    made = 0
    for child in children:
        periods = list(child.periods_of_care.all())
        if len(periods) != 1 or periods[0].end_date is not None:
            continue
        period = periods[0]
        if period.legal_status not in {"C1", "C2"} or period.start_date > today - timedelta(330):
            continue
        if date_of_age(child.date_of_birth, 6) <= period.start_date or rng.random() > 0.8:
            continue
        worker = child.allocated_worker or User.objects.filter(team=child.team).first()
        if worker is None:
            continue
        _journey(rng, child, period, worker, adviser, kent, today)
        made += 1
    return made


def _day(rng: random.Random, after: date, low: int, high: int) -> date:
    return after + timedelta(days=rng.randint(low, high))


def _journey(rng, child, period, worker, adviser, kent, today) -> None:
    last = max(child.placements.all(), key=lambda p: p.start_date)
    plan = _day(rng, max(period.start_date + timedelta(45), last.start_date + timedelta(1)), 0, 30)
    if plan >= today:
        return
    case = adoption_case_create(child=child, created_by=worker, data={"adoption_plan_on": plan})
    if adviser is not None:
        item = adoption_work_item_request(
            case=case,
            kind=WorkItemKind.CHILD_HEALTH_REPORT,
            requested_on=plan,
            assigned_to=adviser,
            requested_by=worker,
        )
        done = _day(rng, plan, 10, 45)
        if done < today - timedelta(3):
            adoption_work_item_complete(work_item=item, completed_on=done, completed_by=adviser)
    outcome = rng.choices(
        ["adopted", "placed", "matched", "waiting", "changed"], [45, 15, 15, 10, 15]
    )[0]
    adm = _day(rng, plan, 20, 50)
    if adm >= today:
        return
    values = {"adm_decision_on": adm}
    if outcome == "changed" and rng.random() < 0.3:
        # The court did not make a placement order.
        changed = _day(rng, adm, 60, 150)
        if changed < today:
            _change_plan(
                case, worker, values, changed, "RD2", "The court refused the placement order."
            )
        else:
            adoption_case_update(case=case, updated_by=worker, data=values)
        return
    order = _day(rng, adm, 30, 80)
    if order >= today:
        adoption_case_update(case=case, updated_by=worker, data=values)
        return
    values["placement_order_on"] = order
    legal_status_change_record(
        period=period, start_date=order, legal_status="E1", recorded_by=worker
    )
    if outcome == "changed":
        changed = _day(rng, order, 60, 200)
        if changed < today:
            reason, note = rng.choice(PLAN_CHANGES)
            _change_plan(case, worker, values, changed, reason, note)
            legal_status_change_record(
                period=period, start_date=changed, legal_status="C2", recorded_by=worker
            )
            return
    match = _day(rng, order, 40, 160)
    if outcome == "waiting" or match >= today:
        adoption_case_update(case=case, updated_by=worker, data=values)
        return
    values["match_decision_on"] = match
    sex, legal_status = rng.choices([a[:2] for a in ADOPTERS], [a[2] for a in ADOPTERS])[0]
    foster_carers_adopt = rng.random() < 0.2 and last.place in {"U4", "U5", "U6"}
    values.update(
        adopters_sex=sex,
        adopters_legal_status=legal_status,
        adopted_by_foster_carers=foster_carers_adopt,
    )
    moved = _day(rng, match, 10, 35)
    if outcome == "matched" or moved >= today:
        adoption_case_update(case=case, updated_by=worker, data=values)
        return
    if foster_carers_adopt:  # the same carers and home; the placement becomes A5
        where = {
            "place": "A5",
            "place_provider": last.place_provider,
            "area": last.area,
            "postcode_district": last.postcode_district,
            "placement_postcode": last.placement_postcode,
            "carer_name": last.carer_name,
            "urn": last.urn,
            "same_carer": True,
        }
    else:  # new adopters approved by the LA's own adoption service, in Kent
        from apps.devtools.demo.children import _postcode
        from apps.devtools.demo.reference import LA_FOSTERING, SERVICE_POSTCODES

        postcode = _postcode(rng, "886", {last.placement_postcode, *SERVICE_POSTCODES})
        where = {
            "place": "A6",
            "place_provider": "PR1",
            "area": kent,
            "postcode_district": postcode.split()[0],
            "placement_postcode": postcode,
            "carer_name": "Prospective adopters",
            "urn": LA_FOSTERING["886"].urn,
        }
    placement_start(
        child=child,
        start_date=moved,
        home_postcode=last.home_postcode,
        previous_reason_place_change="CARPL",
        started_by=worker,
        **where,
    )
    values["moved_in_on"] = moved
    adopted_on = _day(rng, moved, 70, 200)
    if outcome == "placed" or adopted_on >= today:
        adoption_case_update(case=case, updated_by=worker, data=values)
        return
    values["adoption_order_on"] = adopted_on
    adoption_case_update(case=case, updated_by=worker, data=values)
    period_of_care_end(
        period=period,
        end_date=adopted_on,
        reason_end="E11" if rng.random() < 0.7 else "E12",
        ended_by=worker,
    )


def _change_plan(case, worker, values, changed, reason, note) -> None:
    values.update(plan_changed_on=changed, plan_changed_reason=reason, plan_changed_note=note)
    adoption_case_update(case=case, updated_by=worker, data=values)
