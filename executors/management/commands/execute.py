"""`manage.py execute --account ID` — carry out the account's approved changes now."""

from django.core.management.base import BaseCommand, CommandError

from campaigns.models import AdAccount
from executors.pipeline import execute_approved


class Command(BaseCommand):
    help = "Execute an account's APPROVED recommendations (dry-run/live per the account)."

    def add_arguments(self, parser):
        parser.add_argument("--account", type=int, required=True, help="AdAccount id")

    def handle(self, *args, **opts):
        try:
            account = AdAccount.objects.get(pk=opts["account"])
        except AdAccount.DoesNotExist:
            raise CommandError(f"No ad account with id {opts['account']}.") from None
        counts = execute_approved(account=account)
        mode = account.get_execution_mode_display()
        if not counts:
            self.stdout.write(f"{account} ({mode}): nothing approved to execute.")
        for status, n in sorted(counts.items()):
            self.stdout.write(f"{account} ({mode}): {n} {status}")
