"""django-q2 entry points of the AI layer; thin callers of creative.services.

Arguments are ids, never model instances, so a redelivered task reads the current rows.
"""

from django.contrib.auth import get_user_model

from creative.models import PromptVersion
from creative.services.prompt_tests import prompt_test_run


def prompt_test_task(version_id: int, actor_id: int | None = None) -> dict:
    """Run one prompt version over its golden briefs (minutes with a real model: a
    console action queues this rather than holding the page open)."""
    version = PromptVersion.objects.get(pk=version_id)
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    run = prompt_test_run(version=version, actor=actor)
    return {"run": run.pk, "cases": run.cases, "expectations_met": run.expectations_met}
