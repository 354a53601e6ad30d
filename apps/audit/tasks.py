"""Background work of the records-management side: the weekly retention review."""

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def identify_retention_reviews() -> int:
    from django.utils import timezone

    from apps.audit.retention_job import retention_reviews_identify

    return retention_reviews_identify(today=timezone.localdate())
