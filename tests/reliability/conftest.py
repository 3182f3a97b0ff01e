"""The cycle tests' in-process django-q2 worker and today-ending sandbox, reused here."""

from tests.campaigns.admin.conftest import tenants  # noqa: F401
from tests.executors.conftest import sandbox, sandbox_account  # noqa: F401
from tests.executors.execution.conftest import live_account  # noqa: F401
from tests.spectra.cycle.conftest import (  # noqa: F401
    _keep_test_connection,
    run_worker,
    today_sandbox,
)
