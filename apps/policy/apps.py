from django.apps import AppConfig


class PolicyConfig(AppConfig):
    """The per-LA policy (issue 12): the effective-dated settings behind every "Default" in
    DOMAIN.md, read by the assessments, adoption, write-ups and performance apps."""

    name = "apps.policy"
    label = "policy"
    verbose_name = "Local authority policy"
