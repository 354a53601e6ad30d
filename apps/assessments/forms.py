from django import forms

from apps.accounts.models import Organisation, OrganisationKind
from apps.assessments.models.assessment import REASON_CHOICES
from apps.assessments.models.records import SdqInformant, SdqReason
from apps.core.forms import DateInput, GovukForm


def _blank(choices) -> list:
    return [("", "Choose")] + list(choices)


class RequestForm(GovukForm):
    sent_on = forms.DateField(label="Date the request was sent", widget=DateInput())
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


class RequestCompleteForm(GovukForm):
    complete_on = forms.DateField(label="Date the request was complete", widget=DateInput())
    consent_obtained_on = forms.DateField(
        label="Date consent was obtained", required=False, widget=DateInput()
    )


class BookForm(GovukForm):
    appointment_date = forms.DateField(label="Appointment date", widget=DateInput())
    booked_on = forms.DateField(label="Date booked", widget=DateInput())
    location = forms.CharField(label="Where", max_length=200, required=False)


class OutcomeForm(GovukForm):
    outcome = forms.ChoiceField(
        label="What happened",
        choices=_blank(
            [
                ("ATTENDED", "Attended"),
                ("CANCELLED", "Cancelled"),
                ("WAS_NOT_BROUGHT", "Was not brought"),
            ]
        ),
    )
    cancelled_by = forms.ChoiceField(
        label="Who cancelled",
        required=False,
        choices=_blank(
            [("CARER", "Carer"), ("YOUNG_PERSON", "Young person"), ("HEALTH", "Health")]
        ),
    )
    placement_move = forms.BooleanField(label="Because of a placement move", required=False)
    recorded_on = forms.DateField(label="Date recorded", widget=DateInput())
    note = forms.CharField(label="Note", max_length=500, required=False)


class ReturnReportForm(GovukForm):
    returned_on = forms.DateField(
        label="Date the report was returned to the social worker", widget=DateInput()
    )


class DeclineForm(GovukForm):
    declined_on = forms.DateField(label="Date declined", widget=DateInput())
    note = forms.CharField(label="Note", max_length=500, required=False)


class HealthReasonForm(GovukForm):
    reason = forms.ChoiceField(label="Reason for the breach", choices=_blank(REASON_CHOICES))
    note = forms.CharField(
        label="Note", max_length=500, required=False, help_text="Required for Other"
    )


class OverrideForm(GovukForm):
    party = forms.ChoiceField(
        label="Charge the breach to",
        choices=_blank([("LA", "Local authority"), ("HEALTH", "Health")]),
    )
    reason = forms.ChoiceField(label="Reason", choices=_blank(REASON_CHOICES), required=False)
    note = forms.CharField(label="Why you are overriding", widget=forms.Textarea(attrs={"rows": 3}))


class SdqForm(GovukForm):
    completed_on = forms.DateField(label="Date completed", widget=DateInput())
    informant = forms.ChoiceField(
        label="Completed by", choices=_blank(SdqInformant.choices), required=False
    )
    total_score = forms.IntegerField(
        label="Total difficulties score",
        min_value=0,
        max_value=40,
        required=False,
        help_text="0 to 40",
    )
    emotional = forms.IntegerField(label="Emotional", min_value=0, max_value=10, required=False)
    conduct = forms.IntegerField(label="Conduct", min_value=0, max_value=10, required=False)
    hyperactivity = forms.IntegerField(
        label="Hyperactivity", min_value=0, max_value=10, required=False
    )
    peer = forms.IntegerField(label="Peer problems", min_value=0, max_value=10, required=False)
    prosocial = forms.IntegerField(label="Prosocial", min_value=0, max_value=10, required=False)
    reason_not_completed = forms.ChoiceField(
        label="Or: reason not completed", choices=_blank(SdqReason.choices), required=False
    )


class DentalForm(GovukForm):
    checked_on = forms.DateField(label="Date of the dental check", widget=DateInput())
    practice = forms.CharField(label="Dental practice", max_length=200, required=False)
    treatment_needed = forms.BooleanField(label="Treatment needed", required=False)
    note = forms.CharField(label="Note", max_length=500, required=False)


class HealthHistoryForm(GovukForm):
    provided_on = forms.DateField(label="Date given to the young person", widget=DateInput())
    summary = forms.CharField(
        label="Health history summary", widget=forms.Textarea(attrs={"rows": 8})
    )


class ReferralForm(GovukForm):
    referred_on = forms.DateField(label="Date referred", widget=DateInput())
    receiving_provider = forms.ModelChoiceField(
        label="Receiving provider (if it uses this service)",
        queryset=Organisation.objects.filter(kind=OrganisationKind.PROVIDER),
        required=False,
        empty_label="Not listed",
    )
    receiving_provider_name = forms.CharField(label="Or its name", max_length=200, required=False)


class WorkloadFilterForm(GovukForm):
    """The provider workload's period (issue 16): two GOV.UK date inputs. The view maps the
    old ``?from=YYYY-MM-DD&to=YYYY-MM-DD`` of links and bookmarks onto these fields."""

    start = forms.DateField(label="Date from", required=False, help_text="For example, 1 9 2026")
    end = forms.DateField(label="Date to", required=False, help_text="For example, 30 11 2026")

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "Date to must be the same as or after date from")
        return data
