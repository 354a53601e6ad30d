"""The child page's panel of reports and health plan actions (one include there)."""

from django import template

from apps.accounts.models import TEAM_ROLES, Role
from apps.assessments.models import Assessment
from apps.children.selectors import children_visible_to
from apps.writeups import selectors, services
from apps.writeups.views import child_panel_context

register = template.Library()


@register.inclusion_tag("writeups/_child_panel.html", takes_context=True)
def writeup_panel(context, child):
    user = context["request"].user
    panel = child_panel_context(child, user)
    reports = panel["writeup_reports"]
    reported = {r.assessment_id for r in reports}
    held = Assessment.objects.filter(
        child=child, held_on__isnull=False, before_records=False
    ).exclude(pk__in=reported)
    # Asked once for the panel's rows, which are all this child's (not once per row), and
    # only of the roles whose steps here depend on it (the clinician's, the team's).
    sees = (user.role == Role.LAC_NURSE or user.role in TEAM_ROLES) and (
        children_visible_to(user).filter(pk=child.pk).exists()
    )
    panel["to_write_up"] = [a for a in held if services.may_write_up(user, a, sees_child=sees)]
    panel["rows"] = [
        {
            "report": r,
            "returned_on": selectors.report_returned_on(r),
            "may_return": selectors.report_returned_on(r) is None and services.may_return(user, r),
            "may_read": selectors.report_returned_on(r) is not None
            and services.may_acknowledge(user, r, sees_child=sees)
            and not any(reading.reader_id == user.pk for reading in r.readings.all()),
            "may_write_up": services.may_write_up(user, r.assessment, sees_child=sees),
        }
        for r in reports
    ]
    may_correct: dict[int, bool] = {}
    for row in panel["writeup_actions"]:
        item = row["action"]
        if item.assessment_id not in may_correct:
            may_correct[item.assessment_id] = services.may_manage_actions(
                user, item.assessment, sees_child=sees
            )
        row["may_correct"] = may_correct[item.assessment_id]
    panel["request"] = context["request"]
    panel["child"] = child
    return panel


@register.inclusion_tag("writeups/_home_overdue_actions.html", takes_context=True)
def overdue_actions_line(context):
    """The manager's and designated nurse's home: how many health plan actions are overdue
    among the children they see (one count query), linking to the list."""
    from apps.core.services import today

    user = context["request"].user
    if user.role not in selectors.OVERDUE_ACTION_ROLES:
        return {"show": False}
    return {"show": True, "count": selectors.overdue_actions_visible_to(user, today()).count()}
