"""GOV.UK Frontend styling for Django forms, and putting service errors back on a form."""

from django import forms
from django.core.exceptions import ValidationError


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


_CLASSES = {
    forms.Select: "govuk-select",
    forms.Textarea: "govuk-textarea",
    forms.CheckboxInput: "govuk-checkboxes__input",
    DateInput: "govuk-input govuk-input--width-10",
    forms.NumberInput: "govuk-input govuk-input--width-3",
    forms.TextInput: "govuk-input",
    forms.EmailInput: "govuk-input",
}


class GovukForm(forms.Form):
    """Adds GOV.UK classes, error classes and aria-describedby to every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = next((c for cls, c in _CLASSES.items() if type(widget) is cls), "govuk-input")
            widget.attrs["class"] = f"{css} {widget.attrs.get('class', '')}".strip()
            if isinstance(field, forms.DateField):
                field.input_formats = ["%Y-%m-%d", "%d/%m/%Y"]

    def full_clean(self):
        super().full_clean()
        self._mark_errors()

    def _mark_errors(self) -> None:
        for name in self.errors:
            if name not in self.fields:
                continue
            widget = self.fields[name].widget
            if isinstance(widget, forms.Select):
                error_class = "govuk-select--error"
            elif isinstance(widget, forms.Textarea):
                error_class = "govuk-textarea--error"
            else:
                error_class = "govuk-input--error"
            if error_class not in widget.attrs["class"]:
                widget.attrs["class"] += f" {error_class}"
            widget.attrs["aria-describedby"] = f"{name}-error"

    def add_service_error(self, error: ValidationError) -> None:
        """A service's ValidationError, each message on its field when the form has it."""
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                for message in errors:
                    self.add_error(field if field in self.fields else None, message.messages)
        else:
            self.add_error(None, error.messages)
        self._mark_errors()
