from django import forms

from apps.accounts.models import Organisation, OrganisationKind
from apps.children.models import UPN_REGEX, CategoryOfNeed
from apps.core.codes import (
    Ethnicity,
    LegalStatus,
    PlacementProvider,
    ReasonEpisodeCeased,
    ReasonPlaceChange,
    Sex,
)
from apps.core.codes import Placement as PlacementType
from apps.core.forms import DateInput, GovukForm

# The SSDA903 items are asked where they become known, each optional where practice allows
# (the return's readiness list on the child's page shows what is still missing).
_YES_NO_UNKNOWN = [("", "Not known yet"), ("1", "Yes"), ("0", "No")]


def _yes_no_unknown(value: str) -> bool | None:
    return {"1": True, "0": False}.get(value)


def _yes_no_unknown_field(label: str, **extra) -> forms.TypedChoiceField:
    """An optional yes / no / not known question, cleaned to True, False or None."""
    return forms.TypedChoiceField(
        label=label,
        choices=_YES_NO_UNKNOWN,
        coerce=_yes_no_unknown,
        empty_value=None,
        required=False,
        **extra,
    )


def _category_of_need_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Category of need",
        choices=[("", "Not known yet")] + list(CategoryOfNeed.choices),
        required=False,
        help_text="At the start of the period of care (SSDA903 CIN); it does not change "
        "within the period",
    )


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
    placement_postcode = forms.CharField(
        label="Placement postcode",
        max_length=8,
        required=False,
        help_text="The full postcode, for example ME14 1XQ: the DfE finds the placement's "
        "local authority, location and distance from it",
    )
    home_postcode = forms.CharField(
        label="Home postcode",
        max_length=8,
        required=False,
        help_text="The full postcode of where the child lived before this placement",
    )
    urn = forms.CharField(
        label="Ofsted URN",
        max_length=8,
        required=False,
        help_text="Of the provider (foster agency, children's home); XXXXXXX when it has "
        "none. Not needed for placement with parents (P1), independent living (P3), R1, R2, "
        "R5 or a temporary placement",
    )


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
        "placement_postcode",
        "home_postcode",
        "urn",
        "carer_name",
        "upn",
        "is_mother",
        "category_of_need",
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
    upn = forms.RegexField(
        UPN_REGEX,
        label="Unique pupil number (UPN)",
        max_length=13,
        required=False,
        help_text="From the school; UN1 to UN5 when the child has none (UN1: under school age)",
    )
    is_mother = _yes_no_unknown_field("Is she a mother?", help_text="For a girl (SSDA903 MOTHER)")
    category_of_need = _category_of_need_field()


class PlacementForm(PlacementFields):
    field_order = [
        "start_date",
        "place",
        "place_provider",
        "area",
        "postcode_district",
        "placement_postcode",
        "home_postcode",
        "urn",
        "carer_name",
        "same_carer",
        "previous_reason_place_change",
    ]
    same_carer = forms.BooleanField(
        label="The carer(s) stay the same (a change of placement type only)", required=False
    )
    previous_reason_place_change = forms.ChoiceField(
        label="Why the current placement is ending",
        choices=[("", "Not known yet")] + list(ReasonPlaceChange.choices),
        required=False,
    )
    start_date = forms.DateField(
        label="Placement start date",
        widget=DateInput(),
        help_text="The current placement ends on this date",
    )


class EntryToCareForm(GovukForm):
    start_date = forms.DateField(label="Date the child became looked after", widget=DateInput())
    legal_status = forms.ChoiceField(label="Legal status", choices=_blank(LegalStatus.choices))
    category_of_need = _category_of_need_field()


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


class AnnualOutcomeForm(GovukForm):
    """The SSDA903 OC2 items no health record holds, for a year to 31 March the child was
    looked after throughout."""

    year_ending = forms.TypedChoiceField(label="Year to 31 March", coerce=int, choices=[])
    convicted = _yes_no_unknown_field(
        "Convicted of an offence in the year?", help_text="Asked from the 10th birthday"
    )
    substance_misuse = _yes_no_unknown_field("Substance misuse problem identified?")
    intervention_received = _yes_no_unknown_field("Intervention received for it?")
    intervention_offered = _yes_no_unknown_field("Intervention offered and refused?")

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year_ending"].choices = [
            (year, f"1 April {year - 1} to 31 March {year}") for year in years
        ]
