from tests.executors.conftest import sandbox, sandbox_account  # noqa: F401
from tests.executors.execution.conftest import live_account  # noqa: F401
from tests.spectra.cycle.conftest import _keep_test_connection  # noqa: F401
