from executors.models.log import DeployLog, ExecutionLog, ExecutionOutcome
from executors.models.resilience import (
    ApiQuotaUsage,
    BreakerState,
    CircuitBreaker,
    RateLimitWindow,
)

__all__ = [
    "ApiQuotaUsage",
    "BreakerState",
    "CircuitBreaker",
    "DeployLog",
    "ExecutionLog",
    "ExecutionOutcome",
    "RateLimitWindow",
]
