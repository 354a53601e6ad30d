from typing import TYPE_CHECKING

from django import forms

from apps.clinics.models import CLINICIAN_ROLE_CHOICES
from apps.clinics.rules import CLINIC_KIND_LABELS, RESCHEDULE_REASON_LABELS, ClinicKind
from apps.core.forms import DateInput, GovukForm

if TYPE_CHECKING:
    from apps.accounts.models import User


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(
            attrs={"class": "govuk-input govuk-input--width-5", **(attrs or {})}, format="%H:%M"
        )


class ClinicForm(GovukForm):
    kind = forms.ChoiceField(
        label="Kind of clinic", choices=[(k.value, CLINIC_KIND_LABELS[k]) for k in ClinicKind]
    )
    first_date = forms.DateField(
        label="Date (the first, for a recurring clinic)", widget=DateInput()
    )
    weeks = forms.IntegerField(
        label="Number of weeks",
        min_value=1,
        max_value=52,
        initial=1,
        help_text="The same day and time every week; bank holidays and other closed days are skipped.",
    )
    start_time = forms.TimeField(label="Starts at", widget=TimeInput())
    end_time = forms.TimeField(label="Ends at", widget=TimeInput())
    slot_minutes = forms.IntegerField(
        label="Slot length in minutes",
        required=False,
        min_value=5,
        max_value=480,
        help_text="Leave blank for the provider's default: 60 minutes for an IHA, 45 for an RHA.",
    )
    venue_name = forms.CharField(label="Venue", max_length=200)
    venue_address = forms.CharField(label="Venue address", max_length=300)
    venue_postcode = forms.CharField(
        label="Venue postcode",
        max_length=10,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    clinician: "forms.ModelChoiceField[User]" = forms.ModelChoiceField(
        label="Clinician", queryset=None
    )
    clinician_role = forms.ChoiceField(label="Clinician's role", choices=CLINICIAN_ROLE_CHOICES)

    def __init__(self, *args, clinicians=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clinician"].queryset = clinicians
        self.fields["clinician"].label_from_instance = lambda u: u.get_full_name() or u.username


class SlotChoiceForm(GovukForm):
    slot = forms.ChoiceField(label="Free slot", widget=forms.RadioSelect)

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = [(str(s.pk), label) for s, label in slots]


class RescheduleForm(SlotChoiceForm):
    reason = forms.ChoiceField(
        label="Why is it moving?",
        choices=[("", "Choose"), *RESCHEDULE_REASON_LABELS.items()],
        help_text="Asked for by the carer or young person counts against the local authority, "
        "by health against health; a correction of the wrong slot counts as nothing.",
    )
    note = forms.CharField(
        label="Note", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class CancelBookingForm(GovukForm):
    cancelled_by = forms.ChoiceField(
        label="Who cancelled?",
        choices=[
            ("", "Choose"),
            ("CARER", "The carer"),
            ("YOUNG_PERSON", "The young person"),
            ("HEALTH", "Health"),
        ],
    )
    note = forms.CharField(
        label="Note", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class CancelSessionForm(GovukForm):
    reason = forms.CharField(
        label="Why is the clinic cancelled?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class InvitationForm(GovukForm):
    carer_email = forms.EmailField(
        label="Carer's email address",
        required=False,
        help_text="Leave blank to send the letter by post: the social worker's copy is emailed either way.",
    )


def _bounded(name: str, label: str) -> forms.IntegerField:
    from apps.clinics.rules import POLICY_RANGES

    low, high, _ = POLICY_RANGES[name]
    return forms.IntegerField(label=label, min_value=low, max_value=high)


class ClinicPolicyForm(GovukForm):
    """A new version of a provider's clinic policy (the settings start as the version in
    force today)."""

    provider = forms.TypedChoiceField(label="Provider", coerce=int)
    effective_from = forms.DateField(
        label="Date it takes effect",
        help_text="Today or later. Clinics, reminders and follow-ups on or after this date use "
        "this version; the versions before it stay as they were.",
    )
    iha_slot_minutes = _bounded("iha_slot_minutes", "IHA slot length in minutes")
    rha_slot_minutes = _bounded("rha_slot_minutes", "RHA slot length in minutes")
    reminder_working_days = _bounded(
        "reminder_working_days", "Reminder, in working days before the appointment"
    )
    follow_up_working_days = _bounded(
        "follow_up_working_days", "Follow-up of a missed appointment, in working days"
    )
    what_to_bring = forms.CharField(
        label="What to bring (invitation letter)",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    how_to_rearrange = forms.CharField(
        label="How to rearrange (invitation letter)",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    contact_phone = forms.CharField(label="Contact telephone", max_length=40, required=False)
    contact_email = forms.EmailField(label="Contact email address", required=False)

    def __init__(self, *args, providers=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(p.pk, p.name) for p in providers]
        self.fields["provider"].choices = choices
        if len(choices) == 1:
            self.fields["provider"].widget = forms.HiddenInput()
            self.fields["provider"].initial = choices[0][0]


class DayListFilterForm(GovukForm):
    """The day list's date (issue 16): the GOV.UK date input (date_0, date_1, date_2). A
    single ``?date=YYYY-MM-DD`` (the links and bookmarks from before it) still works, since
    the date input reads one ISO value too."""

    date = forms.DateField(label="Date", required=False, help_text="For example, 3 3 2026")
