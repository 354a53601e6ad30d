from django.core.mail import send_mail

from apps.assessments.models import Assessment


def send_request_notification(assessment_id: int) -> bool:
    """Email the provider that a request has arrived. No child identifiers in the email:
    it says where to look, not who."""
    assessment = (
        Assessment.objects.select_related("provider", "child__responsible_la")
        .filter(pk=assessment_id)
        .first()
    )
    if assessment is None or assessment.provider is None or not assessment.provider.email:
        return False
    send_mail(
        subject=f"New {assessment.get_kind_display().lower()} request",
        message=(
            f"{assessment.child.responsible_la} has sent a {assessment.get_kind_display().lower()} request "
            f"(reference A{assessment.pk}), due by {assessment.due_date:%d %B %Y}.\n"
            "Sign in to LAC Health to see it in your incoming requests."
        ),
        from_email=None,
        recipient_list=[assessment.provider.email],
    )
    return True


def send_daily_digests() -> int:
    """Each user with something overdue or due within the at-risk window gets one email with
    the counts and a link to their worklist (no child details in email). Returns emails sent."""
    from django.conf import settings

    from apps.accounts.models import User
    from apps.assessments.worklists import worklist

    sent = 0
    base_url = getattr(settings, "SITE_URL", "")
    for user in (
        User.objects.filter(is_active=True)
        .exclude(role="")
        .exclude(email="")
        .select_related("organisation")
    ):
        overdue = worklist(user, "overdue").count()
        at_risk = worklist(user, "at_risk").count()
        if not overdue and not at_risk:
            continue
        send_mail(
            subject=f"LAC Health: {overdue} overdue, {at_risk} due within 5 working days",
            message=(
                f"Good morning {user.first_name or user.username},\n\n"
                f"Overdue: {overdue}\nDue within 5 working days: {at_risk}\n\n"
                f"Your worklist: {base_url}/?list=overdue\n"
            ),
            from_email=None,
            recipient_list=[user.email],
        )
        sent += 1
    return sent
