"""The scheduled retention review: finds records past their retention date (set-based
candidate query, exact rule per candidate) and lists them for review. Idempotent.

In the audit app (issue 12) with the other reads across every record (the access log,
subject access): a child's retention date depends on their adoption order (DOMAIN.md 10),
so the job reads the children and the adoption cases; the rule is apps.children.retention."""

from datetime import date

from django.db import transaction
from django.db.models import OuterRef, Q, Subquery

from apps.adoption.models import AdoptionCase
from apps.children.models import Child, RetentionReview
from apps.children.retention import candidate_cutoffs, retention_reason, retention_until


@transaction.atomic
def retention_reviews_identify(*, today: date) -> int:
    born_by, died_by = candidate_cutoffs(today)
    order = AdoptionCase.objects.filter(child=OuterRef("pk")).values("adoption_order_on")[:1]
    candidates = (
        Child.objects.filter(Q(date_of_birth__lte=born_by) | Q(date_of_death__lte=died_by))
        .filter(retention_review__isnull=True)
        .annotate(adoption_order_on=Subquery(order))
        .values("pk", "date_of_birth", "date_of_death", "adoption_order_on")
    )
    new = []
    for row in candidates.iterator(chunk_size=2000):
        facts = {k: row[k] for k in ("date_of_birth", "date_of_death", "adoption_order_on")}
        until = retention_until(**facts)
        if until <= today:
            new.append(
                RetentionReview(
                    child_id=row["pk"],
                    retain_until=until,
                    reason=retention_reason(**facts),
                    identified_on=today,
                )
            )
    RetentionReview.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)
