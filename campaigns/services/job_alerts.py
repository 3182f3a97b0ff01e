"""A background job that fails raises an Alert; the same job succeeding clears it.

    with job_outcome(Job.SYNC, account=account):
        sync(...)

A failure raises (or refreshes: one open alert per job and subject, by dedup key) an
alert to the account's organization, and re-raises, so django-q2 still records the
failure and retries what it retries. A success acknowledges that open alert in the
system's name ("cleared"), so the attention list shows what is broken now, not what
broke once. Jobs that belong to no organization (recovery of executions, the scheduler
itself) alert Spectra's operators: an organization of their own (settings
SPECTRA_OPERATORS_ORG), whose admins and approvers are e-mailed and whose webhook is set
in the console like any other — the same notification path, the same dedup.
"""

import logging
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.utils import timezone

from campaigns.actors import system_user
from campaigns.models import AdAccount, Alert, AlertKind, Organization, Severity
from campaigns.redaction import redact_text
from campaigns.services.alerts import alert_raise

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobKind:
    key: str  # the dedup key's prefix
    kind: str  # AlertKind
    title: str  # "{subject}" is the account's name, or "Spectra" for global jobs
    consequence: str  # what does not happen while the job fails, for the reader


class Job:
    SYNC = JobKind(
        "sync",
        AlertKind.SYNC_FAILED,
        "Sync of {subject} failed",
        "Spectra works on the data it last read; recommendations may be stale.",
    )
    SPEND_LIMITS = JobKind(
        "spend-limits",
        AlertKind.SPEND_CHECK_FAILED,
        "Spend limits of {subject} could not be checked",
        "Campaigns past their spend limit are not paused until the check succeeds: "
        "watch the account's spend on the platform.",
    )
    RECOVERY = JobKind(
        "recovery",
        AlertKind.RECOVERY_FAILED,
        "Recovery of interrupted executions failed",
        "Changes whose worker died stay in 'executing' until recovery succeeds.",
    )


def operators_organization() -> Organization:
    """Where alerts of global jobs go (created on first use; its members are operators)."""
    slug = settings.SPECTRA_OPERATORS_ORG
    try:
        with transaction.atomic():
            org, _ = Organization.objects.get_or_create(
                slug=slug, defaults={"name": "Spectra operators", "execution_enabled": False}
            )
    except IntegrityError:  # another worker made it
        org = Organization.objects.get(slug=slug)
    return org


def _subject(account: AdAccount | None) -> tuple[int, str, str]:
    if account is None:
        return operators_organization().pk, "Spectra", ""
    return account.organization_id, str(account), f":{account.pk}"


def job_failed(job: JobKind, exc: BaseException, *, account: AdAccount | None = None) -> Alert:
    organization_id, subject, suffix = _subject(account)
    error = redact_text(f"{type(exc).__name__}: {exc}")[:1000]
    alert, _ = alert_raise(
        organization_id=organization_id,
        account=account,
        kind=job.kind,
        severity=Severity.CRITICAL,
        title=job.title.format(subject=subject),
        message=f"{error}\n\n{job.consequence} The alert clears itself when the job next succeeds.",
        dedup_key=f"job:{job.key}{suffix}",
        data={"job": job.key, "failed_at": timezone.now().isoformat()},
    )
    return alert


def job_cleared(dedup_key: str, *, organization_id: int, why: str, prefix: bool = False) -> int:
    """Acknowledge the open alert with this key (every key under it, with `prefix`) in
    the system's name, noting why; how many. Nothing open costs one UPDATE of no row."""
    keys = {"dedup_key__startswith": dedup_key} if prefix else {"dedup_key": dedup_key}
    return Alert.objects.filter(
        organization_id=organization_id, acknowledged_at__isnull=True, **keys
    ).update(
        acknowledged_at=timezone.now(),
        acknowledged_by=system_user(),
        message=Concat(F("message"), Value(f"\n\n{why}")),
    )


@contextmanager
def job_outcome(job: JobKind, *, account: AdAccount | None = None):
    """Raise the job's alert if the block fails (and re-raise); clear it if it succeeds."""
    try:
        yield
    except Exception as exc:
        try:
            job_failed(job, exc, account=account)
        except Exception:  # the alert must never hide the job's own error
            logger.exception("Could not raise the alert for a failed %s job", job.key)
        raise
    organization_id, _, suffix = _subject(account)
    job_cleared(
        f"job:{job.key}{suffix}",
        organization_id=organization_id,
        why=f"Cleared: the {job.key} job succeeded at {timezone.now():%Y-%m-%d %H:%M} UTC.",
    )
