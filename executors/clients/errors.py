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


class OutcomeUnknown(PlatformError):
    """A write was sent and no usable answer came back (timeout, reset, cut-off body).

    It may or may not have been applied. Where the platform has no idempotency key
    (Google Ads), sending it again could apply it twice: read the current value back
    first. `unknown` holds the external ids whose fate is unknown, `completed` the
    results of earlier requests of the same call, `unsent` the ids never sent.
    """

    def __init__(
        self,
        message: str,
        *,
        unknown: list | tuple = (),
        completed: list | tuple = (),
        unsent: list | tuple = (),
        **kwargs,
    ):
        kwargs["retryable"] = False
        super().__init__(message, **kwargs)
        self.unknown = list(unknown)
        self.completed = list(completed)
        self.unsent = list(unsent)
