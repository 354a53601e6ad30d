"""Forms of the write-up pages, built from the section definitions in rules/sections.py."""

from django import forms

from apps.accounts.models import TEAM_ROLES, User
from apps.assessments.models.assessment import ClinicianRole
from apps.children.corrections import CorrectionFields
from apps.core.forms import DateInput, GovukForm
from apps.core.working_days import age_on
from apps.writeups.rules.actions import OWNER_LABELS, OwnerKind
from apps.writeups.rules.growth import HEAD_CIRCUMFERENCE_UNDER_YEARS
from apps.writeups.rules.immunisations import RECORD_LABELS, DoseState, dose_state, doses_for
from apps.writeups.rules.sections import COMPLETED, NOT_ASSESSED, Section


def _field(spec) -> forms.Field:
    label = spec.label
    if spec.kind == "date":
        return forms.DateField(label=label, required=False, widget=DateInput(), help_text=spec.hint)
    if spec.kind == "number":
        return forms.DecimalField(
            label=label,
            required=False,
            help_text=spec.hint,
            max_digits=6,
            decimal_places=2,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-5"}),
        )
    if spec.kind == "choice":
        return forms.ChoiceField(
            label=label,
            required=False,
            choices=[("", "Choose")] + spec.choices,
            help_text=spec.hint,
        )
    widget = forms.Textarea(attrs={"rows": 4}) if spec.kind == "textarea" else forms.TextInput()
    return forms.CharField(
        label=label, required=False, widget=widget, help_text=spec.hint, max_length=4000
    )


class SectionForm(GovukForm):
    state = forms.ChoiceField(
        label="Was this assessed?",
        required=False,
        choices=[
            ("", "Still writing (save as draft)"),
            (COMPLETED, "Yes: this section is complete"),
            (NOT_ASSESSED, "No: not assessed"),
        ],
    )
    reason = forms.CharField(
        label="Not assessed, because",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, section: Section, date_of_birth=None, held_on=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.section = section
        fields = {}
        for spec in section.fields:
            if (
                spec.name == "head_circumference_cm"
                and date_of_birth
                and held_on
                and age_on(date_of_birth, held_on) >= HEAD_CIRCUMFERENCE_UNDER_YEARS
            ):
                continue  # asked under 2 only
            fields[spec.name] = _field(spec)
        self.dose_names = []
        if section.key == "immunisations" and date_of_birth and held_on:
            for dose in doses_for(date_of_birth):
                if (
                    dose_state(dose, date_of_birth=date_of_birth, on=held_on, record="UNKNOWN")
                    == DoseState.NOT_YET_DUE
                ):
                    continue
                fields[f"dose_{dose.code}"] = forms.ChoiceField(
                    label=f"{dose.vaccine} (due at {dose.due_age})",
                    required=False,
                    choices=[("", "Not known")]
                    + [(k.value, v) for k, v in RECORD_LABELS.items() if k != "UNKNOWN"],
                )
                fields[f"dose_{dose.code}_on"] = forms.DateField(
                    label=f"{dose.vaccine}: date given", required=False, widget=DateInput()
                )
                self.dose_names.append((f"dose_{dose.code}", f"dose_{dose.code}_on"))
        state, reason = self.fields.pop("state"), self.fields.pop("reason")
        self.fields.update(fields)
        self.fields["state"] = state
        self.fields["reason"] = reason
        for name, field in fields.items():
            # Fields added after GovukForm's __init__ get its patterns too (the GOV.UK
            # three-part date input, radios, error wording).
            self._govuk_pattern(name, field)
            self._govuk_messages(name, field)
        for field in self.fields.values():
            widget = field.widget
            if "class" not in widget.attrs or "govuk" not in widget.attrs.get("class", ""):
                css = {
                    forms.Select: "govuk-select",
                    forms.Textarea: "govuk-textarea",
                    DateInput: "govuk-input govuk-input--width-10",
                }.get(type(widget), "govuk-input")
                widget.attrs["class"] = f"{css} {widget.attrs.get('class', '')}".strip()
            if isinstance(field, forms.DateField):
                field.input_formats = ["%Y-%m-%d", "%d/%m/%Y"]


class SignOffForm(GovukForm):
    name = forms.CharField(label="Clinician's name", max_length=200)
    role = forms.ChoiceField(label="Role", choices=[("", "Choose")] + ClinicianRole.choices)
    registration = forms.CharField(
        label="Professional registration",
        max_length=40,
        help_text="For example GMC 1234567 or NMC 12A3456B",
    )


class AddendumForm(GovukForm):
    section = forms.ChoiceField(label="Section it corrects or adds to", required=False)
    text = forms.CharField(
        label="Correction or addition", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [("", "The whole write-up")] + [
            (s.key, s.title) for s in sections
        ]


class ActionForm(GovukForm):
    need = forms.CharField(label="Health need", max_length=500)
    action = forms.CharField(label="Action", max_length=500)
    owner_kind = forms.ChoiceField(
        label="Who owns it",
        choices=[("", "Choose")] + [(k.value, OWNER_LABELS[k]) for k in OwnerKind],
    )
    owner_user = forms.ModelChoiceField(
        label="Owner (a user of this service)",
        required=False,
        queryset=User.objects.none(),
        help_text="The social worker, where they own the action",
    )
    owner_name = forms.CharField(
        label="Owner's name",
        required=False,
        max_length=200,
        help_text="The carer, GP practice, service or young person",
    )
    due_date = forms.DateField(label="Due date", widget=DateInput())

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_user"].queryset = owners if owners is not None else User.objects.none()
        self.fields["owner_user"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.username} ({u.get_role_display()})"
        )


class ActionCorrectionForm(CorrectionFields, ActionForm):
    """Correct an action (issue 14): its fields and the reason, as the care record's
    corrections ask (apps.children.corrections)."""

    field_order = ["need", "action", "owner_kind", "owner_user", "owner_name", "due_date"]


class CloseActionForm(GovukForm):
    status = forms.ChoiceField(
        label="Outcome", choices=[("", "Choose"), ("DONE", "Done"), ("NOT_DONE", "Not done")]
    )
    closed_on = forms.DateField(label="Date", widget=DateInput())
    reason_not_done = forms.CharField(label="Why it was not done", required=False, max_length=500)


class UploadForm(GovukForm):
    file = forms.FileField(label="Report (PDF, up to 10 MB)")


def team_owners(child):
    """Users who may own an action about the child: its team's social workers and manager."""
    if child.team_id is None:
        return User.objects.none()
    return User.objects.filter(team_id=child.team_id, role__in=TEAM_ROLES, is_active=True).order_by(
        "last_name", "username"
    )
