from django.contrib.auth import views as auth_views
from django.urls import path, re_path
from django.views.generic import RedirectView

from apps.core import pages

urlpatterns = [
    path("", pages.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # GOV.UK Frontend's compiled CSS asks for its fonts and images under /assets/.
    re_path(
        r"^assets/(?P<path>.+)$",
        RedirectView.as_view(url="/static/govuk/assets/%(path)s", permanent=True),
    ),
]
