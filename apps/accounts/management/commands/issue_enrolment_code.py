"""A platform operator's way to issue a two-factor enrolment code (organisations' admins use
the Django admin's action): for a new break-glass account, say."""

from django.core.management.base import BaseCommand, CommandError

from apps.accounts.models import User
from apps.accounts.tokens import ENROLMENT_CODE_DAYS, enrolment_code_issue


class Command(BaseCommand):
    help = "Issue a one-time two-factor enrolment code for a user and print it once."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        code = enrolment_code_issue(user=user, issued_by=None)
        self.stdout.write(f"{code}  (for {username}; valid {ENROLMENT_CODE_DAYS} days, once)")
