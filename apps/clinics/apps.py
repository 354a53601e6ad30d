from django.apps import AppConfig


class ClinicsConfig(AppConfig):
    name = "apps.clinics"
    label = "clinics"
    verbose_name = "Clinics and booking"
