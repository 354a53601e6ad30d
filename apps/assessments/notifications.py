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
