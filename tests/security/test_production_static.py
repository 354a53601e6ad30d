"""Issue 17, finding 1: under production settings every HTML page was a 500.

`templates/base.html` linked a favicon that govuk-frontend does not ship; after
`collectstatic`, the manifest storage of production raises for a file it does not know. The
test suite served static files through the finders, so no test ever saw it. Here the
production storage is used after a real collectstatic, and the pages every role lands on
are rendered (CI also runs gunicorn with the production settings: scripts/production_smoke.py)."""

import pytest
from django.core.management import call_command
from django.test import Client

from tests.helpers import signed_in_client

pytestmark = pytest.mark.django_db

ROLES = [
    "social_worker",
    "manager",
    "performance_manager",
    "health_admin_a",
    "nurse_a",
    "designated",
    "auditor",
    "admin",
]


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    root = tmp_path_factory.mktemp("staticfiles")
    from django.conf import settings as django_settings
    from django.test.utils import override_settings

    with override_settings(
        STATIC_ROOT=root,
        STORAGES={
            **django_settings.STORAGES,
            "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
        },
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


@pytest.fixture
def production_static(collected, settings):
    settings.STATIC_ROOT = collected
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.DEBUG = False


def test_the_sign_in_page_renders_from_the_collected_static_files(production_static):
    response = Client(raise_request_exception=True).get("/login/")
    assert response.status_code == 200
    html = response.content.decode()
    # Hashed names from the manifest, and no link to the GOV.UK crown favicon.
    assert "/static/images/favicon." in html and "rebrand/images/favicon.ico" not in html


def test_a_failed_sign_in_renders_its_error_page(production_static, cast):
    response = Client(raise_request_exception=True).post(
        "/login/", {"username": cast.social_worker.username, "password": "wrong"}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_each_roles_home_page_renders_under_the_production_storage(production_static, cast, role):
    response = signed_in_client(getattr(cast, role)).get("/", follow=True)
    assert response.status_code == 200
