"""What every command needs: the console (logging, warnings, progress), the token and the client."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

from .._client import CortexClient
from .._config import resolve_token
from .._defaults import TOKEN_ENV_VARS
from .._errors import CortexConfigError, DeprecatedEnumValueWarning, UnknownEnumValueWarning
from ._progress import ConsoleHandler, Progress
from ._sandbox import sandbox

LOGGERS = ("cortex_wrapper", "httpx")


def is_tty(stream: TextIO) -> bool:
    """True when ``stream`` is an interactive terminal."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def environment_secrets() -> list[str]:
    """Tokens the environment holds, to redact wherever they might show."""
    return [value.strip() for name in TOKEN_ENV_VARS if (value := os.environ.get(name, "")).strip()]


@contextlib.contextmanager
def console(progress: Progress, *, quiet: bool, debug: bool,
            option: Callable[[str], str] = str) -> Iterator[ConsoleHandler]:
    """Route the client's log records and warnings to stderr for the duration; restore everything after.

    ``option`` names the command-line option of a library keyword (``failed_reasons`` -> ``--failed-reason``).
    """
    handler = ConsoleHandler(progress, quiet=quiet, debug=debug, secrets=environment_secrets())
    saved = []
    for name in LOGGERS if debug else LOGGERS[:1]:
        logger = logging.getLogger(name)
        saved.append((logger, logger.level))
        logger.addHandler(handler)
        if debug:
            logger.setLevel(logging.DEBUG if name == "cortex_wrapper" else logging.INFO)
        elif logger.getEffectiveLevel() > logging.WARNING:
            logger.setLevel(logging.WARNING)  # retry and drift warnings must reach the handler

    def show(message: Warning | str, category: type[Warning], *_: Any, **__: Any) -> None:
        if quiet:
            return
        text = str(message)
        if isinstance(message, DeprecatedEnumValueWarning) and message.parameter:
            text = f"{option(message.parameter)}: {message.reason}"
        progress.note(f"cortex-logs: warning: {handler.redact(text)}")

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default")
            warnings.simplefilter("ignore", UnknownEnumValueWarning)  # the logger reports these once per value
            warnings.showwarning = show
            yield handler
    finally:
        for logger, level in saved:
            logger.removeHandler(handler)
            logger.setLevel(level)
        _silence_stragglers()


def _silence_stragglers() -> None:
    """Keep page fetches still in flight after an interruption from printing via logging's last resort."""
    logger = logging.getLogger("cortex_wrapper")
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())


def read_token_file(path: str) -> str:
    """The token in ``path`` (stripped); ``CortexConfigError`` when unreadable or empty. Never shows the token."""
    try:
        token = Path(path).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        raise CortexConfigError(f"cannot read --token-file {path}: {reason}") from None
    if not token:
        raise CortexConfigError(f"--token-file {path} is empty")
    return token


def client_options(args: argparse.Namespace) -> dict[str, Any]:
    """The client options the command line sets (the rest keep the client's defaults)."""
    given = {"timeout": args.timeout, "max_retries": args.max_retries, "concurrency": args.concurrency,
             "requests_per_minute": args.requests_per_minute}
    options = {key: value for key, value in given.items() if value is not None}
    if options.get("requests_per_minute") == 0:
        options["requests_per_minute"] = None  # 0 turns pacing off
    return options


@contextlib.contextmanager
def open_client(args: argparse.Namespace, handler: ConsoleHandler) -> Iterator[CortexClient]:
    """A ``CortexClient`` for the options: the sandbox, or ``--base-url`` with the token from file or environment."""
    if args.sandbox:
        if args.base_url or args.token_file:
            raise CortexConfigError("--sandbox serves its own data: drop --base-url and --token-file")
        with sandbox() as (url, fake_token), CortexClient(fake_token, url, on_event=handler.progress.on_event,
                                                          **client_options(args)) as client:
            yield client
        return
    token = read_token_file(args.token_file) if args.token_file else None
    if token is not None:
        handler.secrets += (token,)
    token = resolve_cli_token(token)
    with CortexClient(token, args.base_url, on_event=handler.progress.on_event, **client_options(args)) as client:
        yield client


# The library's words for the token's sources, and the command line's.
_LIBRARY_WORDS = (("pass token=... or set", "use --token-file FILE, or set"), (" in the environment", " (or try --sandbox)"))


def resolve_cli_token(token: str | None) -> str:
    """The token from ``--token-file``, else the environment, as the library resolves it; never shown.

    ``resolve_token`` is the one home of the variables, their precedence and the checks; only its
    error is reworded, to name the command line's options.
    """
    try:
        return resolve_token(token).reveal()
    except CortexConfigError as exc:
        message = str(exc)
        for library, cli in _LIBRARY_WORDS:
            message = message.replace(library, cli)
        raise CortexConfigError(message) from None


def stdout() -> TextIO:
    """The current standard output (looked up at call time, so tests can capture it)."""
    return sys.stdout
