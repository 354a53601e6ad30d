from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "apps.audit"
    label = "audit"
    verbose_name = "Access log"

    def ready(self) -> None:
        from apps.audit.subject_access import build_subject_access_export
        from apps.performance.exports import register_builder
        from apps.performance.models import ExportKind

        # The subject access export runs as an export job of the performance app, which
        # does not import this one (issue 12).
        register_builder(ExportKind.SUBJECT_ACCESS, build_subject_access_export)
