"""A user's own SSDA903 import jobs."""


def import_job_for_user(user, job_id):
    """The user's own import job for their LA, or None: another's job (even in the same LA)
    is not theirs to know of."""
    from apps.interop.models import ImportJob

    if user.organisation_id is None:
        return None
    return ImportJob.objects.filter(
        pk=job_id, requested_by=user, local_authority_id=user.organisation_id
    ).first()


def recent_import_jobs(user, limit: int = 5):
    from apps.interop.models import ImportJob

    return ImportJob.objects.filter(
        requested_by=user, local_authority_id=user.organisation_id
    ).order_by("-created_at")[:limit]
