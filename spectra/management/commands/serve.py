"""`manage.py serve` — Spectra's production web server (waitress).

A pure-Python WSGI server that is already Spectra's sandbox server: no C build, and
it runs the same on every machine. Static files come from WhiteNoise in the same
process, so the server needs nothing in front of it but TLS. Migrations and
schedules are not its job: the image's entry script runs them once, before any web
process starts (deploy/entrypoint.sh).
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from waitress import serve

from spectra.wsgi import application


def listen_address(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise CommandError(f"SPECTRA_WEB_LISTEN={value!r} must be host:port, e.g. 0.0.0.0:8000.")
    return host.strip("[]"), int(port)


class Command(BaseCommand):
    help = "Serve Spectra with the production WSGI server (waitress)."

    def add_arguments(self, parser):
        parser.add_argument("--listen", default="", help="host:port (SPECTRA_WEB_LISTEN)")

    def handle(self, *args, **opts):
        host, port = listen_address(opts["listen"] or settings.SPECTRA_WEB_LISTEN)
        proxy = settings.SPECTRA_TRUSTED_PROXY
        extra = (
            {
                "trusted_proxy": proxy,
                "trusted_proxy_headers": "x-forwarded-proto x-forwarded-for",
                "trusted_proxy_count": 1,
            }
            if proxy
            else {}
        )
        self.stdout.write(f"Serving Spectra on http://{host}:{port}/", ending="\n")
        self.stdout.flush()
        serve(
            application,
            host=host,
            port=port,
            threads=settings.SPECTRA_WEB_THREADS,
            ident="Spectra",
            **extra,
        )
