"""The cycle tests' in-process django-q2 worker and today-ending sandbox, reused here."""

from tests.spectra.cycle.conftest import (  # noqa: F401
    _keep_test_connection,
    run_worker,
    today_sandbox,
)
