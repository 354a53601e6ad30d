from django import forms

from apps.accounts.models import User
from apps.adoption.models import AdoptionCase, WorkItemKind
from apps.adoption.rules import ADOPTER_LEGAL_STATUSES, ADOPTER_SEXES, PLAN_CHANGE_REASONS
from apps.core.forms import DateInput, GovukForm


def _date(field: str, help_text: str = "") -> forms.DateField:
    label = str(AdoptionCase._meta.get_field(field).verbose_name).capitalize()
    return forms.DateField(label=label, required=False, widget=DateInput(), help_text=help_text)


def _note() -> forms.CharField:
    return forms.CharField(
        label="What happened",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MilestonesForm(GovukForm):
    """Every milestone on one page; a blank date is "not yet". The order rules are checked
    by the service (apps.adoption.rules), and each error shows on its field."""

    adoption_plan_on = _date("adoption_plan_on")
    adm_decision_on = _date(
        "adm_decision_on", "The decision that the child should be placed for adoption"
    )
    placement_order_on = _date(
        "placement_order_on", "Leave blank when the child is placed with parental consent"
    )
    match_decision_on = _date("match_decision_on")
    moved_in_on = _date("moved_in_on")
    adoption_order_on = _date("adoption_order_on")
    disruption_on = _date("disruption_on")
    disruption_note = _note()
    plan_changed_on = _date("plan_changed_on")
    plan_changed_reason = forms.ChoiceField(
        label="Why the plan changed",
        required=False,
        choices=[("", "Choose"), *PLAN_CHANGE_REASONS.items()],
    )
    plan_changed_note = _note()
    adopters_sex = forms.ChoiceField(
        label="Who is adopting",
        required=False,
        choices=[("", "Not recorded yet"), *ADOPTER_SEXES.items()],
        help_text="From the match. Needed to record the adoption order.",
    )
    adopters_legal_status = forms.ChoiceField(
        label="The adopters' legal status",
        required=False,
        choices=[("", "Not recorded yet"), *ADOPTER_LEGAL_STATUSES.items()],
    )
    adopted_by_foster_carers = forms.TypedChoiceField(
        label="Adopted by the child's foster carers",
        required=False,
        choices=[("", "Not recorded yet"), ("yes", "Yes"), ("no", "No")],
        coerce=lambda value: {"yes": True, "no": False}.get(value),
        empty_value=None,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AdviserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user: User) -> str:
        organisation = f" ({user.organisation})" if user.organisation_id else ""
        return f"{user.get_full_name() or user.username}{organisation}"


class WorkItemRequestForm(GovukForm):
    kind = forms.ChoiceField(
        label="What is needed", choices=[("", "Choose"), *WorkItemKind.choices]
    )
    requested_on = forms.DateField(label="Date requested", widget=DateInput())
    assigned_to = AdviserChoiceField(
        label="Medical adviser", queryset=User.objects.none(), empty_label="Choose"
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=500,
        help_text="For example, which prospective adopter the report is about",
    )

    def __init__(self, *args, advisers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if advisers is not None:
            self.fields["assigned_to"].queryset = advisers


class WorkItemCompleteForm(GovukForm):
    completed_on = forms.DateField(label="Date completed", widget=DateInput())
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
