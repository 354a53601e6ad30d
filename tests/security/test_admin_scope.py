"""Issue 17, finding 2: the Django admin is limited to the administrator's own organisation.

Before: a second LA's admin reset the password of a Kent provider's nurse, added Kent to its
own commissioner's areas, Kent's admin made itself a superuser, and the token admin listed
every user's API token."""

import pytest
from django.contrib.auth.models import Permission

from apps.accounts.models import Organisation, OrganisationKind, Role, Team, User
from apps.accounts.services import user_upsert
from apps.audit.models import AccessEvent, Action
from apps.policy.models import LocalAuthorityPolicy
from tests.factories import OrganisationFactory
from tests.helpers import signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def admins(cast):
    """An administrator for our LA and one for another LA, made as the demo makes them."""
    ours = user_upsert(
        username="admin.ours",
        password="pass",
        role=Role.ADMIN,
        organisation=cast.our_la,
        is_staff=True,
    )
    theirs = user_upsert(
        username="admin.theirs",
        password="pass",
        role=Role.ADMIN,
        organisation=cast.other_la,
        is_staff=True,
    )
    return ours, theirs


def _user_form(user: User, **changes) -> dict:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "organisation": user.organisation_id or "",
        "team": user.team_id or "",
        "role": user.role,
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        # The identity-provider links inline (none here).
        "identity_links-TOTAL_FORMS": "0",
        "identity_links-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_another_organisations_admin_cannot_reset_a_nurses_password(cast, admins):
    _, theirs = admins
    client = signed_in_client(theirs)
    url = f"/admin/accounts/user/{cast.nurse_a.pk}/password/"
    assert client.get(url).status_code == 404
    response = client.post(url, {"password1": "Taken-over-99", "password2": "Taken-over-99"})
    assert response.status_code == 404
    cast.nurse_a.refresh_from_db()
    assert cast.nurse_a.check_password("pass")
    assert not cast.nurse_a.check_password("Taken-over-99")


def test_the_user_list_shows_only_the_admins_own_organisation(cast, admins):
    ours, _ = admins
    response = signed_in_client(ours).get("/admin/accounts/user/?all=1")
    assert response.status_code == 200
    listed = {user.username for user in response.context["cl"].result_list}
    assert cast.social_worker.username in listed
    assert cast.nurse_a.username not in listed
    assert cast.social_worker_other_la.username not in listed
    assert "admin.theirs" not in listed


def test_another_organisations_user_change_page_is_not_found(cast, admins):
    _, theirs = admins
    response = signed_in_client(theirs).get(f"/admin/accounts/user/{cast.nurse_a.pk}/change/")
    # Django's admin answers a row outside the queryset with a redirect to the index.
    assert response.status_code == 302
    assert response.url == "/admin/"


def test_an_admin_cannot_make_itself_a_superuser_or_staff_of_anything(cast, admins):
    ours, _ = admins
    client = signed_in_client(ours)
    page = client.get(f"/admin/accounts/user/{ours.pk}/change/")
    assert page.status_code == 200
    assert "is_superuser" not in page.context["adminform"].form.fields
    assert "user_permissions" not in page.context["adminform"].form.fields
    response = client.post(
        f"/admin/accounts/user/{ours.pk}/change/",
        _user_form(ours, is_superuser="on", user_permissions=[Permission.objects.first().pk]),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    ours.refresh_from_db()
    assert not ours.is_superuser
    assert ours.is_staff  # still an administrator, with the administrator's permissions only
    assert not ours.user_permissions.filter(content_type__app_label="children").exists()


def test_an_admin_cannot_move_a_user_into_another_organisation(cast, admins):
    ours, _ = admins
    client = signed_in_client(ours)
    response = client.post(
        f"/admin/accounts/user/{cast.social_worker.pk}/change/",
        _user_form(cast.social_worker, organisation=cast.other_la.pk, team=cast.other_team.pk),
    )
    assert response.status_code == 200  # the form is shown again with the errors
    errors = response.context["adminform"].form.errors
    assert "organisation" in errors and "team" in errors
    cast.social_worker.refresh_from_db()
    assert cast.social_worker.organisation == cast.our_la


def test_a_role_that_does_not_fit_the_organisation_is_refused_with_the_field_named(cast, admins):
    ours, _ = admins
    response = signed_in_client(ours).post(
        f"/admin/accounts/user/{cast.social_worker.pk}/change/",
        _user_form(cast.social_worker, role=Role.LAC_NURSE, team=""),
    )
    assert response.status_code == 200
    assert "role" in response.context["adminform"].form.errors
    cast.social_worker.refresh_from_db()
    assert cast.social_worker.role == Role.SOCIAL_WORKER


def test_only_a_platform_operator_changes_an_organisations_areas(cast, admins):
    _, theirs = admins
    # The other LA's commissioner, administered by the other LA's admin's own organisation.
    commissioner = OrganisationFactory(
        code="QXX", name="Other ICB", kind=OrganisationKind.COMMISSIONER
    )
    designated_admin = user_upsert(
        username="admin.icb",
        password="pass",
        role=Role.ADMIN,
        organisation=commissioner,
        is_staff=True,
    )
    client = signed_in_client(designated_admin)
    page = client.get(f"/admin/accounts/organisation/{commissioner.pk}/change/")
    assert page.status_code == 200
    assert "areas" not in page.context["adminform"].form.fields
    client.post(
        f"/admin/accounts/organisation/{commissioner.pk}/change/",
        {"name": commissioner.name, "email": "", "areas": [cast.our_la.pk]},
    )
    assert not commissioner.areas.filter(pk=cast.our_la.pk).exists()
    # Nor can it see or add organisations other than its own.
    listing = client.get("/admin/accounts/organisation/")
    assert {o.pk for o in listing.context["cl"].result_list} == {commissioner.pk}
    assert client.get("/admin/accounts/organisation/add/").status_code == 403
    del theirs


def test_a_platform_operator_still_manages_every_organisation(cast):
    root = User.objects.create_superuser("root", "root@example.org", "pass")
    client = signed_in_client(root)
    listing = client.get("/admin/accounts/user/?all=1")
    assert cast.nurse_a in listing.context["cl"].result_list
    page = client.get(f"/admin/accounts/organisation/{cast.commissioner.pk}/change/")
    assert "areas" in page.context["adminform"].form.fields


def test_team_and_organisation_choices_are_the_admins_own(cast, admins):
    ours, _ = admins
    page = signed_in_client(ours).get("/admin/accounts/user/add/")
    form = page.context["adminform"].form
    assert set(form.fields["organisation"].queryset) == {cast.our_la}
    assert set(form.fields["team"].queryset) == set(Team.objects.filter(organisation=cast.our_la))


def test_policies_are_scoped_to_the_admins_local_authority(cast, admins):
    ours, theirs = admins
    LocalAuthorityPolicy.objects.get_or_create(
        local_authority=cast.our_la, effective_from="2020-01-01"
    )
    kent_policy = LocalAuthorityPolicy.objects.filter(local_authority=cast.our_la).first()
    response = signed_in_client(theirs).get(
        f"/admin/policy/localauthoritypolicy/{kent_policy.pk}/change/"
    )
    assert response.status_code == 302  # not in their queryset
    assert (
        signed_in_client(ours)
        .get(f"/admin/policy/localauthoritypolicy/{kent_policy.pk}/change/")
        .status_code
        == 200
    )


def test_there_is_no_token_admin(cast, admins):
    from apps.accounts.tokens import api_token_create

    ours, _ = admins
    _row, key = api_token_create(user=cast.nurse_a, name="Reports", scope="read", days=30)
    client = signed_in_client(ours)
    assert client.get("/admin/authtoken/tokenproxy/").status_code == 404
    assert client.get("/admin/accounts/apitoken/").status_code == 404
    index = client.get("/admin/").content.decode()
    assert "apitoken" not in index and "authtoken" not in index and key not in index


def test_non_working_days_are_only_added_by_a_platform_operator(cast, admins):
    ours, _ = admins
    assert signed_in_client(ours).get("/admin/core/nonworkingday/add/").status_code == 403
    root = User.objects.create_superuser("root", "root@example.org", "pass")
    assert signed_in_client(root).get("/admin/core/nonworkingday/add/").status_code == 200


def test_every_admin_change_is_in_the_access_log(cast, admins):
    ours, _ = admins
    client = signed_in_client(ours)
    team = Team.objects.get(organisation=cast.our_la, name="North")
    response = client.post(
        f"/admin/accounts/team/{team.pk}/change/",
        {"name": "North Kent", "organisation": cast.our_la.pk, "area": ""},
    )
    assert response.status_code == 302
    event = AccessEvent.objects.filter(
        user=ours, action=Action.CHANGE, path=f"/admin/accounts/team/{team.pk}/change/"
    ).get()
    assert event.object_id == str(team.pk)
    assert event.organisation_id == cast.our_la.pk


def test_an_admin_made_by_an_admin_gets_only_the_administrators_permissions(cast, admins):
    ours, _ = admins
    client = signed_in_client(ours)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "new.admin",
            "password1": "A-long-password-42",
            "password2": "A-long-password-42",
            "usable_password": "true",
            "organisation": cast.our_la.pk,
            "team": "",
            "role": Role.ADMIN,
            "identity_links-TOTAL_FORMS": "0",
            "identity_links-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    made = User.objects.get(username="new.admin")
    assert made.organisation == cast.our_la and made.is_staff and not made.is_superuser
    apps = set(made.user_permissions.values_list("content_type__app_label", flat=True))
    # Clinics: a provider's clinic policy versions (issue 15). Policy: the LA policy (in
    # the assessments app until issue 12 gave it its own).
    assert apps <= {"accounts", "core", "policy", "clinics"}
    assert not made.user_permissions.filter(content_type__model="token").exists()
    assert Organisation.objects.count() >= 2


def test_another_organisations_user_history_and_revert_pages_are_not_found(cast, admins):
    """Found walking the admin: the history pages of django-simple-history looked the user up
    by id alone, and its revert form moved a Medway user into Kent as an administrator."""
    _, theirs = admins
    client = signed_in_client(theirs)
    nurse = cast.nurse_a
    nurse.first_name = "Changed"
    nurse.save()
    version = nurse.history.order_by("-history_id").first().history_id
    assert client.get(f"/admin/accounts/user/{nurse.pk}/history/").status_code == 404
    url = f"/admin/accounts/user/{nurse.pk}/history/{version}/"
    assert client.get(url).status_code == 404
    response = client.post(url, _user_form(nurse, organisation=cast.other_la.pk, role="ADMIN"))
    assert response.status_code == 404
    nurse.refresh_from_db()
    assert nurse.organisation == cast.provider_a and nurse.role == Role.LAC_NURSE
    assert not nurse.is_staff
    # Their own organisation's history still opens.
    own = cast.social_worker_other_la
    assert client.get(f"/admin/accounts/user/{own.pk}/history/").status_code == 200
    policy_history = f"/admin/accounts/organisation/{cast.our_la.pk}/history/"
    assert client.get(policy_history).status_code == 404
