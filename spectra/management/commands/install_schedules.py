from django.core.management.base import BaseCommand

from spectra.schedules import install_schedules


class Command(BaseCommand):
    help = "Install Spectra's periodic jobs in django-q2 (idempotent)."

    def handle(self, *args, **opts):
        for name, created in install_schedules():
            self.stdout.write(f"{'installed' if created else 'up to date'}: {name}")
