"""`manage.py llm_sandbox` — the embedded model provider (OpenAI API shape) on loopback."""

from django.core.management.base import BaseCommand

from sandbox.llm.server import serve


class Command(BaseCommand):
    help = "Serve the sandbox model (Chat Completions and Images, OpenAI's shape) on loopback."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8766)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **opts):
        serve(seed=opts["seed"], port=opts["port"])
