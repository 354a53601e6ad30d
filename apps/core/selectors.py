from apps.core.models import NonWorkingDay
from apps.core.working_days import WorkingDayCalendar, calendar_for


def working_day_calendar() -> WorkingDayCalendar:
    """The calendar in force: bank holidays plus the admin's extra non-working dates."""
    extra = frozenset(NonWorkingDay.objects.values_list("date", flat=True))
    return calendar_for(extra)
