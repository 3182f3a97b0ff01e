"""The global kill switch for platform writes.

`SPECTRA_EXECUTION_ENABLED=false` in the environment stops every write on every
worker at the next check. (The console's audited switch builds on this.)
"""

from django.conf import settings


def execution_enabled() -> bool:
    return bool(settings.SPECTRA_EXECUTION_ENABLED)
