"""Dates the records refuse are row errors naming the column, not failures at write time:
a date of birth before 1900 (apps.core.validators) and a period of care before 1950."""

import pytest

from apps.children.models import Child
from tests.interop.helpers import import_texts

pytestmark = pytest.mark.django_db

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,"
    "HOME_POST,PL_POST,URN\n"
)


def test_a_date_of_birth_in_1800_is_a_row_error_naming_dob(cast):
    report = import_texts(cast.our_la, header=HEADER + "D001,M,01/01/1800,WBRI,,,\n")
    assert [(e.table, e.row, e.column, e.reason) for e in report.errors] == [
        ("Header", 2, "DOB", "01/01/1800 is before 01/01/1900")
    ]
    assert not report.applied
    assert not Child.objects.exists()


def test_the_1900_boundary_is_accepted(cast):
    report = import_texts(cast.our_la, header=HEADER + "D001,M,01/01/1900,WBRI,,,\n")
    assert report.ok, report.errors
    assert Child.objects.get().date_of_birth.year == 1900


def test_a_uasc_date_of_birth_in_1800_is_a_row_error_too(cast):
    report = import_texts(
        cast.our_la,
        header=HEADER + "D001,M,01/01/2010,WBRI,,,\n",
        uasc="CHILD,SEX,DOB,DUC\nD001,M,01/01/1800,\n",
    )
    assert [(e.table, e.row, e.column, e.reason) for e in report.errors] == [
        ("UASC", 2, "DOB", "01/01/1800 is before 01/01/1900")
    ]
    assert not Child.objects.exists()


def test_a_period_of_care_before_1950_is_a_row_error_naming_decom(cast):
    report = import_texts(
        cast.our_la,
        header=HEADER + "D001,M,01/01/1930,WBRI,,,\n",
        episodes=EPISODES + "D001,01/05/1940,S,C2,N1,U1,PR1,,,,,,\n",
    )
    assert [(e.table, e.row, e.column) for e in report.errors] == [("Episodes", 2, "DECOM")]
    assert not Child.objects.exists()
