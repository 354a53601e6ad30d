"""The access log's filters (issue 16): the date is the GOV.UK date input, and a bad value is a
GOV.UK error naming the field. ``?since=YYYY-MM-DD`` (links and bookmarks from before the
three-field input) still works: the date input reads one ISO value too."""

from django import forms

from apps.audit.models import Outcome
from apps.core.forms import GovukForm


class AccessLogFilterForm(GovukForm):
    username = forms.CharField(
        label="User",
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    child = forms.CharField(
        label="Child id",
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}),
    )
    outcome = forms.CharField(label="Outcome", required=False)
    since = forms.DateField(label="Date from", required=False, help_text="For example, 31 1 2026")

    def clean_child(self) -> int | None:
        child = self.cleaned_data["child"].strip()
        if not child:
            return None
        if not child.isdigit():
            raise forms.ValidationError("Child id must be a number, like 42")
        return int(child)

    def clean_outcome(self) -> str:
        outcome = self.cleaned_data["outcome"]
        if outcome and outcome not in Outcome.values:
            raise forms.ValidationError("Select an outcome from the list")
        return outcome
