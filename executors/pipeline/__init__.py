"""The execution pipeline: claim, gate, send, record — one path for one change or 5,000.

See executors.pipeline.run for the steps, docs/execution.md for the picture.
"""

from executors.pipeline.recovery import recover_executions
from executors.pipeline.run import (
    LEASE,
    WRITE_ATTEMPTS,
    execute_approved,
    execute_batch,
    execute_recommendation,
    just_written,
)

__all__ = [
    "LEASE",
    "WRITE_ATTEMPTS",
    "execute_approved",
    "execute_batch",
    "execute_recommendation",
    "just_written",
    "recover_executions",
]
