"""The site's page URLs (issue 12): the web shell's own pages (the home page, the footer's
pages) and each domain app's ``urls.py``. The API and the apps that also serve an API are
included from config/urls.py."""

from django.urls import include, path, re_path
from django.views.generic import RedirectView

from apps.web import pages

urlpatterns = [
    path("", pages.home, name="home"),
    path("accessibility/", pages.accessibility, name="accessibility"),
    path("privacy/", pages.privacy, name="privacy"),
    path("cookies/", pages.cookies, name="cookies"),
    path("account/keep-alive/", pages.keep_alive, name="keep-alive"),
    path("", include("apps.accounts.urls")),
    path("", include("apps.children.urls")),
    # GOV.UK Frontend's compiled CSS asks for its fonts and images under /assets/.
    re_path(
        r"^assets/(?P<path>.+)$",
        RedirectView.as_view(url="/static/govuk/assets/%(path)s", permanent=True),
    ),
]
