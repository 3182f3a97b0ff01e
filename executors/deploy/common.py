"""What every platform's deployment shares: its log, its outcomes, storing external ids."""

import time
from typing import NoReturn

from campaigns.models import ExecutionMode
from campaigns.redaction import redact_mapping
from campaigns.services.history import save_with_history
from executors.clients.errors import OutcomeUnknown, PlatformError
from executors.models import DeployLog, ExecutionOutcome

OUT = ExecutionOutcome


class Refused(Exception):
    """The platform (or its documented limits) refuses the launch: it fails, saying why."""


class Transient(Exception):
    """The platform is unavailable or the outcome unknown: try the whole deployment later.

    `trouble`: the platform failed as an unwell one does (counted by the breaker); not
    when it answered well but does not show what was made yet (a replica catching up).
    """

    def __init__(self, message: str, *, trouble: bool = True):
        super().__init__(message)
        self.trouble = trouble


class Deployment:
    """One attempt at one campaign: its log rows and the ids it stores as it goes."""

    def __init__(self, campaign, plan, client, *, actor):
        self.campaign = campaign
        self.account = campaign.account
        self.plan = plan
        self.client = client
        self.actor = actor
        self.dry_run = self.account.execution_mode == ExecutionMode.DRY_RUN

    def log(self, action, *, outcome, request=None, response=None, detail="", started=None):
        latency = None if started is None else int((time.monotonic() - started) * 1000)
        DeployLog.objects.create(
            campaign=self.campaign,
            account=self.account,
            action=action[:60],
            mode=self.account.execution_mode,
            request=redact_mapping(request or {}),
            response=redact_mapping(response if isinstance(response, dict) else {"body": response}),
            outcome=outcome,
            detail=str(detail)[:2000],
            latency_ms=latency,
        )

    def call_failed(
        self, action: str, exc: PlatformError, *, request: dict, started: float, refusal: str
    ) -> NoReturn:
        """Log a platform call that raised, and end the attempt as the error says: an
        unknown outcome or a retryable error → Transient (the whole deployment is tried
        again later), anything else → Refused, in `refusal`'s words and the platform's."""
        transient = isinstance(exc, OutcomeUnknown) or exc.retryable
        self.log(
            action,
            outcome=OUT.RETRYING if transient else OUT.FAILED,
            request=request,
            response=exc.body,
            detail=exc,
            started=started,
        )
        if transient:
            raise Transient(str(exc)) from exc
        raise Refused(f"{refusal}: {exc}") from exc

    def adopt(self, row, external_id: str, what: str) -> None:
        """Store a confirmed external id at once, so a crash after this keeps it."""
        external_id = str(external_id)
        if row.external_id == external_id:
            return
        row.external_id = external_id
        reason = f"Deployment: {what} is {external_id} on the platform"
        if hasattr(type(row), "history"):
            save_with_history(row, actor=self.actor, reason=reason, update_fields=["external_id"])
        else:
            row.save(update_fields=["external_id"])
