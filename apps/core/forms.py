"""GOV.UK Design System forms: every GovukForm is rendered through the crispy-forms-gds
template pack (templates/govuk/field.html), and this base class gives each field the
pattern the Design System asks for (issue 16):

- dates are the three-field date input (day, month, year) in a fieldset with a legend;
- a choice of five or fewer options is radios, not a select;
- whole numbers are text inputs with ``inputmode="numeric"``, not ``type="number"``;
- error messages use the GOV.UK wording ("Enter ...", "Select ...", "... must be 40 or
  less"), one per field, named after the field.

Form classes keep their field names and cleaned data: a ``forms.DateField`` still cleans to
a ``date`` and still accepts one ISO value ("2026-01-12") as well as the three fields, so
views, services and tests that post a single date keep working.
"""

import re
from datetime import date

from crispy_forms_gds.widgets import DateInputWidget
from django import forms
from django.core.exceptions import ValidationError

# At most this many options: radios (GOV.UK: "use radios if there are fewer than about 5").
RADIOS_UP_TO = 5
_PARTS = ("day", "month", "year")


class DateInput(DateInputWidget):
    """The GOV.UK date input: day, month and year fields posted as NAME_0, NAME_1, NAME_2 and
    joined into one ISO value, so the form field stays a ``forms.DateField``. Their ids are
    id_NAME (the day), id_NAME_1 and id_NAME_2."""

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs)
        for widget in self.widgets:
            widget.attrs["inputmode"] = "numeric"

    def get_context(self, name, value, attrs):
        # The day input has the field's own id (the error summary links #id_FIELD to it, as
        # govuk-frontend's date input does with its first item); the group gets "_date".
        context = super().get_context(name, value, attrs)
        field_id = context["widget"]["attrs"].get("id")
        if field_id:
            context["widget"]["subwidgets"][0]["attrs"]["id"] = field_id
            context["widget"]["attrs"]["id"] = f"{field_id}_date"
        return context

    def id_for_label(self, id_):
        return id_

    def decompress(self, value):
        if isinstance(value, date):
            return value.day, value.month, value.year
        if isinstance(value, str) and "/" in value:  # 31/02/2025, as typed
            day, _, rest = value.partition("/")
            month, _, year = rest.partition("/")
            return day, month, year
        if isinstance(value, str) and value:
            year, _, rest = value.partition("-")
            month, _, day = rest.partition("-")
            return day, month, year
        return None, None, None

    def value_from_datadict(self, data, files, name):
        if name in data:  # one ISO value, as the API-style posts and older tests send
            return data.get(name)
        day, month, year = (
            (data.get(f"{name}_{index}") or "").strip() for index in range(len(_PARTS))
        )
        if not (day or month or year):
            return ""
        return f"{year}-{month}-{day}"

    def value_omitted_from_data(self, data, files, name):
        return name not in data and super().value_omitted_from_data(data, files, name)


# For fields a template renders itself ({{ form.la }}), not through govuk/field.html.
_CLASSES = {
    forms.Select: "govuk-select",
    forms.Textarea: "govuk-textarea",
    forms.CheckboxInput: "govuk-checkboxes__input",
    forms.TextInput: "govuk-input",
    forms.EmailInput: "govuk-input",
}


def _label(field: forms.Field, name: str) -> str:
    label = str(field.label) if field.label else name.replace("_", " ").capitalize()
    return label.rstrip("?:").strip()


def _lower_first(text: str) -> str:
    # "Date of birth" -> "date of birth", but "NHS number" stays "NHS number".
    if len(text) > 1 and text[:2].isupper():
        return text
    return text[:1].lower() + text[1:]


# A select's prompt ("Choose", "---------", nothing) is not an answer: radios drop it. A blank
# value with a meaning ("Not known yet") stays as a radio.
_PROMPTS = {"", "Choose", "---------"}


def _real_choices(field: forms.ChoiceField) -> list:
    return [
        (value, label)
        for value, label in field.choices
        if not (value == "" and str(label) in _PROMPTS)
    ]


class GovukForm(forms.Form):
    """Gives every field its GOV.UK Design System pattern and error wording (see the module)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if field.widget.is_hidden:
                continue
            self._govuk_pattern(name, field)
            self._govuk_messages(name, field)
            css = _CLASSES.get(type(field.widget))
            if css and css not in field.widget.attrs.get("class", ""):
                field.widget.attrs["class"] = f"{css} {field.widget.attrs.get('class', '')}".strip()

    @staticmethod
    def _govuk_pattern(name: str, field: forms.Field) -> None:
        if isinstance(field, forms.DateField):
            if not isinstance(field.widget, DateInput):
                field.widget = DateInput()
            field.input_formats = ["%Y-%m-%d", "%d/%m/%Y"]
            field.widget.is_required = field.required
            # crispy-forms-gds renders a multi-widget field from its sub-fields, marking in
            # error only the parts whose widget lists errors (_date_message sets them).
            field.fields = tuple(forms.CharField(label=part.capitalize()) for part in _PARTS)
            for part in field.fields:
                part.widget.errors = []
        elif isinstance(field, forms.IntegerField):
            # GOV.UK: a number a user types is text with a numeric keyboard, not type=number.
            field.widget = forms.TextInput(
                attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}
            )
            field.widget.is_required = field.required
        elif (
            type(field) in (forms.ChoiceField, forms.TypedChoiceField)
            and type(field.widget) is forms.Select
            and len(_real_choices(field)) <= RADIOS_UP_TO
        ):
            field.choices = _real_choices(field)
            field.widget = forms.RadioSelect(choices=field.choices)
            field.widget.is_required = field.required

    @staticmethod
    def _govuk_messages(name: str, field: forms.Field) -> None:
        label = _label(field, name)
        subject = _lower_first(label)
        choose = isinstance(field, forms.ChoiceField) or isinstance(
            field.widget, forms.CheckboxInput | forms.RadioSelect
        )
        messages = {
            "required": f"Select {subject}" if choose else f"Enter {subject}",
            "invalid_choice": f"Select {subject}",
            "max_length": f"{label} must be %(limit_value)s characters or fewer",
            "min_length": f"{label} must be %(limit_value)s characters or more",
        }
        if isinstance(field, forms.DateField):
            messages["invalid"] = f"{label} must be a real date"
        elif isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
            messages["invalid"] = f"{label} must be a number"
            messages["max_value"] = f"{label} must be %(limit_value)s or less"
            messages["min_value"] = f"{label} must be %(limit_value)s or more"
        elif isinstance(field, forms.EmailField):
            messages["invalid"] = f"Enter {subject} in the correct format, like name@example.com"
        elif isinstance(field, forms.RegexField | forms.CharField):
            messages["invalid"] = f"Enter {subject} in the correct format"
        # A message the form class chose itself is kept.
        defaults = forms.Field.default_error_messages | type(field).default_error_messages
        for code, message in messages.items():
            if field.error_messages.get(code) in (None, defaults.get(code)):
                field.error_messages[code] = message

    def full_clean(self):
        super().full_clean()
        if not hasattr(self, "cleaned_data"):
            return
        for name, field in self.fields.items():
            if isinstance(field, forms.DateField) and name in self._errors:
                self._date_message(name, field)
        for errors in self._errors.values():
            # GOV.UK: one message per field, the first problem found.
            if len(errors) > 1:
                del errors[1:]
        self._mark_errors()

    def _mark_errors(self) -> None:
        """Error classes and the error message's id for fields a template renders itself
        (performance/_field_error.html); crispy-forms-gds sets its own when it renders."""
        for name in self.errors:
            widget = self.fields[name].widget if name in self.fields else None
            if (
                widget is None
                or widget.is_hidden
                or isinstance(
                    widget, forms.MultiWidget | forms.RadioSelect | forms.CheckboxSelectMultiple
                )
            ):
                continue
            error_class = {
                forms.Select: "govuk-select--error",
                forms.Textarea: "govuk-textarea--error",
            }.get(type(widget), "govuk-input--error")
            if error_class not in widget.attrs.get("class", ""):
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} {error_class}".strip()
            widget.attrs["aria-describedby"] = f"{name}-error"

    def _date_message(self, name: str, field: forms.DateField) -> None:
        """Says which part of a date is missing ("Date of birth must include a month")."""
        raw = self[name].value()
        if not isinstance(raw, str) or not re.fullmatch(r"[^-]*-[^-]*-[^-]*", raw):
            return
        year, month, day = raw.split("-")
        missing = [
            part for part, value in zip(_PARTS, (day, month, year), strict=True) if not value
        ]
        if missing and len(missing) < 3:
            label = _label(field, name)
            message = f"{label} must include a {' and a '.join(missing)}"
            self._errors[name] = self.error_class([message])
            for part, sub_field in zip(_PARTS, field.fields, strict=True):
                sub_field.widget.errors = [message] if part in missing else []

    def add_service_error(self, error: ValidationError) -> None:
        """A service's ValidationError, each message on its field when the form has it."""
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                for message in errors:
                    self.add_error(field if field in self.fields else None, message.messages)
        else:
            self.add_error(None, error.messages)
        self._mark_errors()
