"""Effective-dated clinic policy (issue 15): the version in force on a date decides that
date; health admins and designated nurses add versions on /clinics/policy/; the Django
admin shows an organisation's administrator their own provider's versions only."""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError

from apps.accounts.models import Role
from apps.accounts.services import user_upsert
from apps.clinics import rules, services
from apps.clinics.models import ClinicPolicy
from tests.clinics.conftest import TODAY, make_clinic
from tests.helpers import signed_in_client

# ---- The rules (no database) ---------------------------------------------------------------

GOOD = {
    "iha_slot_minutes": 60,
    "rha_slot_minutes": 45,
    "reminder_working_days": 3,
    "follow_up_working_days": 5,
}


def _errors(effective_from=TODAY, existing=(), **values):
    return rules.policy_version_errors(
        effective_from=effective_from,
        today=TODAY,
        existing=list(existing),
        values={**GOOD, **values},
    )


def test_a_good_version_has_no_errors():
    assert _errors() == {}
    assert _errors(effective_from=date(2027, 1, 1), existing=[TODAY]) == {}


def test_a_version_cannot_start_in_the_past():
    assert _errors(effective_from=date(2026, 3, 1)) == {
        "effective_from": "The date it takes effect must be today (02/03/2026) or later."
    }


def test_two_versions_cannot_start_on_the_same_day():
    errors = _errors(existing=[TODAY])
    assert (
        list(errors) == ["effective_from"]
        and "already takes effect on 02/03/2026" in (errors["effective_from"])
    )


@pytest.mark.parametrize(
    ("field", "bad", "edge"),
    [
        ("iha_slot_minutes", 4, 5),
        ("iha_slot_minutes", 481, 480),
        ("rha_slot_minutes", 0, 5),
        ("reminder_working_days", 0, 1),
        ("reminder_working_days", 21, 20),
        ("follow_up_working_days", 61, 60),
    ],
)
def test_each_number_is_in_range_and_the_message_names_it(field, bad, edge):
    assert list(_errors(**{field: bad})) == [field]
    assert _errors(**{field: edge}) == {}
    low, high, what = rules.POLICY_RANGES[field]
    assert _errors(**{field: bad})[field].startswith(f"{what} must be from {low} to {high}")


def test_the_version_in_force_is_the_latest_started_on_or_before_the_day():
    versions = [(date(2026, 1, 1), "a"), (date(2026, 4, 1), "c"), (date(2026, 3, 2), "b")]
    assert rules.version_in_force(versions, date(2025, 12, 31)) is None
    assert rules.version_in_force(versions, date(2026, 1, 1)) == "a"
    assert rules.version_in_force(versions, date(2026, 3, 1)) == "a"
    assert rules.version_in_force(versions, date(2026, 3, 2)) == "b"
    assert rules.version_in_force(versions, date(2026, 12, 1)) == "c"
    assert rules.version_in_force([], TODAY) is None


# ---- Services --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_without_a_version_the_shipped_defaults_apply(cast):
    policy = services.policy_for(cast.provider_a, TODAY)
    assert policy.pk is None
    assert (policy.iha_slot_minutes, policy.rha_slot_minutes) == (60, 45)
    assert (policy.reminder_working_days, policy.follow_up_working_days) == (3, 5)


@pytest.mark.django_db
def test_a_new_version_applies_from_its_date_and_carries_the_rest_over(cast):
    first = services.clinic_policy_add(
        provider=cast.provider_a,
        effective_from=TODAY,
        by=cast.health_admin_a,
        iha_slot_minutes=50,
        contact_phone="01233 000000",
    )
    later = services.clinic_policy_add(
        provider=cast.provider_a,
        effective_from=date(2026, 3, 16),
        by=cast.health_admin_a,
        iha_slot_minutes=90,
    )
    assert later.contact_phone == "01233 000000" and later.rha_slot_minutes == 45
    assert later.created_by == cast.health_admin_a
    assert services.policy_for(cast.provider_a, date(2026, 3, 15)) == first
    assert services.policy_for(cast.provider_a, date(2026, 3, 16)) == later
    assert services.policy_for(cast.provider_b, date(2026, 3, 16)).pk is None
    book = services.PolicyBook([cast.provider_a.pk, cast.provider_b.pk])
    assert book.on(cast.provider_a.pk, date(2026, 3, 20)) == later
    assert book.on(cast.provider_a.pk, date(2026, 3, 1)).pk is None


@pytest.mark.django_db
def test_the_service_refuses_a_bad_version_naming_the_field(cast):
    with pytest.raises(ValidationError) as error:
        services.clinic_policy_add(
            provider=cast.provider_a,
            effective_from=date(2026, 2, 27),
            by=cast.health_admin_a,
            rha_slot_minutes=2,
        )
    assert set(error.value.message_dict) == {"effective_from", "rha_slot_minutes"}
    with pytest.raises(ValidationError) as error:
        services.clinic_policy_add(
            provider=cast.our_la, effective_from=TODAY, by=cast.health_admin_a
        )
    assert "provider" in error.value.message_dict
    assert not ClinicPolicy.objects.exists()


@pytest.mark.django_db
def test_each_clinic_of_a_series_follows_the_policy_in_force_on_its_date(cast, paediatrician):
    services.clinic_policy_add(
        provider=cast.provider_a,
        effective_from=date(2026, 3, 17),
        by=cast.health_admin_a,
        iha_slot_minutes=90,
    )
    sessions = make_clinic(cast, paediatrician, weeks=3, end_time=time(12)).sessions
    assert [(s.date, s.slot_minutes, s.slots.count()) for s in sessions] == [
        (date(2026, 3, 3), 60, 3),
        (date(2026, 3, 10), 60, 3),
        (date(2026, 3, 17), 90, 2),
    ]


@pytest.mark.django_db
def test_the_reminder_follows_the_policy_in_force_on_the_appointment_date(cast, paediatrician):
    from apps.clinics.tasks import send_due_reminders
    from tests.clinics.conftest import new_request

    # Clinics on Thursday 5 and Monday 9 March; reminders: 3 working days before (Monday 2
    # March for the 5th), and from 9 March a version with 5 working days (also Monday 2nd).
    services.clinic_policy_add(
        provider=cast.provider_a,
        effective_from=date(2026, 3, 9),
        by=cast.health_admin_a,
        reminder_working_days=5,
    )
    early = make_clinic(cast, paediatrician, day=date(2026, 3, 5)).sessions[0]
    later = make_clinic(cast, paediatrician, day=date(2026, 3, 9)).sessions[0]
    for session in (early, later):
        services.slot_book(
            slot=session.slots.first(), assessment=new_request(cast), booked_by=cast.health_admin_a
        )
    # Under the first policy alone (3 days) the 9 March clinic would not be reminded yet.
    assert rules.reminder_due(date(2026, 3, 9), TODAY, _calendar(), 3) is False
    send_due_reminders()
    from apps.clinics.models import Booking

    reminded = Booking.objects.filter(reminder_sent_at__isnull=False)
    assert sorted(reminded.values_list("slot__session__date", flat=True)) == [
        date(2026, 3, 5),
        date(2026, 3, 9),
    ]


def _calendar():
    from apps.core.selectors import working_day_calendar

    return working_day_calendar()


# ---- The page and the admin --------------------------------------------------------------------


def _post(client, **changes):
    data = {
        "provider": "",
        "effective_from_0": "16",
        "effective_from_1": "3",
        "effective_from_2": "2026",
        "iha_slot_minutes": "75",
        "rha_slot_minutes": "45",
        "reminder_working_days": "3",
        "follow_up_working_days": "5",
        "what_to_bring": "The red book.",
        "how_to_rearrange": "Call us.",
        "contact_phone": "01233 000000",
        "contact_email": "lac.health@example.nhs.uk",
    }
    data.update(changes)
    return client.post("/clinics/policy/new/", data)


@pytest.mark.django_db
def test_only_health_admins_and_designated_nurses_manage_the_policy(cast):
    for user in (cast.health_admin_a, cast.designated):
        assert signed_in_client(user).get("/clinics/policy/").status_code == 200, user
        assert signed_in_client(user).get("/clinics/policy/new/").status_code == 200, user
    for user in (cast.nurse_a, cast.social_worker, cast.performance_manager, cast.auditor):
        assert signed_in_client(user).get("/clinics/policy/").status_code == 404, user
        assert signed_in_client(user).get("/clinics/policy/new/").status_code == 404, user


@pytest.mark.django_db
def test_the_health_admin_adds_a_version_and_sees_the_history(cast):
    client = signed_in_client(cast.health_admin_a)
    response = _post(client, provider=str(cast.provider_a.pk))
    assert response.status_code == 302
    version = ClinicPolicy.objects.get(provider=cast.provider_a)
    assert (version.effective_from, version.iha_slot_minutes) == (date(2026, 3, 16), 75)
    page = client.get("/clinics/policy/").content.decode()
    assert "16 Mar 2026" in page and "Upcoming" in page
    assert "The shipped defaults (no version saved)" in page  # in force today: none yet


@pytest.mark.django_db
def test_bad_input_is_a_govuk_error_naming_the_field(cast):
    client = signed_in_client(cast.health_admin_a)
    response = _post(client, provider=str(cast.provider_a.pk), iha_slot_minutes="2")
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page and "IHA slot length in minutes must be 5 or more" in page
    response = _post(
        client,
        provider=str(cast.provider_a.pk),
        effective_from_0="1",
        effective_from_1="3",
        effective_from_2="2026",
    )
    assert response.status_code == 400
    assert "The date it takes effect must be today (02/03/2026) or later" in (
        response.content.decode()
    )
    assert _post(client, provider=str(cast.provider_a.pk), iha_slot_minutes="x").status_code == 400
    assert not ClinicPolicy.objects.exists()


@pytest.mark.django_db
def test_the_designated_nurse_manages_only_the_providers_serving_their_area(cast):
    client = signed_in_client(cast.designated)
    assert _post(client, provider=str(cast.provider_a.pk)).status_code == 302
    refused = _post(client, provider=str(cast.provider_b.pk))
    assert refused.status_code == 400 and "Select provider" in refused.content.decode()
    assert list(ClinicPolicy.objects.values_list("provider", flat=True)) == [cast.provider_a.pk]
    # The health admin cannot reach another provider either.
    other = _post(signed_in_client(cast.health_admin_a), provider=str(cast.provider_b.pk))
    assert other.status_code == 400


@pytest.mark.django_db
def test_the_django_admin_shows_a_providers_administrator_their_own_versions(cast):
    ours = services.clinic_policy_add(
        provider=cast.provider_a, effective_from=TODAY, by=cast.health_admin_a
    )
    theirs = services.clinic_policy_add(
        provider=cast.provider_b, effective_from=TODAY, by=cast.health_admin_a
    )
    admin = user_upsert(
        username="admin.provider.a",
        password="pass",
        role=Role.ADMIN,
        organisation=cast.provider_a,
        is_staff=True,
    )
    client = signed_in_client(admin)
    listing = client.get("/admin/clinics/clinicpolicy/")
    assert listing.status_code == 200
    assert f"/admin/clinics/clinicpolicy/{ours.pk}/change/" in listing.content.decode()
    assert f"/admin/clinics/clinicpolicy/{theirs.pk}/change/" not in listing.content.decode()
    assert client.get(f"/admin/clinics/clinicpolicy/{theirs.pk}/change/").status_code in (302, 404)
    assert client.get(f"/admin/clinics/clinicpolicy/{theirs.pk}/history/").status_code == 404
    add = client.get("/admin/clinics/clinicpolicy/add/").content.decode()
    assert "Provider A" in add and "Provider B" not in add
