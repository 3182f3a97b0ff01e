"""Sentry, only when SENTRY_DSN is set; events are scrubbed of secrets."""

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration

from spectra.logging import redact_mapping


def _scrub(event, _hint):
    return redact_mapping(event)


def init_sentry(dsn: str, *, environment: str) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        before_send=_scrub,
        traces_sample_rate=0.0,
    )
