"""`manage.py sandbox serve` — Spectra's simulated ad platform on loopback."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run the sandbox ad platform (Adobe-shaped API over HTTP)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        serve = sub.add_parser("serve", help="Serve the sandbox over HTTP.")
        serve.add_argument("--host", default="127.0.0.1")
        serve.add_argument("--port", type=int, default=8765)
        serve.add_argument("--seed", type=int, default=42)
        serve.add_argument("--state", default="", help="State file (created if missing).")
        serve.add_argument("--campaigns", type=int, default=48)
        serve.add_argument("--ad-groups-per-campaign", type=int, default=4)
        serve.add_argument("--audiences", type=int, default=12)
        serve.add_argument("--history-days", type=int, default=35)
        serve.add_argument(
            "--google-api-versions",
            default="",
            help="Google Ads API versions served, comma-separated "
            "(default: settings.GOOGLE_ADS_API_VERSION).",
        )
        serve.add_argument(
            "--start-date",
            type=date.fromisoformat,
            default=None,
            help="First simulated day (YYYY-MM-DD).",
        )

    def handle(self, *args, **opts):
        from django.conf import settings

        from executors.sandbox.server import serve

        if opts["host"] not in ("127.0.0.1", "localhost", "::1"):
            raise CommandError("The sandbox serves loopback only (it has no real auth).")
        self.stdout.write(
            f"Sandbox platform on http://{opts['host']}:{opts['port']}/ (seed {opts['seed']})"
        )
        world_options = {
            "campaigns": opts["campaigns"],
            "ad_groups_per_campaign": opts["ad_groups_per_campaign"],
            "audiences": opts["audiences"],
            "history_days": opts["history_days"],
        }
        if opts["start_date"]:
            world_options["start_date"] = opts["start_date"]
        versions = [v.strip() for v in opts["google_api_versions"].split(",") if v.strip()]
        serve(
            host=opts["host"],
            google_api_versions=tuple(versions or [settings.GOOGLE_ADS_API_VERSION]),
            port=opts["port"],
            seed=opts["seed"],
            state_path=opts["state"] or None,
            **world_options,
        )
