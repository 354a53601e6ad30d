"""URLs of the accounts app's pages: signing in and out, two-factor, API tokens (included
by the web shell, apps/web/urls.py; the identity providers' are apps/accounts/oidc/urls.py)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from apps.accounts import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("account/two-factor/", views.two_factor, name="two-factor"),
    path("account/api-tokens/", views.api_tokens, name="api-tokens"),
    path(
        "account/api-tokens/<int:pk>/revoke/",
        views.api_token_revoke_view,
        name="api-token-revoke",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
