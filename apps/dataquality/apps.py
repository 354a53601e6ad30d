from django.apps import AppConfig


class DataQualityConfig(AppConfig):
    name = "apps.dataquality"
    label = "dataquality"
    verbose_name = "Data quality"

    def ready(self) -> None:
        from apps.core.hooks import CareRecordChange, register
        from apps.dataquality.checks import refuse_new_breaches

        # The child's whole record is checked before its reference dates move (issue 13),
        # asked for by the children app without importing this one (issue 12).
        register(CareRecordChange.REFERENCE_DATES, refuse_new_breaches)
