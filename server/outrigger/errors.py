"""Errors the core raises. Each carries a message fit to show a user as is."""


class OutriggerError(Exception):
    """Base class: `str(error)` is one clear sentence for the user."""


class Refused(OutriggerError):
    """A request or a model reply failed a guard; nothing was changed."""


class ModelError(OutriggerError):
    """The model endpoint could not be reached or answered badly."""


class BudgetExceeded(Refused):
    """A prompt cannot fit the model's context window even after trimming."""


class ContextExceeded(ModelError):
    """The model's server refused a prompt as longer than its context window."""
