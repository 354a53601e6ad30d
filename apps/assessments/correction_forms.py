"""The correction forms of the health records (issue 13): each record's own fields plus the
reason and the version (apps/core/corrections.py). The field names are the model's, so the
page, the API and the temporal rules' messages name the same field."""

from django import forms

from apps.accounts.models import Organisation, OrganisationKind
from apps.assessments.forms import SdqForm, _blank
from apps.assessments.models import ClinicianRole
from apps.assessments.models.records import ImmunisationStatus
from apps.core.corrections import CorrectionFields
from apps.core.forms import DateInput


class RequestCorrectionForm(CorrectionFields):
    field_order = [
        "request_sent_on",
        "provider",
        "consent_obtained_on",
        "request_complete_on",
        "reason",
    ]
    request_sent_on = forms.DateField(label="Date the request was sent", widget=DateInput())
    provider = forms.ModelChoiceField(
        label="Health provider",
        queryset=Organisation.objects.filter(kind=OrganisationKind.PROVIDER),
        empty_label="Choose",
    )
    consent_obtained_on = forms.DateField(
        label="Date consent was obtained", required=False, widget=DateInput()
    )
    request_complete_on = forms.DateField(
        label="Date the request was complete",
        required=False,
        widget=DateInput(),
        help_text="When consent and the information health needs were all sent",
    )


class AppointmentCorrectionForm(CorrectionFields):
    field_order = ["appointment_date", "booked_on", "location", "reason"]
    appointment_date = forms.DateField(label="Appointment date", widget=DateInput())
    booked_on = forms.DateField(label="Date booked", widget=DateInput())
    location = forms.CharField(label="Where", max_length=200, required=False)


class AssessmentCorrectionForm(CorrectionFields):
    field_order = ["held_on", "clinician_role", "report_returned_on", "outcome_summary", "reason"]
    held_on = forms.DateField(label="Date the assessment was held", widget=DateInput())
    clinician_role = forms.ChoiceField(
        label="Carried out by", choices=_blank(ClinicianRole.choices)
    )
    report_returned_on = forms.DateField(
        label="Date the report was returned",
        required=False,
        widget=DateInput(),
        help_text="Leave blank if the report has not been returned",
    )
    outcome_summary = forms.CharField(
        label="Outcome summary", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class DentalCorrectionForm(CorrectionFields):
    field_order = ["checked_on", "practice", "treatment_needed", "note", "reason"]
    checked_on = forms.DateField(label="Date of the dental check", widget=DateInput())
    practice = forms.CharField(label="Dental practice", max_length=200, required=False)
    treatment_needed = forms.BooleanField(label="Treatment needed", required=False)
    note = forms.CharField(label="Note", max_length=500, required=False)


class SdqCorrectionForm(CorrectionFields, SdqForm):
    field_order = [*SdqForm.base_fields, "reason"]


class ImmunisationCorrectionForm(CorrectionFields):
    field_order = ["checked_on", "status", "note", "reason"]
    checked_on = forms.DateField(label="Date the immunisations were checked", widget=DateInput())
    status = forms.ChoiceField(label="Immunisations", choices=_blank(ImmunisationStatus.choices))
    note = forms.CharField(label="Note", max_length=500, required=False)
