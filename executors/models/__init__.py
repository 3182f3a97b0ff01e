from executors.models.log import ExecutionLog, ExecutionOutcome
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
    "ExecutionLog",
    "ExecutionOutcome",
    "RateLimitWindow",
]
