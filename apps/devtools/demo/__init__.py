"""The demo data (``manage.py seed_demo``): organisations and users, children with their care
histories, their health journeys and the adoption journeys."""

from apps.devtools.demo.adoption import adoption_journeys
from apps.devtools.demo.children import DemoSummary, create_children, load_organisations
from apps.devtools.demo.health import health_journeys

__all__ = [
    "DemoSummary",
    "adoption_journeys",
    "create_children",
    "health_journeys",
    "load_organisations",
]
