from django.urls import path

from apps.accounts.oidc.views import ProviderCallbackView, ProviderSignInView

urlpatterns = [
    # The redirect URI registered at every provider: https://<host>/oidc/callback/
    path("callback/", ProviderCallbackView.as_view(), name="oidc_authentication_callback"),
    path("<slug:key>/", ProviderSignInView.as_view(), name="oidc-sign-in"),
]
