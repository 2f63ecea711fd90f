"""Domain errors raised by services; casebook.http.errors turns them into responses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class DomainError(Exception):
    """Base of every error a service raises on purpose."""


class NotFound(DomainError):
    """The record does not exist or the actor may not see it: the two are indistinguishable."""

    def __init__(self, target_type: str, target_id: object = None) -> None:
        super().__init__(f"{target_type} not found")
        self.target_type = target_type
        self.target_id = None if target_id is None else str(target_id)


class NotAuthenticated(DomainError):
    """No valid session or API token came with the request."""


class InvalidCredentials(DomainError):
    """Unknown account, wrong password or disabled account: one answer for all three."""


class CsrfRejected(DomainError):
    """A cookie-authenticated unsafe request came without the session's CSRF token."""


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class ValidationFailed(DomainError):
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{error.field}: {error.message}" for error in errors))
        self.errors = errors

    @classmethod
    def single(cls, field: str, message: str) -> ValidationFailed:
        return cls([FieldError(field, message)])


class Conflict(DomainError):
    """An edit was based on an older version of the record."""

    def __init__(self, target_type: str, current_version: int) -> None:
        super().__init__(f"{target_type} was changed by someone else")
        self.target_type = target_type
        self.current_version = current_version


class Stale(DomainError):
    """A request built on state that another client has since moved on (a log that grew, a
    vault generation that was replaced); `current` tells the client where things stand."""

    def __init__(self, target_type: str, **current: int | str) -> None:
        super().__init__(f"{target_type} has moved on")
        self.target_type = target_type
        self.current: Mapping[str, Any] = current


class TooManyAttempts(DomainError):
    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__("too many failed logins")
        self.retry_after_seconds = retry_after_seconds
