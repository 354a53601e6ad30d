import json
import time
from datetime import timedelta

from django.core.management.base import BaseCommand

from apps.core.outbox import relay_outbox


class Command(BaseCommand):
    help = "Publish outbox messages that could not be sent when they were written (Redis was down)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", action="store_true", help="Keep relaying every --interval seconds"
        )
        parser.add_argument("--interval", type=float, default=5.0)
        parser.add_argument(
            "--older-than", type=float, default=30.0, help="Seconds a message must wait first"
        )

    def handle(self, *args, loop: bool, interval: float, older_than: float, **options):
        while True:
            result = relay_outbox(older_than=timedelta(seconds=older_than))
            self.stdout.write(json.dumps(result))
            if not loop:
                return
            time.sleep(interval)
