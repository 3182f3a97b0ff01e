"""Prompt versions: drafted, published (frozen), split live traffic, retired.

A published version is never edited: a change is a new version. Two published versions
of one prompt share live calls by their traffic shares (an A/B test); which one a call
used is on its AICall row.
"""

import base64
import hashlib
import string

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from campaigns.services.errors import ServiceError
from campaigns.services.history import save_with_history
from creative.models import PromptStatus, PromptVersion
from creative.schemas import schema_named


class PromptError(ServiceError):
    """A prompt that cannot be drafted, published or rendered as asked."""


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def prompt_draft(
    *,
    name: str,
    system: str,
    template: str,
    schema: str,
    actor=None,
    model: str = "",
    parameters: dict | None = None,
    notes: str = "",
) -> PromptVersion:
    """A new draft: the next version number of `name`; its variables are its placeholders."""
    schema_named(schema)  # refuses an unknown schema here, not at the first call
    try:
        used = placeholders(template)
    except ValueError as exc:
        raise PromptError(f"The template is not a valid format string: {exc}.") from None
    if any(not name_.isidentifier() for name_ in used):
        raise PromptError("Placeholders must be plain names, like {product}.")
    with transaction.atomic():
        latest = PromptVersion.objects.filter(name=name).aggregate(v=Max("version"))["v"] or 0
        return PromptVersion.objects.create(
            name=name,
            version=latest + 1,
            system=system,
            template=template,
            variables=sorted(used),
            schema=schema,
            model=model,
            parameters=parameters or {},
            notes=notes,
            created_by=actor,
        )


def prompt_publish(*, version: PromptVersion, actor, traffic_share: int = 100) -> PromptVersion:
    """Publish a draft for live calls. With `traffic_share` 100 it replaces the published
    version(s), which retire; below 100 it shares traffic with them (A/B)."""
    if not (actor is not None and actor.is_active and actor.is_superuser):
        # Prompts are Spectra's, shared by every organization: its operators publish them.
        raise PromptError("Only Spectra's operators publish prompt versions.")
    if not 1 <= traffic_share <= 100:
        raise PromptError("A traffic share is a per cent from 1 to 100.")
    with transaction.atomic():
        row = PromptVersion.objects.select_for_update().get(pk=version.pk)
        if row.status != PromptStatus.DRAFT:
            raise PromptError(f"{row} is {row.get_status_display().lower()}, not a draft.")
        others = PromptVersion.objects.filter(name=row.name, status=PromptStatus.PUBLISHED)
        if traffic_share == 100:
            for other in others:
                other.status = PromptStatus.RETIRED
                other.save(update_fields=["status"])
        else:
            for other in others:
                other.traffic_share = 100 - traffic_share
                other.save(update_fields=["traffic_share"])
        row.status, row.traffic_share = PromptStatus.PUBLISHED, traffic_share
        row.published_by, row.published_at = actor, timezone.now()
        row.save(update_fields=["status", "traffic_share", "published_by", "published_at"])
        return row


def prompt_promote(*, version: PromptVersion, actor, evidence: str) -> PromptVersion:
    """Make a published version the only live one of its prompt: the others retire.

    The way a prompt test ships its winner. The caller has authorized the actor for the
    test (an approver of it, spectra.prompt_tests) and names the evidence, which goes on
    the version's history; nothing but an already published version can be promoted, so
    words no operator published never go live this way."""
    if not evidence:
        raise PromptError("Promoting a prompt version needs the evidence it is better.")
    with transaction.atomic():
        row = PromptVersion.objects.select_for_update().get(pk=version.pk)
        if row.status != PromptStatus.PUBLISHED:
            raise PromptError(f"{row} is {row.get_status_display().lower()}, not published.")
        others = PromptVersion.objects.filter(name=row.name, status=PromptStatus.PUBLISHED)
        for other in others.exclude(pk=row.pk):
            other.status = PromptStatus.RETIRED
            save_with_history(
                other,
                actor=actor,
                reason=f"Retired: {row} promoted. {evidence}"[:100],
                update_fields=["status"],
            )
        row.traffic_share = 100
        save_with_history(
            row,
            actor=actor,
            reason=f"Promoted. {evidence}"[:100],
            update_fields=["traffic_share"],
        )
        return row


def prompt_retire(*, version: PromptVersion, actor) -> PromptVersion:
    with transaction.atomic():
        row = PromptVersion.objects.select_for_update().get(pk=version.pk)
        row.status = PromptStatus.RETIRED
        row.save(update_fields=["status"])
        return row


def prompt_for(name: str, *, key: str = "") -> PromptVersion:
    """The published version a call of prompt `name` uses. With two published versions,
    `key` (e.g. the campaign) picks one by their traffic shares, the same one each time."""
    published = list(
        PromptVersion.objects.filter(name=name, status=PromptStatus.PUBLISHED).order_by("version")
    )
    if not published:
        raise PromptError(f"No published version of the prompt {name!r}.")
    if len(published) == 1:
        return published[0]
    point = int.from_bytes(hashlib.sha256(f"{name}:{key}".encode()).digest()[:4], "big") % 100
    for version in published:
        point -= version.traffic_share
        if point < 0:
            return version
    return published[-1]


def prompt_render(
    version: PromptVersion, variables: dict[str, str], *, image: bytes | None = None
) -> list[dict]:
    """The messages for a call; every declared variable must be given.

    `image` (a PNG) goes with the user message as an `image_url` part holding a base64
    data URL, the Chat Completions shape for a vision model: Spectra's images are kept
    private, so a provider could not fetch them by address.
    """
    missing = sorted(set(version.variables) - set(variables))
    if missing:
        raise PromptError(f"{version} needs {', '.join(missing)}.")
    user = version.template.format_map({k: str(v) for k, v in variables.items()})
    content: str | list[dict] = user
    if image is not None:
        url = "data:image/png;base64," + base64.b64encode(image).decode()
        content = [{"type": "text", "text": user}, {"type": "image_url", "image_url": {"url": url}}]
    return [{"role": "system", "content": version.system}, {"role": "user", "content": content}]
