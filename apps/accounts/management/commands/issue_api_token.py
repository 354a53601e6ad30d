"""A platform operator's way to issue an API token to a service account (a reporting
system, an integration). People make their own at /account/api-tokens/."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.accounts.models import TokenScope, User
from apps.accounts.tokens import MAX_TOKEN_DAYS, api_token_create


class Command(BaseCommand):
    help = "Make an API token for a user and print it once (only its hash is kept)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="What the token is for")
        parser.add_argument("--scope", choices=TokenScope.values, default=TokenScope.READ)
        parser.add_argument("--days", type=int, default=90, help=f"1-{MAX_TOKEN_DAYS}")

    def handle(self, *args, username: str, name: str, scope: str, days: int, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        try:
            token, secret = api_token_create(user=user, name=name, scope=scope, days=days)
        except ValidationError as error:
            raise CommandError("; ".join(sum(error.message_dict.values(), []))) from error
        self.stdout.write(
            f"{secret}  ({token.get_scope_display()}, expires {token.expires_at:%Y-%m-%d})"
        )
