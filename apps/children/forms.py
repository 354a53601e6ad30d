from django import forms

from apps.accounts.models import Organisation, OrganisationKind
from apps.core.codes import Ethnicity, LegalStatus, PlacementProvider, ReasonEpisodeCeased, Sex
from apps.core.codes import Placement as PlacementType
from apps.core.forms import DateInput, GovukForm


def _blank(choices) -> list:
    return [("", "Choose")] + list(choices)


class PlacementFields(GovukForm):
    place = forms.ChoiceField(label="Placement type", choices=_blank(PlacementType.choices))
    place_provider = forms.ChoiceField(
        label="Placement provider",
        choices=_blank(PlacementProvider.choices),
        required=False,
        help_text="Leave blank for a temporary placement (T0 to T4)",
    )
    area = forms.ModelChoiceField(
        label="Local authority area where the child lives",
        queryset=Organisation.objects.filter(kind=OrganisationKind.LOCAL_AUTHORITY),
        empty_label="Choose",
    )
    postcode_district = forms.CharField(
        label="Postcode district",
        max_length=5,
        required=False,
        help_text="The first half of the postcode, for example ME14",
    )
    carer_name = forms.CharField(label="Carer's name", max_length=200, required=False)


class NewChildForm(PlacementFields):
    """One form for a new child and their entry to care: the IHA appears at once."""

    field_order = [
        "first_name",
        "last_name",
        "date_of_birth",
        "sex",
        "nhs_number",
        "ethnicity",
        "is_uasc",
        "uasc_arrival_date",
        "age_disputed",
        "entry_date",
        "legal_status",
        "place",
        "place_provider",
        "area",
        "postcode_district",
        "carer_name",
    ]
    first_name = forms.CharField(max_length=100)
    last_name = forms.CharField(max_length=100)
    date_of_birth = forms.DateField(widget=DateInput())
    sex = forms.ChoiceField(choices=_blank(Sex.choices))
    nhs_number = forms.CharField(
        label="NHS number",
        max_length=14,
        required=False,
        help_text="10 digits, for example 943 476 5919",
    )
    ethnicity = forms.ChoiceField(choices=Ethnicity.choices, initial=Ethnicity.NOBT)
    is_uasc = forms.BooleanField(label="Unaccompanied asylum-seeking child", required=False)
    uasc_arrival_date = forms.DateField(
        label="Date of arrival in the UK", required=False, widget=DateInput()
    )
    age_disputed = forms.BooleanField(label="Age disputed", required=False)
    entry_date = forms.DateField(label="Date the child became looked after", widget=DateInput())
    legal_status = forms.ChoiceField(label="Legal status", choices=_blank(LegalStatus.choices))


class PlacementForm(PlacementFields):
    field_order = [
        "start_date",
        "place",
        "place_provider",
        "area",
        "postcode_district",
        "carer_name",
    ]
    start_date = forms.DateField(
        label="Placement start date",
        widget=DateInput(),
        help_text="The current placement ends on this date",
    )


class EntryToCareForm(GovukForm):
    start_date = forms.DateField(label="Date the child became looked after", widget=DateInput())
    legal_status = forms.ChoiceField(label="Legal status", choices=_blank(LegalStatus.choices))


class LegalStatusChangeForm(GovukForm):
    start_date = forms.DateField(label="Date the legal status changed", widget=DateInput())
    legal_status = forms.ChoiceField(
        label="New legal status",
        choices=_blank(LegalStatus.choices),
        help_text="For example E1 when the court makes a placement order",
    )


class LeaveCareForm(GovukForm):
    end_date = forms.DateField(label="Date the child ceased to be looked after", widget=DateInput())
    reason_end = forms.ChoiceField(label="Reason", choices=_blank(ReasonEpisodeCeased.choices))


class ChildrenAllocateForm(GovukForm):
    """Children of the LA to move into one team. The choices are the children the user may
    allocate (selectors.children_to_allocate) and the LA's teams."""

    children = forms.ModelMultipleChoiceField(
        label="Children",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one child."},
    )
    team = forms.ModelChoiceField(
        label="Team",
        queryset=None,
        empty_label="",
        help_text="The team the chosen children move into",
        error_messages={"required": "Choose the team.", "invalid_choice": "Choose the team."},
    )

    def __init__(self, *args, children, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["children"].queryset = children
        self.fields["children"].error_messages["invalid_choice"] = "Choose children from the list."
        self.fields["team"].queryset = teams


class AssessmentBeforeRecordsForm(GovukForm):
    kind = forms.ChoiceField(
        label="Kind of assessment",
        choices=[
            ("", ""),
            ("IHA", "Initial health assessment"),
            ("RHA", "Review health assessment"),
        ],
    )
    held_on = forms.DateField(label="Date the assessment was held", widget=DateInput())
    held_by_provider = forms.CharField(
        label="Who held it",
        required=False,
        max_length=200,
        help_text="The health provider or clinic, as written in the records you hold",
    )
