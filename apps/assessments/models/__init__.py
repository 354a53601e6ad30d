from apps.assessments.models.assessment import (
    Appointment,
    Assessment,
    AssessmentKind,
    ClinicianRole,
    HealthClock,
    HealthClockKind,
)
from apps.assessments.models.proposals import BreachProposal
from apps.assessments.models.records import (
    DentalCheck,
    HealthHistory,
    HealthPlan,
    HealthPlanAction,
    ImmunisationRecord,
    OutOfAreaReferral,
    SdqRecord,
)

__all__ = [
    "Appointment",
    "Assessment",
    "AssessmentKind",
    "BreachProposal",
    "ClinicianRole",
    "DentalCheck",
    "HealthClock",
    "HealthClockKind",
    "HealthHistory",
    "HealthPlan",
    "HealthPlanAction",
    "ImmunisationRecord",
    "OutOfAreaReferral",
    "SdqRecord",
]
