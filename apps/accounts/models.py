"""Organisations, teams, users and their roles (DOMAIN.md section 9)."""

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords


class OrganisationKind(models.TextChoices):
    LOCAL_AUTHORITY = "LA", "Local authority"
    PROVIDER = "PROVIDER", "Health provider"
    COMMISSIONER = "COMMISSIONER", "Commissioner"


class Organisation(models.Model):
    kind = models.CharField(max_length=16, choices=OrganisationKind.choices)
    name = models.CharField(max_length=200)
    # For a local authority: the DfE three-digit LA code used in SSDA903 returns.
    code = models.CharField(max_length=20, unique=True)
    # For a local authority: its ONS (GSS) code, e.g. E10000016 for Kent. The DfE's validator
    # compares a placement's authority, found from its postcode, with it (SSDA903 PL_LA).
    ons_code = models.CharField(
        "ONS code",
        max_length=9,
        blank=True,
        help_text="The local authority's ONS (GSS) code, for example E10000016",
        validators=[
            RegexValidator(
                r"^[ENSW][0-9]{8}$",
                "Enter an ONS code: a letter E, N, S or W and 8 digits, like E10000016",
            )
        ],
    )
    # For providers and commissioners: the local authority areas they serve. A commissioner's
    # designated professionals see our LA's children and other LAs' children placed in these
    # areas; a provider's areas decide which out-of-area referrals reach it.
    areas = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="served_by",
        limit_choices_to={"kind": OrganisationKind.LOCAL_AUTHORITY},
    )
    email = models.EmailField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=OrganisationKind.values), name="organisation_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    area = models.CharField(max_length=100, blank=True, help_text="Geographical area or district")
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_name_unique_in_org")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation.name})"


class Role(models.TextChoices):
    SOCIAL_WORKER = "SOCIAL_WORKER", "Social worker"
    TEAM_MANAGER = "TEAM_MANAGER", "Team manager"
    PERFORMANCE_MANAGER = "PERFORMANCE_MANAGER", "LA performance manager"
    HEALTH_ADMIN = "HEALTH_ADMIN", "Health admin"
    LAC_NURSE = "LAC_NURSE", "LAC nurse / paediatrician"
    DESIGNATED = "DESIGNATED", "Designated nurse / doctor"
    MEDICAL_ADVISER = "MEDICAL_ADVISER", "Adoption medical adviser"
    AUDITOR = "AUDITOR", "Auditor"
    ADMIN = "ADMIN", "Administrator"


# Which kind of organisation each role belongs to; a user of the wrong kind is refused.
ROLE_ORGANISATION_KINDS: dict[str, set[str]] = {
    Role.SOCIAL_WORKER: {OrganisationKind.LOCAL_AUTHORITY},
    Role.TEAM_MANAGER: {OrganisationKind.LOCAL_AUTHORITY},
    Role.PERFORMANCE_MANAGER: {OrganisationKind.LOCAL_AUTHORITY},
    Role.HEALTH_ADMIN: {OrganisationKind.PROVIDER},
    Role.LAC_NURSE: {OrganisationKind.PROVIDER},
    Role.DESIGNATED: {OrganisationKind.COMMISSIONER},
    # The agency medical adviser is a paediatrician employed by a health provider.
    Role.MEDICAL_ADVISER: {OrganisationKind.PROVIDER},
    Role.AUDITOR: set(OrganisationKind.values),
    Role.ADMIN: set(OrganisationKind.values),
}
LA_ROLES = {Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.PERFORMANCE_MANAGER}
HEALTH_PROVIDER_ROLES = {Role.HEALTH_ADMIN, Role.LAC_NURSE}
TEAM_ROLES = {Role.SOCIAL_WORKER, Role.TEAM_MANAGER}


class User(AbstractUser):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="users", null=True, blank=True
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="members", null=True, blank=True
    )
    role = models.CharField(max_length=32, choices=Role.choices, blank=True)
    # A machine account (a reporting system, an integration): it uses API tokens, never the
    # sign-in page. Only a platform operator sets it.
    is_service_account = models.BooleanField(
        default=False,
        help_text="Signs in with API tokens only; may hold a token even in a two-factor role.",
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="") | models.Q(role__in=Role.values),
                name="user_role_valid",
            ),
            # A role means nothing without an organisation to scope it.
            models.CheckConstraint(
                condition=models.Q(role="") | models.Q(organisation__isnull=False),
                name="user_with_role_has_organisation",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def clean(self) -> None:
        # The admin's user form and the services both come through here: a role must fit
        # its organisation's kind and a team must be of the user's own organisation.
        from django.core.exceptions import ValidationError

        super().clean()
        errors = {}
        if self.role and self.organisation_id is None:
            errors["organisation"] = "Select the organisation of a user with a role."
        elif self.role in ROLE_ORGANISATION_KINDS and self.organisation_id is not None:
            kind = self.organisation.kind
            if kind not in ROLE_ORGANISATION_KINDS[self.role]:
                errors["role"] = (
                    f"A {Role(self.role).label} cannot belong to a "
                    f"{OrganisationKind(kind).label.lower()}."
                )
        if self.team_id is not None and self.team.organisation_id != self.organisation_id:
            errors["team"] = "Select a team of the user's own organisation."
        if errors:
            raise ValidationError(errors)

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role else "No role"


class IdentityLink(models.Model):
    """Who a user is at an organisation's identity provider (Entra ID, NHS CIS2).

    Set up by the organisation's administrator before the person's first sign-in: nobody is
    created or matched on email at sign-in. ``subject`` is the provider's stable claim for
    the person (see apps.accounts.oidc.claims.stable_subject)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="identity_links")
    issuer = models.CharField(
        max_length=300, help_text="The identity provider's issuer, as in its ID tokens."
    )
    subject = models.CharField(
        max_length=255,
        help_text="The person's stable identifier there: the object ID (oid) in Entra ID, "
        "the UUID (sub) in NHS CIS2.",
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"], name="identity_link_issuer_subject_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} at {self.issuer}"


class SignInRefusal(models.TextChoices):
    WRONG_ISSUER = "WRONG_ISSUER", "ID token from another issuer"
    WRONG_AUDIENCE = "WRONG_AUDIENCE", "ID token for another client"
    WRONG_TENANT = "WRONG_TENANT", "ID token from another tenant"
    EXPIRED = "EXPIRED", "ID token expired"
    REPLAYED = "REPLAYED", "Replayed callback or ID token (state or nonce)"
    INVALID_TOKEN = "INVALID_TOKEN", "ID token invalid"
    PROVIDER_ERROR = "PROVIDER_ERROR", "Identity provider error or unreachable"
    UNKNOWN_PROVIDER = "UNKNOWN_PROVIDER", "No such identity provider"
    UNPROVISIONED = "UNPROVISIONED", "No user linked to this identity"
    INACTIVE = "INACTIVE", "User disabled"
    WRONG_ORGANISATION = "WRONG_ORGANISATION", "Provider does not serve the user's organisation"


class IdentitySignIn(models.Model):
    """Every sign-in through an identity provider, refused ones included, for the auditor and
    the organisation's administrator (apps.audit's AccessEvent is about children's records).
    The organisation is the user's, or for an unknown person the provider's when it serves
    one organisation only."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    provider = models.CharField(max_length=50)
    issuer = models.CharField(max_length=300, blank=True)
    subject = models.CharField(max_length=255, blank=True)
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    refusal = models.CharField(
        max_length=24, choices=SignInRefusal.choices, blank=True, help_text="Empty: signed in."
    )
    multi_factor = models.BooleanField(default=False)
    detail = models.CharField(max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "identity sign-in"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(refusal="") | models.Q(refusal__in=SignInRefusal.values),
                name="identity_sign_in_refusal_valid",
            )
        ]

    def __str__(self) -> str:
        outcome = self.get_refusal_display() if self.refusal else "signed in"
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.provider} {self.subject or '?'}: {outcome}"


class TokenScope(models.TextChoices):
    READ = "read", "Read only"
    WRITE = "write", "Read and write"


class ApiToken(models.Model):
    """An API token: stored as a SHA-256 hash (the token is shown once, when it is made),
    expiring, scoped to reading or to reading and writing, and revocable.

    Tokens skip the second factor, so the roles that must use two-factor authentication get
    one only as a service account (issue 17, finding 3). The token itself is 256 random bits:
    an unsalted hash is enough to make a copied database useless for signing in."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for")
    prefix = models.CharField(
        max_length=12, help_text="The token's first characters, to tell it apart"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=5, choices=TokenScope.choices, default=TokenScope.READ)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scope__in=TokenScope.values), name="api_token_scope_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="api_token_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class EnrolmentCode(models.Model):
    """A one-time code, issued by an administrator and given to the user out of band, that
    must be entered before a first authenticator app is set up. Without it, whoever learnt a
    password could enrol their own authenticator first (issue 17, finding 7)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrolment_codes")
    code_hash = models.CharField(max_length=64)
    issued_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Enrolment code for {self.user} (until {self.expires_at:%d %b %Y})"
