"""Exit codes of ``cortex-logs`` and the mapping from exceptions to them."""

from __future__ import annotations

from .._errors import (
    AuthenticationError,
    CortexConfigError,
    CortexConnectionError,
    CortexError,
    InvalidParameterError,
    PermissionDeniedError,
    RateLimitError,
)

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_AUTH = 3
EXIT_RATE_LIMITED = 4
EXIT_NETWORK = 5
EXIT_API = 6
EXIT_ALERT = 7
EXIT_GAP = 8
EXIT_INTERRUPTED = 130

EXIT_CODES: dict[int, str] = {
    EXIT_OK: "success",
    EXIT_FAILURE: "local failure: the output or checkpoint file cannot be read or written, or they disagree",
    EXIT_USAGE: "bad usage: a bad option or filter value, no token, a bad base URL",
    EXIT_AUTH: "authentication or permission refused (401, 403)",
    EXIT_RATE_LIMITED: "rate limited: 429 after every retry, or a wait over the limit",
    EXIT_NETWORK: "network failure: connection refused or dropped, DNS, TLS, timeout",
    EXIT_API: "any other API error (4xx, 5xx) or a response that is not what the spec says",
    EXIT_ALERT: "summary --fail-on: a condition holds",
    EXIT_GAP: "a gap is possible: the checkpoint's last complete poll is older than Cortex keeps records (--accept-gap)",
    EXIT_INTERRUPTED: "interrupted (Ctrl-C)",
}
"""Every exit code of ``cortex-logs`` and what it means."""


def describe_exit_codes() -> str:
    """The exit codes as the ``--help`` epilog shows them."""
    return "exit codes:\n" + "\n".join(f"  {code:<4} {text}" for code, text in EXIT_CODES.items())


class CliError(Exception):
    """A failure of the command itself (not of the API), with its exit code."""

    def __init__(self, message: str, code: int = EXIT_FAILURE) -> None:
        super().__init__(message)
        self.code = code


def exit_code(error: BaseException) -> int:
    """The exit code for an exception that ended a command."""
    if isinstance(error, CliError):
        return error.code
    if isinstance(error, (InvalidParameterError, CortexConfigError)):
        return EXIT_USAGE
    if isinstance(error, (AuthenticationError, PermissionDeniedError)):
        return EXIT_AUTH
    if isinstance(error, RateLimitError):
        return EXIT_RATE_LIMITED
    if isinstance(error, CortexConnectionError):
        return EXIT_NETWORK
    if isinstance(error, CortexError):
        return EXIT_API
    if isinstance(error, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    return EXIT_FAILURE
