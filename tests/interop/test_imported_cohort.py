"""Done-when for issue 20: an LA's own 903 files are imported, the children are allocated
to a team, the last assessment before our records is recorded for some, and the scorecard's
HA_IN_DATE counts the others (nothing on record) as not in date."""

from datetime import date

import pytest
import time_machine

from apps.assessments.models import Assessment
from apps.children.models import Child
from apps.interop.importer import import_903
from apps.performance.selectors import scorecard
from tests.helpers import signed_in_client
from tests.interop.helpers import files

pytestmark = pytest.mark.django_db

TODAY = date(2026, 4, 15)
MARCH = date(2026, 3, 1)

# The LA's own extract: the DfE Header columns plus its TEAM column (blank for some).
HEADER = (
    "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB,TEAM\n"
    "K001,M,15/06/2015,WBRI,,,,North\n"
    "K002,F,02/03/2012,WBRI,,,,north\n"
    "K003,M,20/01/2013,BAFR,,,,North\n"
    "K004,F,10/05/2022,WBRI,,,,\n"
    "K005,M,11/11/2016,WBRI,,,,\n"
    "K006,F,01/09/2014,WBRI,,,,\n"
)
# Every child was already in care before the first file: the first episode on record is a
# change of placement (RNE P), so none has an IHA clock.
EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,"
    "HOME_POST,PL_POST,URN\n"
    + "".join(
        f"K00{n},02/06/2025,P,C2,N1,U6,PR1,,,,ME14 1XQ,ME15 6AA,SC123456\n" for n in range(1, 7)
    )
)


def _in_date(la):
    rows = scorecard(local_authority=la, month=MARCH, today=TODAY).rows
    row = next(r for r in rows if r.kpi.code == "HA_IN_DATE")
    return row.current.numerator, row.current.denominator


def test_an_imported_cohort_is_allocated_and_only_children_with_an_assessment_are_in_date(
    cast, api
):
    with time_machine.travel(TODAY, tick=False):
        report = import_903(
            local_authority=cast.our_la,
            files=files(header=HEADER, episodes=EPISODES),
            imported_by=cast.admin,
        )
        assert report.ok, report.errors
        children = {c.la_child_id: c for c in Child.objects.filter(responsible_la=cast.our_la)}
        # The LA's TEAM column (matched to the team's name) allocates three children.
        assert {k for k, c in children.items() if c.team_id == cast.team_a.pk} == {
            "K001",
            "K002",
            "K003",
        }
        assert {k for k, c in children.items() if c.team_id is None} == {"K004", "K005", "K006"}
        # Nothing on record for anyone: none is in date (it used to be 6 of 6).
        assert _in_date(cast.our_la) == (0, 6)

        # The social worker cannot see the unallocated children yet.
        k004 = children["K004"]
        sw = api(cast.social_worker)
        assert sw.get(f"/api/v1/children/{k004.pk}/").status_code == 404
        # The team manager allocates one over the API, and the rest on the page.
        response = api(cast.manager).post(
            f"/api/v1/children/{k004.pk}/team/", {"team": cast.team_a.pk}, format="json"
        )
        assert response.status_code == 200, response.content
        assert response.json()["team"] == cast.team_a.pk
        page = signed_in_client(cast.manager).post(
            "/children/allocate/",
            {"children": [children["K005"].pk, children["K006"].pk], "team": cast.team_a.pk},
        )
        assert page.status_code == 302
        assert not Child.objects.filter(responsible_la=cast.our_la, team__isnull=True).exists()
        assert Child.history.filter(id=k004.pk, team_id=cast.team_a.pk).exists()

        # The social worker now sees them all, and records the last assessment before our
        # records for three of them.
        for reference, kind, held_on in [
            ("K001", "RHA", "2025-10-01"),
            ("K002", "IHA", "2025-07-15"),
            ("K004", "RHA", "2025-12-01"),
        ]:
            response = sw.post(
                f"/api/v1/children/{children[reference].pk}/assessment-before-records/",
                {"kind": kind, "held_on": held_on, "held_by_provider": "Kent Community Health"},
                format="json",
            )
            assert response.status_code == 201, response.content

        # K004 was under 5 when assessed: the review is due 6 months later; K001 12 months.
        def next_review(reference):
            return Assessment.objects.get(
                child=children[reference], kind="RHA", before_records=False
            ).due_date

        assert next_review("K004") == date(2026, 6, 1)
        assert next_review("K001") == date(2026, 10, 1)
        assert next_review("K002") == date(2026, 7, 15)
        # The three with an assessment are in date; the three with nothing on record are not.
        assert _in_date(cast.our_la) == (3, 6)
