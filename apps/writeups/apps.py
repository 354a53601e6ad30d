from django.apps import AppConfig


class WriteupsConfig(AppConfig):
    name = "apps.writeups"
    verbose_name = "Assessment write-ups, reports and health plan actions"
