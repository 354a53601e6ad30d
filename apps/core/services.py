"""Helpers shared by every app's services."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from apps.core.exceptions import StaleEdit

# Database constraint names mapped to the field and message a person should see. A race
# that slips past the service's own checks is still refused by the database, and still
# gets a message naming the field rather than a 500.
CONSTRAINT_MESSAGES: dict[str, tuple[str, str]] = {}


def register_constraint_message(constraint: str, field: str, message: str) -> None:
    CONSTRAINT_MESSAGES[constraint] = (field, message)


def integrity_error_to_validation(error: IntegrityError) -> ValidationError:
    text = str(error)
    for constraint, (field, message) in CONSTRAINT_MESSAGES.items():
        if constraint in text:
            return ValidationError({field: message})
    return ValidationError({"non_field_errors": "This change conflicts with another record."})


def save_with_constraints(instance: models.Model, *, exclude_unique: bool = False) -> None:
    """full_clean then save inside a savepoint, turning a constraint violation into a
    ValidationError that names the field."""
    instance.full_clean(validate_unique=not exclude_unique, validate_constraints=True)
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        raise integrity_error_to_validation(error) from error


def today() -> date:
    return timezone.localdate()


def check_not_future(field: str, value: date | None, label: str) -> None:
    if value is not None and value > today():
        raise ValidationError({field: f"{label} cannot be in the future."})


def check_not_before_birth(field: str, value: date | None, date_of_birth: date, label: str) -> None:
    if value is not None and value < date_of_birth:
        raise ValidationError(
            {
                field: f"{label} cannot be before the child's date of birth ({date_of_birth:%d/%m/%Y})."
            }
        )


def check_version(instance: Any, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != instance.version:
        raise StaleEdit(instance._meta.verbose_name, instance.version)


def apply_changes(instance: Any, data: dict[str, Any], allowed: Iterable[str]) -> list[str]:
    """Set the allowed fields present in ``data``; return the names that changed."""
    allowed = set(allowed)
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in unknown})
    changed = []
    for name, value in data.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed


def bump_version(instance: Any) -> None:
    # Services lock the row (select_for_update) before checking the version, so a plain
    # increment is race-free.
    instance.version += 1
