from django.apps import AppConfig


class WebConfig(AppConfig):
    """The web shell (issue 12): the site's root URLs, the home pages (each role's
    worklist) and the footer's pages. It sits on top of every domain app, each of which
    owns its own ``urls.py``; ``apps.core`` below them is the base layer only."""

    name = "apps.web"
    label = "web"
