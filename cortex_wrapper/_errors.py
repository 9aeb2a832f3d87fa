"""The exception tree: everything the client raises derives from ``CortexError``.

::

    CortexError
    ├── CortexConfigError (also ValueError)       bad token / base URL / option, at construction
    ├── InvalidParameterError (also ValueError)   a bad filter argument, before any request
    ├── CortexAPIError                            the API answered with an error status
    │   ├── BadRequestError                       400, 422
    │   ├── AuthenticationError                   401
    │   ├── PermissionDeniedError                 403 (names the permission needed)
    │   ├── NotFoundError                         404
    │   ├── RateLimitError                        429 after retries, or a wait over max_retry_wait
    │   └── ServerError                           5xx after retries
    ├── CortexConnectionError                     no answer: refused, dropped, DNS, TLS
    │   └── CortexTimeoutError                    no answer in time
    ├── CortexResponseError                       an answer that is not what the spec says
    └── ClientClosedError (also RuntimeError)     the client was used after close()

Every exception pickles and deep-copies with its fields (so it crosses a process pool), and
none carries the request: the token never rides along in ``__cause__`` or an attribute. Text
the server sent (messages, details, body excerpts) has the request's credentials masked.

Warnings: ``UnknownEnumValueWarning`` (a response carries an enum value no doc
version lists), ``DeprecatedEnumValueWarning`` (a filter value only older doc
versions list) and ``DeprecatedFilterWarning`` (also a ``DeprecationWarning``: a
filter the docs mark ``deprecated: true`` was used).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _restore(cls: type[CortexError], args: tuple[object, ...], state: dict[str, object]) -> CortexError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class CortexError(Exception):
    """Base of every exception this package raises."""

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle and copy by state: the subclasses' keyword-only fields survive a process pool."""
        return (_restore, (type(self), self.args, dict(self.__dict__)))


class CortexConfigError(CortexError, ValueError):
    """The client cannot be configured: no token, an insecure or malformed base URL, a bad option."""


class InvalidParameterError(CortexError, ValueError):
    """A filter or paging argument is invalid; raised before any request is sent.

    ``parameter`` is the keyword argument's name, ``reason`` what is wrong with its value (``str()`` is
    ``"{parameter}: {reason}"``), and ``choices`` the valid values, where there is a closed set. A
    front end (the CLI) names the parameter its own way and shows ``reason`` after it.
    """

    def __init__(self, parameter: str, reason: str, choices: tuple[str, ...] = ()) -> None:
        super().__init__(f"{parameter}: {reason}")
        self.parameter = parameter
        self.reason = reason
        self.choices = choices


class CortexAPIError(CortexError):
    """The API answered with an error status.

    Attributes: ``status_code``, ``error_type`` (the API's ``ErrorResponse.type``, or the
    problem type of a 429), ``message``, ``request_id`` (body ``requestId`` or the
    ``x-request-id`` header), ``details`` and ``headers`` (the response's, without
    credentials or cookies).
    """

    def __init__(
        self,
        status_code: int,
        message: str,
        *,
        error_type: str | None = None,
        request_id: str | None = None,
        details: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.status_code = status_code
        self.error_type = error_type
        self.message = message
        self.request_id = request_id
        self.details = details
        self.headers: Mapping[str, str] = dict(headers or {})
        super().__init__(self._describe())

    def _describe(self) -> str:
        head = f"{self.status_code} {self.error_type}" if self.error_type else str(self.status_code)
        tail = f" (request id {self.request_id})" if self.request_id else ""
        return f"{head}: {self.message}{tail}"


class BadRequestError(CortexAPIError):
    """400 or 422: the API rejected the request's parameters."""


class AuthenticationError(CortexAPIError):
    """401: the token is missing, unknown or expired."""


class PermissionDeniedError(CortexAPIError):
    """403: the token lacks the permission the operation needs (``permission``)."""

    def __init__(self, status_code: int, message: str, *, permission: str | None = None, **kwargs: Any) -> None:
        self.permission = permission
        if permission and permission.lower() not in message.lower():  # the server's message may name it already
            message = f"{message} (the token needs the '{permission}' permission)"
        super().__init__(status_code, message, **kwargs)


class NotFoundError(CortexAPIError):
    """404: no such endpoint at this base URL (check ``base_url`` for self-hosted Cortex)."""


class RateLimitError(CortexAPIError):
    """429 once retries are spent, or a requested wait longer than ``max_retry_wait``.

    ``retry_after`` is the wait the server asked for, in seconds, when it said.
    """

    def __init__(self, status_code: int, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(status_code, message, **kwargs)


class ServerError(CortexAPIError):
    """5xx: the server failed (after retries, for 500/502/503/504)."""


class CortexConnectionError(CortexError):
    """No HTTP answer: connection refused or dropped, DNS or TLS failure (after retries)."""


class CortexTimeoutError(CortexConnectionError):
    """No answer within ``timeout`` (after retries)."""


class CortexResponseError(CortexError):
    """A response that is not what the spec says: not JSON, HTML, missing fields, wrong types.

    ``status_code`` and ``excerpt`` (the start of the body) say what came back; ``request_id`` (the
    ``x-request-id`` header or body ``requestId``) and ``headers`` (without credentials or cookies) are
    what a support ticket needs.
    """

    def __init__(self, message: str, *, status_code: int, excerpt: str = "", request_id: str | None = None,
                 headers: Mapping[str, str] | None = None) -> None:
        self.status_code = status_code
        self.excerpt = excerpt
        self.request_id = request_id
        self.headers: Mapping[str, str] = dict(headers or {})
        tail = f", request id {request_id}" if request_id else ""
        super().__init__(f"{message} (status {status_code}{tail}" + (f", body starts: {excerpt!r})" if excerpt else ")"))


class ClientClosedError(CortexError, RuntimeError):
    """The client, or the ``http_client`` given to it, was closed before this request; the message says which.

    A client is closed by ``close()`` or the end of its ``with`` block; a given ``http_client`` only by its owner
    (already closed when the client is made, this is raised at construction).
    """


class UnknownEnumValueWarning(UserWarning):
    """A response carried an enum value that no vendored doc version lists; it was kept as-is."""


class DeprecatedEnumValueWarning(UserWarning):
    """A filter value that only older doc versions list was sent; the API may no longer accept it.

    ``parameter`` is the keyword argument, ``value`` the value sent and ``reason`` the rest of the message
    (``str()`` is ``"{parameter}: {reason}"``), so a front end can name the parameter its own way.
    """

    def __init__(self, parameter: str = "", value: str = "", reason: str = "") -> None:
        super().__init__(f"{parameter}: {reason}" if parameter else reason)
        self.parameter = parameter
        self.value = value
        self.reason = reason

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle and copy with the fields."""
        return (type(self), (self.parameter, self.value, self.reason))


class DeprecatedFilterWarning(DeprecationWarning):
    """A filter the docs mark ``deprecated: true`` was used; it is still sent, but Cortex may drop it.

    ``parameter`` is the keyword argument and ``reason`` the rest of the message (``str()`` is
    ``"{parameter}: {reason}"``), so a front end can name the parameter its own way. It points at the
    caller's line.
    """

    def __init__(self, parameter: str = "", reason: str = "") -> None:
        super().__init__(f"{parameter}: {reason}" if parameter else reason)
        self.parameter = parameter
        self.reason = reason

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle and copy with the fields."""
        return (type(self), (self.parameter, self.reason))
