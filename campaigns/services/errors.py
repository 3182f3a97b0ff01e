"""Errors services raise for a caller (admin, API, task) to turn into words."""


class ServiceError(Exception):
    """A request the service refuses, with a message a person can act on."""


class TransitionRefused(ServiceError):
    """The object is not in a state that allows this; `current` says which it is in."""

    def __init__(self, message: str, *, current: str):
        super().__init__(message)
        self.current = current


class GuardrailRefused(ServiceError):
    """A guardrail rule said no; `rule` names it."""

    def __init__(self, message: str, *, rule: str):
        super().__init__(message)
        self.rule = rule
