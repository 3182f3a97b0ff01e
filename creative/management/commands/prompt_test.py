"""`manage.py prompt_test ad-copy [--prompt-version N]` — a version's pass rates on the golden
briefs, beside the published version's."""

from django.core.management.base import BaseCommand, CommandError

from creative.models import PromptStatus, PromptTestRun, PromptVersion
from creative.services.prompt_tests import golden_cases, prompt_test_run

RATES = [
    ("valid_first_time", "valid first time"),
    ("schema_valid", "valid (≤ 1 repair)"),
    ("within_limits", "within length limits"),
    ("brand_safe", "brand safe"),
    ("expectations_met", "expectations met"),
]


class Command(BaseCommand):
    help = "Run a prompt version over its golden briefs and print its pass rates."

    def add_arguments(self, parser):
        parser.add_argument("prompt")
        parser.add_argument("--prompt-version", type=int, help="default: the newest version")

    def handle(self, *args, **opts):
        versions = PromptVersion.objects.filter(name=opts["prompt"])
        if not versions.exists():
            raise CommandError(f"No prompt named {opts['prompt']!r}.")
        if not golden_cases(opts["prompt"]):
            raise CommandError(f"No golden cases for {opts['prompt']!r} in creative/golden/.")
        chosen = (
            versions.filter(version=opts["prompt_version"]).first()
            if opts["prompt_version"]
            else versions.order_by("-version").first()
        )
        if chosen is None:
            raise CommandError(f"{opts['prompt']} has no version {opts['version']}.")
        runs = [prompt_test_run(version=chosen)]
        published = versions.filter(status=PromptStatus.PUBLISHED).exclude(pk=chosen.pk).first()
        if published is not None:
            runs.append(prompt_test_run(version=published))
        header = f"{'':24}" + "".join(
            f"{str(r.version) + ' (' + r.version.status + ')':>26}" for r in runs
        )
        self.stdout.write(header)
        for field, label in RATES:
            self.stdout.write(f"{label:24}" + "".join(f"{r.rate(field):>26.0%}" for r in runs))
        # People rate a run's outputs on its page in the console; a new run is unrated, so
        # the version's latest rated run speaks for it.
        self.stdout.write(f"{'rated by people':24}" + "".join(f"{_rated(r):>26}" for r in runs))


def _rated(run) -> str:
    for earlier in PromptTestRun.objects.filter(version=run.version).order_by("-created_at"):
        if earlier.human_rating is not None:
            return f"{earlier.human_rating:.1f}/5 ({len(earlier.ratings)})"
    return "not yet"
