"""How a call to a model can fail, in the words Spectra acts on."""


class AIUnavailable(Exception):
    """No answer could be had now; `retry_at` when the caller may try again (or None),
    `outcome` the CallOutcome that was recorded. The message never holds a secret."""

    def __init__(self, message: str, *, outcome: str, retry_at=None):
        super().__init__(message)
        self.outcome = outcome
        self.retry_at = retry_at


class AIRefused(Exception):
    """The provider refused the request itself (bad request, bad key, unknown model):
    trying again will not help; a person must fix the configuration or the prompt."""

    def __init__(self, message: str, *, outcome: str):
        super().__init__(message)
        self.outcome = outcome
