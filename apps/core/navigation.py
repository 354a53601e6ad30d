"""The service navigation by role (issue 16): each role's menu lists the pages it uses and
nothing else. Pure: the role in, menu items out; the template marks the current one."""

from dataclasses import dataclass


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    # Paths under which this item is the current page (the longest match wins).
    prefixes: tuple[str, ...]


WORKLIST = MenuItem("Worklist", "home", ("/",))
CHILDREN = MenuItem("Children", "child-list", ("/children/", "/assessments/", "/referrals/"))
BREACHES = MenuItem("Breaches", "breach-list", ("/breaches/", "/breach-proposals/"))
SCORECARD = MenuItem("Scorecard", "performance-scorecard", ("/performance/scorecard/",))
BREACH_REPORT = MenuItem("Breach report", "performance-breaches", ("/performance/breaches/",))
RETURN_903 = MenuItem(
    "SSDA903 return",
    "interop-903-export",
    ("/interop/", "/performance/ssda903-readiness/", "/performance/exports/"),
)
WORKLOAD = MenuItem("Workload", "provider-workload", ("/workload/",))
ADOPTION = MenuItem("Adoption", "adoption-worklist", ("/adoption/",))
CLINICS = MenuItem("Clinics", "clinic-diary", ("/clinics/",))
REPORTS = MenuItem("Reports and plans", "writeup-my-items", ("/assessments/write-ups/",))
ACCESS_LOG = MenuItem("Access log", "access-log", ("/audit/",))
DATA_QUALITY = MenuItem("Contradictory dates", "data-quality-dates", ("/data-quality/",))

MENUS: dict[str, tuple[MenuItem, ...]] = {
    "SOCIAL_WORKER": (WORKLIST, CHILDREN, REPORTS),
    "TEAM_MANAGER": (WORKLIST, CHILDREN, REPORTS, BREACHES, SCORECARD, BREACH_REPORT),
    "PERFORMANCE_MANAGER": (
        WORKLIST,
        CHILDREN,
        BREACHES,
        SCORECARD,
        BREACH_REPORT,
        RETURN_903,
        DATA_QUALITY,
    ),
    "HEALTH_ADMIN": (WORKLIST, CHILDREN, CLINICS, WORKLOAD),
    "LAC_NURSE": (WORKLIST, CHILDREN, REPORTS, CLINICS, WORKLOAD),
    # The adoption medical adviser's work is the adoption worklist and its cases: one item.
    "MEDICAL_ADVISER": (ADOPTION,),
    "DESIGNATED": (WORKLIST, CHILDREN, BREACHES, SCORECARD, BREACH_REPORT),
    "AUDITOR": (WORKLIST, CHILDREN, BREACHES, SCORECARD, ACCESS_LOG),
    "ADMIN": (WORKLIST, CHILDREN, DATA_QUALITY),
}


def menu_for(role: str | None) -> tuple[MenuItem, ...]:
    return MENUS.get(role or "", ())


def current_item(items: tuple[MenuItem, ...], path: str) -> MenuItem | None:
    """The item whose prefix is the longest match for the path, "/" only for "/" itself."""
    best, length = None, -1
    for item in items:
        for prefix in item.prefixes:
            matches = path == "/" if prefix == "/" else path.startswith(prefix)
            if matches and len(prefix) > length:
                best, length = item, len(prefix)
    return best
