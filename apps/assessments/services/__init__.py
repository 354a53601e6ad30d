"""Writes for the health assessment workflow (DOMAIN.md 2-5). Each step checks the current
state first and refuses a step out of order with an error that names the field; each marks
the child's clocks stale and enqueues the recompute after commit.

By meaning: the request (``requests``), the appointment and attendance (``appointments``),
the assessment held, written up, its report returned or declined (``outcomes``), a breach's
reason and party (``breaches``), the child's dental, SDQ, immunisation and history records
(``records``), the out-of-area referral (``referrals``); the shared locking and saving in
``base``. Every write is importable from here."""

from apps.assessments.services.appointments import (
    _record_held,
    appointment_book,
    appointment_record_outcome,
)
from apps.assessments.services.base import (
    EVENT_FIELD_NAMES,
    _event_date,
    _lock,
    child_clocks_recompute,
    clocks_changed,
)
from apps.assessments.services.breaches import assessment_record_health_reason, breach_override
from apps.assessments.services.outcomes import (
    assessment_complete,
    assessment_decline,
    assessment_return_report,
    assessment_written_up,
)
from apps.assessments.services.records import (
    _child_event,
    assessment_before_records_record,
    check_sdq_scores,
    check_uasc_checks,
    dental_check_record,
    health_history_record,
    immunisation_record,
    sdq_record,
)
from apps.assessments.services.referrals import (
    out_of_area_referral_escalate,
    out_of_area_referral_open,
    out_of_area_referral_quality,
    out_of_area_referral_record,
)
from apps.assessments.services.requests import assessment_request, assessment_request_complete

__all__ = [
    "EVENT_FIELD_NAMES",
    "_child_event",
    "_event_date",
    "_lock",
    "_record_held",
    "appointment_book",
    "appointment_record_outcome",
    "assessment_before_records_record",
    "assessment_complete",
    "assessment_decline",
    "assessment_record_health_reason",
    "assessment_request",
    "assessment_request_complete",
    "assessment_return_report",
    "assessment_written_up",
    "breach_override",
    "check_sdq_scores",
    "check_uasc_checks",
    "child_clocks_recompute",
    "clocks_changed",
    "dental_check_record",
    "health_history_record",
    "immunisation_record",
    "out_of_area_referral_escalate",
    "out_of_area_referral_open",
    "out_of_area_referral_quality",
    "out_of_area_referral_record",
    "sdq_record",
]
