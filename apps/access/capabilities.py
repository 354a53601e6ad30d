"""The one role x capability table (DOMAIN.md 9).

Each capability names the roles that hold it and, for each role, the *relation* the user
must have to the record (the child, the assessment) for the capability to apply to it:
``ANY`` (no record condition: the caller has already resolved the record through the
visible queryset), ``CASE_TEAM`` (the child's own team), ``PROVIDER_STAFF`` (staff of the
provider asked to carry out the assessment), and so on. The relations are predicates the
owning apps register (``register_relation``), so this module imports no domain app and
every app can ask ``may(user, capability, record)``.

A superuser holds a capability only where the table says so (they hold the case team's
capabilities, as they always did through ``user_can_edit_case``, but never a clinician's).
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

# Role values as strings, so this base module needs no import of apps.accounts.models
# (they are the values of accounts.models.Role; a test checks they stay in step).
SOCIAL_WORKER = "SOCIAL_WORKER"
TEAM_MANAGER = "TEAM_MANAGER"
PERFORMANCE_MANAGER = "PERFORMANCE_MANAGER"
HEALTH_ADMIN = "HEALTH_ADMIN"
LAC_NURSE = "LAC_NURSE"
DESIGNATED = "DESIGNATED"
MEDICAL_ADVISER = "MEDICAL_ADVISER"
AUDITOR = "AUDITOR"
ADMIN = "ADMIN"

TEAM = (SOCIAL_WORKER, TEAM_MANAGER)
HEALTH_PROVIDER = (HEALTH_ADMIN, LAC_NURSE)
# The managers and professionals who see the scorecard and the breach reports: one set
# (it was BREACH_VIEWERS in assessments/views.py and REPORTING_ROLES in performance).
REPORTING = (TEAM_MANAGER, PERFORMANCE_MANAGER, DESIGNATED, AUDITOR)


class Capability(StrEnum):
    # The assessment workflow steps (apps/assessments/workflow.py).
    ASSESSMENT_REQUEST = "assessment.request"
    ASSESSMENT_REQUEST_COMPLETE = "assessment.request-complete"
    ASSESSMENT_BOOK = "assessment.book"
    ASSESSMENT_RECORD_OUTCOME = "assessment.record-outcome"
    ASSESSMENT_COMPLETE = "assessment.complete"
    ASSESSMENT_RETURN_REPORT = "assessment.return-report"
    ASSESSMENT_DECLINE = "assessment.decline"
    ASSESSMENT_HEALTH_REASON = "assessment.health-reason"
    ASSESSMENT_OVERRIDE_BREACH = "assessment.override-breach"
    # Per-child health records.
    SDQ_WRITE = "sdq.write"
    CLINICAL_RECORD_WRITE = "clinical-record.write"  # dental, immunisation, health history
    HEALTH_HISTORY_DOWNLOAD = "health-history.download"
    OUT_OF_AREA_REFERRAL_WRITE = "out-of-area-referral.write"
    # Reports.
    REPORTS_VIEW = "reports.view"  # scorecard, breach list
    PROVIDER_WORKLOAD_VIEW = "provider-workload.view"
    ACCESS_LOG_VIEW = "access-log.view"
    # Records deleted as entered in error, with who, when and why (issue 13).
    DELETED_RECORDS_VIEW = "deleted-records.view"
    # The SSDA903 return: import and export of the LA's own tables.
    RETURNS_903 = "returns-903"
    # Moving children between the LA's teams.
    CHILDREN_ALLOCATE = "children.allocate"
    # The adoption medical adviser's worklist and work items.
    ADOPTION_ADVISER_WORK = "adoption.adviser-work"
    # The care record (the child, periods of care, placements) and the adoption case are
    # written by the child's team.
    CASE_RECORD_WRITE = "case-record.write"
    CHILDREN_CREATE = "children.create"
    ADOPTION_CASE_WRITE = "adoption.case-write"  # milestones, requests for work items
    # Who reads adoption records at all (which children: the adoption selectors' scope).
    ADOPTION_RECORDS_VIEW = "adoption.records-view"
    # The data protection officer's delegate: one child's whole record (issue 17).
    SUBJECT_ACCESS_REQUEST = "subject-access.request"
    # A provider's clinic policy (slot lengths, reminders, letter text): effective-dated versions.
    CLINIC_POLICY_MANAGE = "clinic-policy.manage"


class Relation(StrEnum):
    ANY = "any"
    CASE_TEAM = "case-team"  # the child's own team (children.selectors.user_can_edit_case)
    PROVIDER_STAFF = "provider-staff"  # staff of the assessment's provider
    HEALTH_RECORDS = "health-records"  # staff of a provider with a request for the child
    HOST_AREA_HEALTH_ADMIN = "host-area-health-admin"  # requests for another LA's child
    BREACH_LA_OR_UNDETERMINED = "breach-la-or-undetermined"  # and the child's team
    BREACH_HEALTH_OR_UNDETERMINED = "breach-health-or-undetermined"
    HAS_ORGANISATION = "has-organisation"
    LA_STAFF = "la-staff"  # a user of a local authority
    IN_A_TEAM = "in-a-team"  # a user with a team
    OWN_LA_CHILD = "own-la-child"  # a child whose responsible LA is the user's organisation


@dataclass(frozen=True)
class Grant:
    roles: dict[str, tuple[Relation, ...]]
    # The relation a superuser needs (None: a superuser does not hold the capability).
    superuser: Relation | None = None
    note: str = ""


def _grant(roles, relation: Relation) -> dict[str, tuple[Relation, ...]]:
    return {role: (relation,) for role in roles}


TABLE: dict[Capability, Grant] = {
    Capability.ASSESSMENT_REQUEST: Grant(
        {**_grant(TEAM, Relation.CASE_TEAM), HEALTH_ADMIN: (Relation.HOST_AREA_HEALTH_ADMIN,)},
        superuser=Relation.ANY,
        note="Our health admin may send the request for a child another LA placed here.",
    ),
    Capability.ASSESSMENT_REQUEST_COMPLETE: Grant(
        {**_grant(TEAM, Relation.CASE_TEAM), **_grant(HEALTH_PROVIDER, Relation.PROVIDER_STAFF)},
        superuser=Relation.ANY,
    ),
    Capability.ASSESSMENT_DECLINE: Grant(_grant(TEAM, Relation.CASE_TEAM), superuser=Relation.ANY),
    Capability.ASSESSMENT_BOOK: Grant(_grant(HEALTH_PROVIDER, Relation.PROVIDER_STAFF)),
    Capability.ASSESSMENT_RECORD_OUTCOME: Grant(_grant(HEALTH_PROVIDER, Relation.PROVIDER_STAFF)),
    Capability.ASSESSMENT_RETURN_REPORT: Grant(_grant(HEALTH_PROVIDER, Relation.PROVIDER_STAFF)),
    Capability.ASSESSMENT_HEALTH_REASON: Grant(_grant(HEALTH_PROVIDER, Relation.PROVIDER_STAFF)),
    Capability.ASSESSMENT_COMPLETE: Grant({LAC_NURSE: (Relation.PROVIDER_STAFF,)}),
    Capability.ASSESSMENT_OVERRIDE_BREACH: Grant(
        {
            TEAM_MANAGER: (Relation.CASE_TEAM, Relation.BREACH_LA_OR_UNDETERMINED),
            DESIGNATED: (Relation.BREACH_HEALTH_OR_UNDETERMINED,),
        }
    ),
    Capability.SDQ_WRITE: Grant(
        {**_grant(TEAM, Relation.CASE_TEAM), **_grant(HEALTH_PROVIDER, Relation.HEALTH_RECORDS)},
        superuser=Relation.ANY,
        note="DOMAIN.md 9: social workers record SDQ; health staff may too.",
    ),
    Capability.CLINICAL_RECORD_WRITE: Grant(
        {LAC_NURSE: (Relation.HEALTH_RECORDS,)},
        note="DOMAIN.md 9: dental checks, immunisations and health histories are the nurse's.",
    ),
    Capability.HEALTH_HISTORY_DOWNLOAD: Grant(
        {**_grant(TEAM, Relation.CASE_TEAM), **_grant(HEALTH_PROVIDER, Relation.HEALTH_RECORDS)},
        superuser=Relation.ANY,
    ),
    Capability.OUT_OF_AREA_REFERRAL_WRITE: Grant(_grant(HEALTH_PROVIDER, Relation.HEALTH_RECORDS)),
    Capability.REPORTS_VIEW: Grant(_grant(REPORTING, Relation.ANY), superuser=Relation.ANY),
    Capability.PROVIDER_WORKLOAD_VIEW: Grant(_grant(HEALTH_PROVIDER, Relation.HAS_ORGANISATION)),
    Capability.ACCESS_LOG_VIEW: Grant({AUDITOR: (Relation.ANY,)}, superuser=Relation.ANY),
    Capability.DELETED_RECORDS_VIEW: Grant(
        {AUDITOR: (Relation.ANY,)},
        superuser=Relation.ANY,
        note="Issue 13: auditors see what was deleted as entered in error, and why.",
    ),
    Capability.RETURNS_903: Grant(
        {PERFORMANCE_MANAGER: (Relation.LA_STAFF,)},
        note="LA administrators no longer import (DOMAIN.md 9).",
    ),
    Capability.CHILDREN_ALLOCATE: Grant(
        {role: (Relation.LA_STAFF, Relation.OWN_LA_CHILD) for role in (TEAM_MANAGER, ADMIN)},
        superuser=Relation.ANY,
        note="An LA admin or team manager moves a child of their own LA between its teams.",
    ),
    Capability.ADOPTION_ADVISER_WORK: Grant({MEDICAL_ADVISER: (Relation.ANY,)}),
    Capability.CASE_RECORD_WRITE: Grant(_grant(TEAM, Relation.CASE_TEAM), superuser=Relation.ANY),
    Capability.CHILDREN_CREATE: Grant(_grant(TEAM, Relation.IN_A_TEAM), superuser=Relation.ANY),
    Capability.ADOPTION_CASE_WRITE: Grant(_grant(TEAM, Relation.CASE_TEAM), superuser=Relation.ANY),
    Capability.ADOPTION_RECORDS_VIEW: Grant(
        _grant((*TEAM, MEDICAL_ADVISER, PERFORMANCE_MANAGER, DESIGNATED, AUDITOR), Relation.ANY),
        superuser=Relation.ANY,
        note="Which of the children: the adoption selectors' scope (advisers: their areas).",
    ),
    Capability.SUBJECT_ACCESS_REQUEST: Grant(
        {AUDITOR: (Relation.LA_STAFF,)},
        note="The auditor of the child's LA, as the DPO's delegate (issue 17).",
    ),
    Capability.CLINIC_POLICY_MANAGE: Grant(
        _grant((HEALTH_ADMIN, DESIGNATED), Relation.HAS_ORGANISATION),
        note="The provider's health admin for its own clinics; the designated nurse for the "
        "providers serving the commissioner's areas (apps/clinics/selectors.policy_providers).",
    ),
}

_RELATIONS: dict[Relation, Callable[[Any, Any], bool]] = {
    Relation.ANY: lambda user, record: True,
    Relation.HAS_ORGANISATION: lambda user, record: user.organisation_id is not None,
    Relation.LA_STAFF: lambda user, record: (
        user.organisation is not None and user.organisation.kind == "LA"
    ),
    Relation.IN_A_TEAM: lambda user, record: user.team_id is not None,
    # The record is the child (or a record with one).
    Relation.OWN_LA_CHILD: lambda user, record: (
        user.organisation_id is not None
        and user.organisation_id == getattr(record, "child", record).responsible_la_id
    ),
    # The child's own team; the record is the child or a record with one (an assessment).
    # (Only team roles hold it; a superuser in such a role is of every team, as before.)
    Relation.CASE_TEAM: lambda user, record: (
        user.is_superuser
        or (user.team_id is not None and getattr(record, "child", record).team_id == user.team_id)
    ),
}


def register_relation(relation: Relation, predicate: Callable[[Any, Any], bool]) -> None:
    """The app that owns a relation registers its predicate(user, record) once."""
    _RELATIONS[relation] = predicate


# Relations that are about the user alone (the others are about a record).
_USER_ONLY = {Relation.ANY, Relation.HAS_ORGANISATION, Relation.LA_STAFF, Relation.IN_A_TEAM}


def _holds(user, relations: tuple[Relation, ...], record) -> bool:
    # Asked without a record (menus, worklists): whether the role holds it on some record,
    # so only the relations about the user alone are checked.
    checked = [r for r in relations if record is not None or r in _USER_ONLY]
    return all(_RELATIONS[r](user, record) for r in checked)


def may(user, capability: Capability, record=None) -> bool:
    """May ``user`` exercise ``capability`` (on ``record``, if given)? ``record`` is the
    object the relation is about (an Assessment, a Child); the caller has already found
    it through the visible queryset (a record one may not see is a 404, not a no)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    grant = TABLE[capability]
    if user.is_superuser and grant.superuser is not None:
        return _holds(user, (grant.superuser,), record)
    relations = grant.roles.get(user.role)
    if relations is None:
        return False
    return _holds(user, relations, record)


def roles_with(capability: Capability) -> frozenset[str]:
    """The roles that hold ``capability`` on some record (for worklists and menus)."""
    return frozenset(TABLE[capability].roles)
