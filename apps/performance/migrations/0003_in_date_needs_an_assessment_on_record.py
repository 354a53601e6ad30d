"""HA_IN_DATE and DENTAL_IN_DATE: a child with nothing on record is not in date.

A period of care imported part-way (its first episode on record is not RNE S) has no IHA
clock, so with no assessment on record it used to count as "in date" for want of anything
overdue; and its start is not the entry to care, so its first dental check could look not
yet due. Both now count such a child as not in date, and the definitions say so.
"""

from django.db import migrations

DEFINITIONS = {
    "HA_IN_DATE": (
        "Children in care on the last day of the month who had been in care 20 working "
        "days or more (their IHA was due). Numerator: none of their statutory health "
        "assessments (IHA or RHA) in the current period of care was overdue that day, i.e. "
        "the latest one is within its interval (6 months under 5, 12 months from 5), and "
        "the child has a statutory health assessment on record (held or declined by that "
        "day, including the last one before our records). A child with no assessment on "
        "record (for example one imported already in care, with nothing recorded yet) is "
        "counted as not in date."
    ),
    "DENTAL_IN_DATE": (
        "Children in care on the last day of the month. Numerator: a dental check in the "
        "12 months to that day, or no check yet and the first not yet due (3 months after "
        "entry to care). A child whose period of care began before our records (imported "
        "part-way) and has no check on record is counted as not in date: the date of entry "
        "is not known, so the first check cannot be shown to be not yet due."
    ),
}

# The definitions of 0002, restored on reversal.
PREVIOUS = {
    "HA_IN_DATE": (
        "Children in care on the last day of the month who had been in care 20 working "
        "days or more (their IHA was due). Numerator: none of their statutory health "
        "assessments (IHA or RHA) in the current period of care was overdue that day, i.e. "
        "the latest one is within its interval (6 months under 5, 12 months from 5)."
    ),
    "DENTAL_IN_DATE": (
        "Children in care on the last day of the month. Numerator: a dental check in the "
        "12 months to that day, or no check yet and the first not yet due (3 months after "
        "entry to care)."
    ),
}


def _set(definitions):
    def run(apps, schema_editor):
        Kpi = apps.get_model("performance", "Kpi")
        for code, text in definitions.items():
            Kpi.objects.filter(code=code).update(definition=text)

    return run


class Migration(migrations.Migration):
    dependencies = [("performance", "0002_seed_kpis")]

    operations = [migrations.RunPython(_set(DEFINITIONS), _set(PREVIOUS))]
