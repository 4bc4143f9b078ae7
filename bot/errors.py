"""Domain errors: each carries the one line a person should read, with what to type instead."""

from __future__ import annotations


class DomainError(Exception):
    """A refusal a user caused and can fix; its message is shown to them as is, beside `field` in a form."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field  # the form field it is about ("title", "deliverable", "owners", "due"), if any


class NotFound(DomainError):
    """The key names nothing in this workspace."""


class PermissionDenied(DomainError):
    """The person may not do this to this record."""


class BadInput(DomainError):
    """The text could not be read."""


class ConfigError(Exception):
    """A missing or malformed setting; the message names it."""
