"""What can go wrong talking to a platform, in words a person can act on."""


class PlatformError(Exception):
    """A platform call failed. `retryable` says whether trying again can help."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str = "",
        retryable: bool = False,
        retry_after: float | None = None,
        body: object = None,
    ):
        super().__init__(message)
        self.status = status
        self.code = code
        self.retryable = retryable
        self.retry_after = retry_after
        self.body = body


class PlatformAuthError(PlatformError):
    """Credentials were refused: retrying will not help until someone fixes them."""


class PlatformUnavailable(PlatformError):
    """Timeouts, resets, 5xx, throttling: transient by nature."""

    def __init__(self, message: str, **kwargs):
        kwargs.setdefault("retryable", True)
        super().__init__(message, **kwargs)


class MalformedResponse(PlatformError):
    """The platform answered with something that is not the documented shape."""

    def __init__(self, message: str, **kwargs):
        kwargs.setdefault("retryable", True)
        super().__init__(message, **kwargs)
