"""Shared helpers for the 903 tests: the sample files, an import from text, database counts."""

import io
from pathlib import Path

from django.conf import settings

from apps.children.models import AnnualOutcome, Child, LegalStatusChange, PeriodOfCare
from apps.interop.importer import import_903
from apps.interop.reading import ImportFile
from apps.placements.models import Placement

SAMPLES = Path(settings.BASE_DIR) / "fixtures" / "ssda903"


def sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def files(**texts: str) -> list[ImportFile]:
    return [
        ImportFile(f"{name}.csv", io.BytesIO(text.encode()), len(text.encode()))
        for name, text in texts.items()
    ]


def import_texts(la, **texts: str):
    return import_903(local_authority=la, files=files(**texts))


def import_samples(la):
    return import_texts(
        la, header=sample("header.csv"), episodes=sample("episodes.csv"), uasc=sample("uasc.csv")
    )


def database_state() -> dict[str, int]:
    """Row and history counts of everything an import may write."""
    models = [Child, PeriodOfCare, Placement, LegalStatusChange, AnnualOutcome]
    state = {}
    for model in models:
        state[model.__name__] = model.objects.count()
        state[f"{model.__name__} history"] = model.history.count()
    state["versions"] = sum(Child.objects.values_list("version", flat=True))
    return state
