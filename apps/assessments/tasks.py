"""Background work for the health clocks."""

from celery import shared_task
from django.db import transaction


def enqueue_child_recompute(child_id: int) -> None:
    """Recompute a child's clocks after the current transaction commits.

    Saving never depends on Redis: if the broker is down the message is lost, logged, and
    the nightly sweep recomputes every clock anyway.
    """

    def _send() -> None:
        try:
            recompute_child_clocks.delay(child_id)
        except Exception:  # noqa: BLE001 - a broker outage must not fail a committed write
            import logging

            logging.getLogger(__name__).warning(
                "Could not enqueue clock recompute for child %s; the nightly sweep will catch up",
                child_id,
            )

    transaction.on_commit(_send)


@shared_task(acks_late=True, ignore_result=True)
def recompute_child_clocks(child_id: int) -> None:
    from apps.assessments.services import child_clocks_recompute

    child_clocks_recompute(child_id=child_id)
