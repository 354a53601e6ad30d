"""Sign-in with the organisation's identity provider (OpenID Connect).

Councils sign in with Microsoft Entra ID, NHS staff with NHS CIS2; each organisation may have
more than one provider. Built on mozilla-django-oidc, which knows one provider: the backend
and the two views here carry the provider's key through the sign-in (it is stored with the
``state`` in the session), and take everything else from that provider's configuration.
"""
