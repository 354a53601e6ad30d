"""Who may see the scorecard and breach reports, and for which local authorities.

Decision (documented in the report and the page): the figures are the responsible LA's
KPIs (DOMAIN.md 6 and 8), so they are always computed over ONE LA's own children, whoever
looks at them:

- team managers, LA performance managers and LA auditors: their own LA (the published
  scorecard is LA-wide; a team manager sees the team breakdown for their team's share);
- designated professionals (commissioner) and auditors of a commissioner or provider: each
  LA area their organisation serves (``Organisation.areas``), one at a time (``la=CODE``);
  other LAs' children placed in the area are never counted (they are their own LA's KPIs);
- everyone else: nothing (the pages answer 404, like a child record one may not see).

Aggregates are not a child's record; the drill-down lists of children behind a figure are,
and they always go through ``children_visible_to`` (a team manager's list shows only their
team's children, and says how many more are outside their access).
"""

from apps.access import Capability, roles_with
from apps.accounts.models import Organisation, OrganisationKind, Role, User

# One set with the breach list's viewers: the capability table's (apps/access).
REPORTING_ROLES = set(roles_with(Capability.REPORTS_VIEW))


def user_can_view_performance(user: User | None) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.role in REPORTING_ROLES
        and user.organisation_id is not None
    )


def reporting_authorities_for(user: User | None) -> list[Organisation]:
    """The LAs whose figures ``user`` may see, the first being the default."""
    if not user_can_view_performance(user):
        return []
    organisation = user.organisation
    if organisation.kind == OrganisationKind.LOCAL_AUTHORITY:
        return [organisation]
    return list(organisation.areas.filter(kind=OrganisationKind.LOCAL_AUTHORITY).order_by("name"))


def user_can_build_snapshots(user: User | None) -> bool:
    """Storing a month's figures again is asked for by the LA's performance managers, who
    own the published scorecard (it changes no record, but costs a scan of the LA)."""
    return user_can_view_performance(user) and user.role == Role.PERFORMANCE_MANAGER
