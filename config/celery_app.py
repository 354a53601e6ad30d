import os
from pathlib import Path

from celery import Celery
from celery.beat import PersistentScheduler
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("lac_health")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every scheduled job, in one place.
app.conf.beat_schedule = {
    # At 01:30 each night: flag the breaches and at-risk items that the passing of a day
    # created, and recompute any child whose event message was lost.
    "sweep-clocks-nightly": {
        "task": "apps.assessments.tasks.sweep_clocks_nightly",
        "schedule": crontab(hour=1, minute=30),
    },
    # At 02:00 each night, after the 01:30 clock sweep: store every LA's scorecard figures
    # for the month in progress and the thirteen before it, so the scorecard pages read
    # them instead of scanning every child on each request.
    "scorecard-snapshots-nightly": {
        "task": "apps.performance.tasks.build_scorecard_snapshots_nightly",
        "schedule": crontab(hour=2, minute=0),
    },
    # Every minute: publish outbox messages written while Redis was unreachable.
    "relay-outbox": {
        "task": "apps.assessments.tasks.relay_outbox",
        "schedule": 60.0,
    },
    # Every 5 minutes: re-send export jobs whose message was lost (they stay queued otherwise).
    "requeue-stale-export-jobs": {
        "task": "apps.performance.tasks.requeue_stale_export_jobs",
        "schedule": 300.0,
    },
    # Every 5 minutes: re-send SSDA903 import jobs whose message was lost or whose worker
    # died part-way (nothing of theirs was written: the import is one transaction).
    "requeue-stale-import-jobs": {
        "task": "apps.interop.tasks.requeue_stale_import_jobs",
        "schedule": 300.0,
    },
    # Sundays at 03:00: list records past their retention date for review (never deletes).
    "retention-review": {
        "task": "apps.audit.tasks.identify_retention_reviews",
        "schedule": crontab(hour=3, minute=0, day_of_week=0),
    },
    # At 06:30 each morning: every user with overdue or at-risk items gets one email with
    # the counts and a link to their worklist.
    "daily-digest": {
        "task": "apps.assessments.tasks.send_daily_digests",
        "schedule": crontab(hour=6, minute=30),
    },
    # At 07:00 each morning: remind the carer and social worker of each clinic appointment
    # whose reminder day (Default 3 working days before) has come.
    "clinic-reminders": {
        "task": "apps.clinics.tasks.send_due_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
}


class HeartbeatScheduler(PersistentScheduler):
    """The default scheduler, touching a file on every tick (at least once a minute: the
    outbox relay runs every minute) so that compose's health check can tell a live beat
    from a hung one. Selected with ``beat --scheduler config.celery_app:HeartbeatScheduler``."""

    def tick(self, *args, **kwargs):
        from django.conf import settings

        Path(settings.BEAT_HEARTBEAT_FILE).touch()
        return super().tick(*args, **kwargs)
