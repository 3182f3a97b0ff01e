"""Redaction of secrets from log records.

Platform clients log requests; tokens and keys must never reach a log line.
The filter rewrites the formatted message, so it also covers `%s` arguments.
"""

import logging

from campaigns.redaction import REDACTED, SECRET_NAMES, redact_mapping, redact_text

__all__ = ["REDACTED", "SECRET_NAMES", "RedactSecretsFilter", "redact_mapping", "redact_text"]


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_text(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info)
        return True
