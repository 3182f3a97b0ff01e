"""Check that the scheduler ticks; alert Spectra's operators when it does not.

manage.py watchdog              # once (cron: every minute or five)
manage.py watchdog --every 60   # forever, as the compose file's watchdog service
"""

import time

from django.core.management.base import BaseCommand

from spectra.watchdog import watch_schedules


class Command(BaseCommand):
    help = "Alert the operators when scheduled jobs stop running (the scheduler is down)."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="Repeat every N seconds.")

    def handle(self, *args, every: int = 0, **options):
        while True:
            late = watch_schedules()
            if late:
                self.stdout.write(f"{len(late)} job(s) late: " + ", ".join(j.name for j in late))
            else:
                self.stdout.write("Every scheduled job is on time.")
            if every <= 0:
                return
            time.sleep(every)
