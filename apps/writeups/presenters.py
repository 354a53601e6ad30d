"""The write-up as it is shown on the page and in the PDF: sections for the child's age in
order, each with its answers in words."""

from dataclasses import dataclass, field
from datetime import date

from apps.writeups.rules import sections as rules
from apps.writeups.rules.growth import LABELS as GROWTH_LABELS
from apps.writeups.rules.growth import UNITS as GROWTH_UNITS
from apps.writeups.rules.immunisations import RECORD_LABELS, STATE_LABELS, DoseState


@dataclass
class SectionView:
    key: str
    title: str
    status: str
    reason: str = ""
    answers: list[tuple[str, str]] = field(default_factory=list)


def _display(f: rules.Field, value: str) -> str:
    if value in (None, ""):
        return ""
    if f.kind == "choice":
        return dict(f.choices).get(value, value)
    if f.kind == "date":
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return value


def write_up_view(write_up) -> dict:
    from apps.writeups.services import age_at_assessment

    assessment = write_up.assessment
    child = assessment.child
    sections = []
    for spec in rules.sections_for(age_at_assessment(assessment)):
        data = write_up.sections.get(spec.key) or {}
        view = SectionView(spec.key, spec.title, rules.section_status(data), data.get("reason", ""))
        if data.get("state") != rules.NOT_ASSESSED:
            for f in spec.fields:
                shown = _display(f, data.get(f.name, ""))
                if shown:
                    view.answers.append((f.label, shown))
        sections.append(view)
    computed = write_up.computed or {}
    growth = [
        {
            **point,
            "label": GROWTH_LABELS[point["method"]],
            "unit": GROWTH_UNITS[point["method"]],
        }
        for point in computed.get("growth", [])
    ]
    immunisation = computed.get("immunisations") or {}
    doses = [
        {
            **line,
            "record_label": RECORD_LABELS.get(line["record"], line["record"]),
            "state_label": STATE_LABELS[DoseState(line["state"])],
            "given_on_display": date.fromisoformat(line["given_on"]).strftime("%d/%m/%Y")
            if line.get("given_on")
            else "",
        }
        for line in immunisation.get("lines", [])
    ]
    return {
        "write_up": write_up,
        "assessment": assessment,
        "child": child,
        "sections": sections,
        "growth": growth,
        "sdq": {
            **computed["sdq"],
            "completed_on": date.fromisoformat(computed["sdq"]["completed_on"]).strftime(
                "%d/%m/%Y"
            ),
        }
        if computed.get("sdq")
        else None,
        "immunisation_status": immunisation.get("status", ""),
        "catch_up_needed": immunisation.get("catch_up_needed", False),
        "doses": doses,
        "addenda": list(write_up.addenda.select_related("author")) if write_up.pk else [],
        "actions": list(assessment.plan_actions.select_related("owner_user")),
    }
