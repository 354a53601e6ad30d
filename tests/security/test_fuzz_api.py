"""Schema-driven fuzzing of the whole API (schemathesis) as each role of the cast.

The OpenAPI schema served at /api/schema/ drives generated requests (valid and invalid
inputs) against every operation, in process through Django's WSGI handler, with token
authentication. Path ids and ``child`` fields are steered to real records: the role's own
children and other organisations' children. Every response is checked for:

- no 5xx (an unhandled error is a bug whatever the input);
- no data of a child the role may not see (ids under a ``child`` key, NHS numbers, names,
  LA references), and no write to such a child's records.

Figures (operations x examples x roles, 5xx, leaks) are printed; run with ``-s`` to see them.
FUZZ_EXAMPLES sets the examples per operation and role (default 5)."""

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from apps.accounts.models import User
from apps.adoption.models import AdoptionCase
from apps.adoption.selectors import adoption_children_visible_to
from apps.adoption.services import adoption_case_create
from apps.assessments.models import (
    Assessment,
    DentalCheck,
    HealthHistory,
    ImmunisationRecord,
    SdqRecord,
)
from apps.children.models import Child, PeriodOfCare
from apps.children.selectors import children_visible_to
from apps.placements.models import Placement
from tests.factories import ChildFactory, PeriodOfCareFactory, PlacementFactory

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
ROLES = ["social_worker", "nurse_a", "health_admin_a", "designated", "outsider", "anonymous"]
# The per-child records whose rows a role must never create or change for a child it cannot see.
CHILD_RECORDS = [
    Assessment,
    PeriodOfCare,
    Placement,
    DentalCheck,
    SdqRecord,
    ImmunisationRecord,
    HealthHistory,
    AdoptionCase,
]
# Which model's ids to try for ``{id}`` in each path.
PATH_MODELS = {
    "/api/v1/children/": Child,
    "/api/v1/assessments/": Assessment,
    "/api/v1/periods-of-care/": PeriodOfCare,
    "/api/v1/placements/": Placement,
    "/api/v1/dental-checks/": DentalCheck,
    "/api/v1/sdq-records/": SdqRecord,
    "/api/v1/immunisations/": ImmunisationRecord,
    "/api/v1/health-histories/": HealthHistory,
    "/api/v1/adoption/cases/": AdoptionCase,
}


# The data set ---------------------------------------------------------------------------------


def _records_for(child, cast, provider):
    """A request to ``provider`` (its staff then see the child) and one of each record."""
    Assessment.objects.create(
        child=child,
        kind="IHA",
        provider=provider,
        period_of_care=child.periods_of_care.first(),
        clock_start=date(2025, 1, 6),
        request_due=date(2025, 1, 13),
        due_date=date(2025, 2, 3),
        request_sent_on=date(2025, 1, 7),
    )
    DentalCheck.objects.create(child=child, checked_on=date(2025, 3, 3), practice="Smile")
    SdqRecord.objects.create(
        child=child, completed_on=date(2025, 3, 4), informant="CARER", total_score=12
    )
    ImmunisationRecord.objects.create(child=child, checked_on=date(2025, 3, 5), status="UP_TO_DATE")
    HealthHistory.objects.create(
        child=child,
        provided_on=date(2025, 3, 6),
        summary=f"History of {child.first_name}",
        written_by=cast.nurse_a,
    )


@pytest.fixture
def children(cast):
    """Four children, each with records, seen by different parts of the cast:

    - ours: our LA, team A, request to provider A (the social worker, nurse A, health admin
      A and the designated nurse see it);
    - team_b: our LA, team B, request to provider B (the designated nurse only);
    - medway: another LA's child placed in that LA (none of the fuzzed roles);
    - placed_here: another LA's child placed in our area (the designated nurse only)."""

    def child(key, la, team, area, provider):
        made = ChildFactory(
            responsible_la=la,
            team=team,
            first_name=f"Zanzibar{key.title().replace('_', '')}",
            last_name=f"Quillfeather{key.title().replace('_', '')}",
            la_child_id=f"LEAK-{key[:4].upper()}",
        )
        PlacementFactory(period_of_care=PeriodOfCareFactory(child=made), area=area)
        _records_for(made, cast, provider)
        return made

    made = {
        "ours": child("ours", cast.our_la, cast.team_a, cast.our_la, cast.provider_a),
        "team_b": child("team_b", cast.our_la, cast.team_b, cast.our_la, cast.provider_b),
        "medway": child("medway", cast.other_la, cast.other_team, cast.other_la, cast.provider_b),
        "placed_here": child(
            "placed_here", cast.other_la, cast.other_team, cast.our_la, cast.provider_b
        ),
    }
    adoption_case_create(child=made["ours"], created_by=cast.social_worker)
    adoption_case_create(child=made["medway"], created_by=cast.social_worker_other_la)
    return made


def _visible_ids(user: User | None) -> set[int]:
    if user is None:
        return set()
    return set(children_visible_to(user).values_list("pk", flat=True)) | set(
        adoption_children_visible_to(user).values_list("pk", flat=True)
    )


def _markers(child: Child) -> list[str]:
    return [child.first_name, child.last_name, child.la_child_id, child.nhs_number]


def _snapshot(child_ids: set[int]) -> dict:
    """Every per-child row of these children with its version (or its id, if unversioned)."""
    state = {
        ("Child", row["pk"]): row.get("version")
        for row in Child.objects.filter(pk__in=child_ids).values("pk", "version")
    }
    for model in CHILD_RECORDS:
        has_version = any(f.name == "version" for f in model._meta.fields)
        fields = ["pk", "version"] if has_version else ["pk"]
        for row in model.objects.filter(child__in=child_ids).values(*fields):
            state[(model.__name__, row["pk"])] = row.get("version")
    return state


# In-process transport -------------------------------------------------------------------------


@pytest.fixture
def wsgi_app():
    """Django's WSGI handler on the test database connection: the connection must not be
    closed between requests (that is what Django's own test client does too)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@dataclass
class Findings:
    calls: int = 0
    statuses: Counter = field(default_factory=Counter)
    server_errors: list = field(default_factory=list)
    leaks: list = field(default_factory=list)
    forbidden_writes: list = field(default_factory=list)
    exceptions: list = field(default_factory=list)
    # Positive control: (role, child id) of visible children whose data responses did show.
    shown: set = field(default_factory=set)


def _scan(body: bytes, invisible: dict[int, list[str]]) -> list[str]:
    """The invisible children this body mentions, by marker or under a ``child`` key."""
    text = body.decode("utf-8", "replace")
    found = []
    for child_id, markers in invisible.items():
        hits = [m for m in markers if m and m in text]
        if hits:
            found.append(f"child {child_id}: {hits}")
    try:
        data = json.loads(text)
    except ValueError:
        return found
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key in {"child", "child_id"} and type(value) is int and value in invisible:
                    found.append(f"child {value} under key {key!r}")
                stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _fuzz_role(schema, app, role, token, invisible, visible, targets, findings, operations):
    headers = {"Authorization": f"Token {token}"} if token else {}
    child_ids = sorted(targets["child"])

    for operation in operations:
        model = next(
            (m for prefix, m in PATH_MODELS.items() if operation.path.startswith(prefix)), None
        )
        path_ids = sorted(targets.get(model, set())) if model else []
        strategy = st.one_of(
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        )

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(
            case=strategy,
            path_id=st.sampled_from(path_ids) if path_ids else st.none(),
            child_id=st.sampled_from(child_ids),
            # Three times in four, aim at a real record rather than a random id.
            steer=st.sampled_from([True, True, True, False]),
        )
        def run(case, path_id, child_id, steer):
            if steer and path_id is not None and "id" in (case.path_parameters or {}):
                case.path_parameters["id"] = path_id
            if steer and isinstance(case.body, dict) and "child" in case.body:
                case.body["child"] = child_id
            savepoint = transaction.savepoint_create()
            errors_before = len(findings.exceptions)
            try:
                response = case.call(app=app, headers=headers)
            except Exception as error:  # noqa: BLE001 - any transport failure is a finding
                transaction.savepoint_rollback(savepoint)
                findings.server_errors.append((role, case.method, case.formatted_path, repr(error)))
                return
            findings.calls += 1
            findings.statuses[response.status_code] += 1
            where = f"{role} {case.method} {case.formatted_path}"
            if response.status_code >= 500:
                transaction.savepoint_rollback(savepoint)
                detail = findings.exceptions[errors_before:] or [response.content[:300]]
                findings.server_errors.append((where, response.status_code, detail[-1]))
                return
            transaction.savepoint_commit(savepoint)
            for leak in _scan(response.content, invisible):
                findings.leaks.append((where, response.status_code, leak))
            if response.status_code == 200 and visible:
                for hit in _scan(response.content, visible):
                    findings.shown.add((role, int(hit.split()[1].rstrip(":"))))

        run()


@pytest.fixture
def exceptions_seen():
    seen = []

    def record(sender, request=None, **kwargs):
        import sys
        import traceback

        seen.append("".join(traceback.format_exception(*sys.exc_info())[-3:]))

    got_request_exception.connect(record, weak=False)
    try:
        yield seen
    finally:
        got_request_exception.disconnect(record)


def test_fuzz_the_api_as_each_role(cast, children, wsgi_app, exceptions_seen):
    # The schema is for signed-in users and token holders (not public): fetch it with a token.
    reader = _write_token(cast.social_worker)
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/", wsgi_app, headers={"Authorization": f"Token {reader}"}
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 40, "the schema lists the API's operations"
    all_children = {c.pk: c for c in Child.objects.filter(pk__in=[c.pk for c in children.values()])}
    # Ids to steer requests to: every record of the four children, whoever may see them.
    targets = {
        model: set(model.objects.filter(child__in=list(all_children)).values_list("pk", flat=True))
        for model in PATH_MODELS.values()
        if model is not Child
    }
    targets[Child] = targets["child"] = set(all_children)

    # The identifying fields to look for in responses. A role's fuzzing may rename the
    # children it can edit (to strings drawn from the schema, such as field names), so they
    # are put back before each role: the markers stay distinctive.
    identities = {
        pk: {f: getattr(child, f) for f in ("first_name", "last_name", "la_child_id", "nhs_number")}
        for pk, child in all_children.items()
    }
    findings = Findings(exceptions=exceptions_seen)
    per_role = {}
    for role in ROLES:
        for pk, fields in identities.items():
            Child.objects.filter(pk=pk).update(**fields)
        user = None if role == "anonymous" else getattr(cast, role)
        token = _write_token(user) if user else None
        visible_before = _visible_ids(user)
        hidden = set(all_children) - visible_before
        before = _snapshot(hidden)
        calls = findings.calls
        leaks = len(findings.leaks)
        invisible = {pk: _markers(Child.objects.get(pk=pk)) for pk in hidden}
        visible = {pk: _markers(all_children[pk]) for pk in visible_before & set(all_children)}
        _fuzz_role(schema, wsgi_app, role, token, invisible, visible, targets, findings, operations)
        # A write by another role may have let this one see more; the check is on the
        # children it could not see before and still cannot see.
        still_hidden = hidden - _visible_ids(user)
        assert still_hidden == hidden, f"{role} gained sight of {hidden - still_hidden}"
        after = _snapshot(hidden)
        if after != before:
            changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
            findings.forbidden_writes.append((role, sorted(changed)))
        per_role[role] = (
            len(visible_before & set(all_children)),
            len(hidden),
            findings.calls - calls,
            len(findings.leaks) - leaks,
        )

    print(
        f"\n[fuzz] {len(operations)} operations x {EXAMPLES} examples x {len(ROLES)} roles "
        f"(up to {len(operations) * EXAMPLES * len(ROLES)} cases); {findings.calls} requests; "
        f"statuses {dict(sorted(findings.statuses.items()))}; "
        f"5xx: {len(findings.server_errors)}; leaks: {len(findings.leaks)}; "
        f"writes to hidden children: {len(findings.forbidden_writes)}"
    )
    for role, (seen, hidden, calls, leaks) in per_role.items():
        print(
            f"[fuzz]   {role:15} sees {seen}/4 children ({hidden} hidden), "
            f"{calls} requests, {leaks} leaks; shown "
            f"{sum(1 for r, _ in findings.shown if r == role)} of its children's data"
        )
    for error in findings.server_errors[:10]:
        print("[fuzz] 5xx:", error)
    for leak in findings.leaks[:10]:
        print("[fuzz] leak:", leak)

    assert findings.calls >= len(operations) * len(ROLES)
    assert not findings.server_errors, findings.server_errors[:5]
    assert not findings.leaks, findings.leaks[:5]
    assert not findings.forbidden_writes, findings.forbidden_writes
    # The steering worked: requests reached the children's records (2xx) and were refused
    # for other organisations' (404/403), not only rejected as malformed.
    assert findings.statuses[200] and findings.statuses[404]
    # The scan would see a leak: each role that sees a child was shown that child's data
    # (names, NHS number or reference, or its id under "child") in some response.
    for role, (seen, *_rest) in per_role.items():
        if seen:
            assert any(r == role for r, _ in findings.shown), f"{role} was never shown its child"


def _write_token(user) -> str:
    """A read-write token for the role. Tokens skip the second factor, so the two-factor
    roles hold one only as service accounts: marked so here, to fuzz each role's rights."""
    from apps.accounts.tokens import api_token_create, may_hold_tokens

    if not may_hold_tokens(user):
        type(user).objects.filter(pk=user.pk).update(is_service_account=True)
        user.refresh_from_db()
    return api_token_create(user=user, name="Fuzzing", scope="write", days=1)[1]
