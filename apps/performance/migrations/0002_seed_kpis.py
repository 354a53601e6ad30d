"""The KPIs of DOMAIN.md 8 with the shipped default targets and floors (Kent's values).

The targets are seeded with no local authority: the default for every LA without its own
record. An admin adds an LA's own targets, effective from a date, in the admin.
"""

from datetime import date
from decimal import Decimal

from django.db import migrations

SHIPPED_FROM = date(2000, 1, 1)

# code, name, polarity, period type, unit, activity only, target, floor, definition
KPIS = [
    (
        "IHA_REQUEST_5WD",
        "IHA requests within 5 working days of entry",
        "H",
        "R12M",
        "PERCENT",
        False,
        "90",
        "80",
        "Children who became looked after in the 12 months to the month end (the IHA clock "
        "starts on entry), whose IHA is required: not recorded as not required, and not "
        "declined (declined IHAs are excluded by default and counted in IHA_DECLINED). "
        "Numerator: the LA's complete request (consent and information received by health) "
        "on or before working day 5 after entry. Kent counts a complete request, not a sent one.",
    ),
    (
        "IHA_HELD_20WD",
        "IHAs held within 20 working days",
        "H",
        "R12M",
        "PERCENT",
        False,
        "85",
        "75",
        "Required IHAs (as above) whose due date, working day 20 after entry, falls in the "
        "12 months to the month end. Numerator: the assessment was held on or before the "
        "due date (the date held stops the clock, as on the Kent scorecard).",
    ),
    (
        "IHA_DECLINED",
        "IHAs declined by the young person",
        "L",
        "R12M",
        "PERCENT",
        True,
        None,
        None,
        "IHAs whose clock started (entry to care) in the 12 months to the month end and "
        "that are not recorded as not required. Numerator: declined by the young person. "
        "Reported for information (these are left out of the IHA denominators).",
    ),
    (
        "HA_IN_DATE",
        "Health assessments in date (current children)",
        "H",
        "SS",
        "PERCENT",
        False,
        "90",
        "85",
        "Children in care on the last day of the month who had been in care 20 working "
        "days or more (their IHA was due). Numerator: none of their statutory health "
        "assessments (IHA or RHA) in the current period of care was overdue that day, i.e. "
        "the latest one is within its interval (6 months under 5, 12 months from 5).",
    ),
    (
        "DENTAL_IN_DATE",
        "Dental checks in date (current children)",
        "H",
        "SS",
        "PERCENT",
        False,
        "90",
        "85",
        "Children in care on the last day of the month. Numerator: a dental check in the "
        "12 months to that day, or no check yet and the first not yet due (3 months after "
        "entry to care).",
    ),
    (
        "HEALTH_HISTORY_18",
        "Turned 18 in month with health history",
        "H",
        "M",
        "PERCENT",
        False,
        "100",
        "90",
        "Young people who turned 18 in the month and were looked after at some time in the "
        "month. Numerator: a personal health history provided on or before the month end.",
    ),
    (
        "RHA_BY_DUE_0_5",
        "RHAs held by due date, under 5",
        "H",
        "Q",
        "PERCENT",
        False,
        "90",
        "85",
        "Review health assessments due in the financial quarter to the month end, for "
        "children under 5 on the due date, excluding those not required (and declined, by "
        "default). Numerator: held on or before the due date.",
    ),
    (
        "RHA_BY_DUE_5_18",
        "RHAs held by due date, 5 to 18",
        "H",
        "Q",
        "PERCENT",
        False,
        "90",
        "85",
        "Review health assessments due in the financial quarter to the month end, for "
        "children aged 5 or over on the due date, excluding those not required (and "
        "declined, by default). Numerator: held on or before the due date.",
    ),
    (
        "SDQ_AVERAGE",
        "Average SDQ score, completed since 1 April",
        "L",
        "YTD",
        "MEAN",
        False,
        None,
        None,
        "Strengths and difficulties questionnaires completed from 1 April to the month "
        "end with a total difficulties score. Result: the mean total score (numerator the "
        "sum of the scores, denominator their number). No target.",
    ),
    (
        "PLACEMENTS_3PLUS",
        "3+ placements in last 12 months",
        "L",
        "SS",
        "PERCENT",
        False,
        "10",
        "12",
        "Children in care on the last day of the month. Numerator: 3 or more placements "
        "starting in the 12 months to that day.",
    ),
    (
        "ADOPTION_ENTRY_TO_MOVED_IN",
        "Days entry to care to moving in with adopters",
        "L",
        "R12M",
        "DAYS",
        False,
        "426",
        "487",
        "Children who moved in with their adoptive family in the 12 months to the month "
        "end: average days from entry to care to moving in. No data until adoption "
        "milestones are recorded.",
    ),
    (
        "ADOPTION_PO_TO_MATCH",
        "Days placement order to match",
        "L",
        "R12M",
        "DAYS",
        False,
        "121",
        "150",
        "Children matched with adopters in the 12 months to the month end: average days "
        "from the placement order to the match decision. No data until adoption milestones "
        "are recorded.",
    ),
]


def seed(apps, schema_editor):
    Kpi = apps.get_model("performance", "Kpi")
    KpiTarget = apps.get_model("performance", "KpiTarget")
    for order, (code, name, polarity, period, unit, activity, target, floor, text) in enumerate(
        KPIS, start=1
    ):
        kpi, _ = Kpi.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "definition": text,
                "polarity": polarity,
                "period_type": period,
                "unit": unit,
                "activity_only": activity,
                "display_order": order * 10,
            },
        )
        if target is not None:
            KpiTarget.objects.get_or_create(
                kpi=kpi,
                local_authority=None,
                effective_from=SHIPPED_FROM,
                defaults={"target": Decimal(target), "floor": Decimal(floor)},
            )


def unseed(apps, schema_editor):
    apps.get_model("performance", "Kpi").objects.filter(code__in=[k[0] for k in KPIS]).delete()


class Migration(migrations.Migration):
    dependencies = [("performance", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
