from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Development tools (issue 12): the demo data and ``seed_demo``, the synthetic
    populations and the ``bench_*`` commands. Nothing in the product imports this app; it
    sits on top of every other and may import any of them."""

    name = "apps.devtools"
    label = "devtools"
