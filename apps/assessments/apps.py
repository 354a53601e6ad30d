from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "apps.assessments"
    label = "assessments"

    def ready(self) -> None:
        from apps.assessments import access_relations, care_hooks

        access_relations.register()
        care_hooks.register_all()
