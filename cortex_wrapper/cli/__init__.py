"""``cortex-logs``: export Cortex audit logs, notification logs and runs; summarise notification health.

::

    cortex-logs audit --since 7d --format csv --output audit.csv
    cortex-logs notifications --status FAILED --medium SLACK --since 2026-11-01 --format table
    cortex-logs runs --checkpoint runs.ckpt --output runs.jsonl          # incremental, crash-safe
    cortex-logs summary --since 30d --format json
    cortex-logs --sandbox audit --since 30d --format table               # built-in fake Cortex

Commands and their filters derive from the reconciled spec (``--help`` lists them); ``EXIT_CODES``
says what each exit status means. Errors are one line on stderr, with a traceback only under
``--debug``, and the token is never shown. The incremental design is in ``_incremental``.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import os
import sys
import traceback
import urllib.parse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .._defaults import (
    BASE_URL_ENV_VAR,
    DEFAULT_BASE_URL,
    DEFAULT_FOLLOW_INTERVAL_SECONDS,
    DEFAULT_LAG_SECONDS,
    FOLLOW_MAX_INTERVAL_SECONDS,
    NOTIFICATION_RETENTION_DAYS,
)
from .._errors import InvalidParameterError, NotFoundError
from .._lifecycle import DEFAULT_SETTLE_SECONDS
from .._operations import params_of
from ._args import NEEDS_TIME_BOUNDS, build_parser, filters_of, option_name, window_of
from ._commands import SiemOptions
from ._dates import now_utc
from ._durable import output_file
from ._exitcodes import (
    EXIT_ALERT,
    EXIT_API,
    EXIT_AUTH,
    EXIT_CODES,
    EXIT_FAILURE,
    EXIT_INTERRUPTED,
    EXIT_NETWORK,
    EXIT_OK,
    EXIT_RATE_LIMITED,
    EXIT_USAGE,
    CliError,
    exit_code,
)
from ._export import export
from ._follow import follow, stop_on_signals
from ._incremental import export_incremental
from ._progress import ConsoleHandler, Progress
from ._session import console, is_tty, open_client, stdout
from ._summary import render_json, render_table, summarize

__all__ = [
    "EXIT_ALERT",
    "EXIT_API",
    "EXIT_AUTH",
    "EXIT_CODES",
    "EXIT_FAILURE",
    "EXIT_INTERRUPTED",
    "EXIT_NETWORK",
    "EXIT_OK",
    "EXIT_RATE_LIMITED",
    "EXIT_USAGE",
    "main",
]


def _run(args: argparse.Namespace, progress: Progress, handler: ConsoleHandler) -> int:
    now = now_utc()
    since = args.since.resolve(now) if args.since else None
    until = args.until.resolve(now) if args.until else None
    _warn_retention(args, since, now)
    if since is not None and until is not None and since > until:
        raise CliError(f"--since {args.since.text} is after --until {args.until.text}: the window is empty", EXIT_USAGE)
    filters: dict[str, Any] = {}
    if args.export is not None:  # every usage error before the client, and so the token, is looked at
        args.export = dataclasses.replace(args.export, siem=SiemOptions(
            original=args.original == "keep", tenant=_tenant(args), created=True))
        filters = filters_of(args, args.export)
        _check_unbounded(args)
        _check_follow(args)
        _check_checkpoint_options(args)
    with open_client(args, handler) as client:
        if args.export is None:
            summary = summarize(client, since=since or now, until=until or now, top=args.top,
                                page_size=args.page_size, max_pages=args.max_pages, progress=progress)
            text = render_json(summary.report) if args.format == "json" else render_table(summary.report)
            to_file = args.output not in (None, "-")
            with output_file(Path(args.output)) if to_file else contextlib.nullcontext(stdout().write) as write:
                write(text)
            held = [condition.describe(summary.counts) for condition in args.fail_on if condition.holds(summary.counts)]
            for description in held:
                sys.stderr.write(f"cortex-logs: alert: {description}\n")
            return EXIT_ALERT if held else EXIT_OK
        if args.follow:
            interval = args.interval.total_seconds() if args.interval is not None else DEFAULT_FOLLOW_INTERVAL_SECONDS
            return follow(client, args.export, filters, fmt=args.format, output=args.output,
                          checkpoint=args.checkpoint, since=since, page_size=args.page_size, progress=progress,
                          notify=lambda line: None if args.quiet else progress.note(line), redact=handler.redact,
                          lag=args.lag if args.lag is not None else dt.timedelta(seconds=DEFAULT_LAG_SECONDS),
                          with_id=args.with_id, interval=interval, status_file=args.status_file,
                          accept_gap=args.accept_gap, output_moved=args.output_moved, settle=_settle(args))
        if args.checkpoint:
            notify = (lambda line: None) if args.quiet else progress.note
            lag = {} if args.lag is None else {"lag": args.lag}
            export_incremental(client, args.export, filters, fmt=args.format, output=args.output,
                               checkpoint=args.checkpoint, since=since, until=until, page_size=args.page_size,
                               max_pages=args.max_pages, progress=progress, notify=notify, with_id=args.with_id,
                               accept_gap=args.accept_gap, output_moved=args.output_moved, settle=_settle(args), **lag)
            return EXIT_OK
        op = args.export.operation
        bounded = {**filters, **window_of(args.export, since, until)}
        count = export(client, args.export, bounded, fmt=args.format, output=args.output, page_size=args.page_size,
                       max_pages=args.max_pages, progress=progress, with_id=args.with_id)
        if count == 0 and "delivered_only" in params_of(op) and "delivered_only" not in filters and not args.quiet:
            sys.stderr.write("cortex-logs: no runs matched; the server hides runs that delivered nothing (failed "
                             "ones usually did) unless you pass --no-delivered-only\n")
    return EXIT_OK


def _tenant(args: argparse.Namespace) -> str:
    """``--tenant``, else ``sandbox`` (``--sandbox``: its port changes every run), else the base URL's host."""
    if args.tenant:
        return str(args.tenant)
    if args.sandbox:
        return "sandbox"
    base = args.base_url or os.environ.get(BASE_URL_ENV_VAR) or DEFAULT_BASE_URL
    return urllib.parse.urlsplit(base).hostname or str(base)


def _settle(args: argparse.Namespace) -> dt.timedelta:
    """The settle window: ``--settle`` (checked: more than 0), else the default."""
    settle: dt.timedelta | None = getattr(args, "settle", None)
    if settle is None:
        return dt.timedelta(seconds=DEFAULT_SETTLE_SECONDS)
    if settle.total_seconds() <= 0:
        raise CliError("--settle must be longer than 0s", EXIT_USAGE)
    return settle


def _warn_retention(args: argparse.Namespace, since: dt.datetime | None, now: dt.datetime) -> None:
    """Say so when ``--since`` reaches past what Cortex keeps of notification logs and runs."""
    horizon = now - dt.timedelta(days=NOTIFICATION_RETENTION_DAYS)
    notifications = args.export is None or args.export.retained
    if notifications and since is not None and since < horizon and not args.quiet:
        sys.stderr.write(f"cortex-logs: warning: --since reaches back past the {NOTIFICATION_RETENTION_DAYS} days "
                         f"Cortex keeps notification logs and runs: nothing before {horizon.isoformat()} comes back\n")


def _check_unbounded(args: argparse.Namespace) -> None:
    """Refuse the window and checkpoint options (``NEEDS_TIME_BOUNDS``) for a command without time bounds (``gitops``).

    Such an operation (``listGitOpsLogs``) is filtered by no date, so a run cannot be narrowed to a window nor to
    what is new since a checkpoint: it exports in full. A client-side cut on the records' time would read the
    whole log on every poll, and records of one time cannot be told apart without an id, so it is refused. Its
    ``--help`` does not list these options; given anyway, each is a usage error naming why.
    """
    command = args.export
    if command.windowed:
        return
    given = [option for dest, option in NEEDS_TIME_BOUNDS.items() if getattr(args, dest, None) not in (None, False)]
    if given:
        raise CliError(f"{given[0]}: {command.command} has no time bounds ({command.operation.operation_id} is "
                       f"filtered by no date), so it exports its {command.noun} in full; drop {given[0]}", EXIT_USAGE)


def _check_checkpoint_options(args: argparse.Namespace) -> None:
    """Usage errors of the options that only ``--checkpoint`` (or ``--follow``, which needs it) reads."""
    if args.follow or args.checkpoint:
        return
    if args.lag is not None:
        raise CliError("--lag needs --checkpoint (it is the window each incremental run re-reads)", EXIT_USAGE)
    if getattr(args, "settle", None) is not None:
        raise CliError("--settle needs --checkpoint (it is how long an unsettled record is re-read)", EXIT_USAGE)
    if args.output_moved:
        raise CliError("--output-moved needs --checkpoint (it lets a checkpoint follow its moved output)", EXIT_USAGE)


def _check_follow(args: argparse.Namespace) -> None:
    """Usage errors of the follow options, before any request."""
    if args.follow and not args.checkpoint:
        raise CliError("--follow needs --checkpoint FILE and --output FILE (the cursor it keeps between polls)",
                       EXIT_USAGE)
    if args.follow and args.until is not None:
        raise CliError("--follow exports up to now on every poll: drop --until", EXIT_USAGE)
    if args.follow and args.max_pages is not None:
        raise CliError("--follow reads every page of each poll: drop --max-pages", EXIT_USAGE)
    for option, value in (("--interval", args.interval), ("--status-file", args.status_file)):
        if value is not None and not args.follow:
            raise CliError(f"{option} needs --follow", EXIT_USAGE)
    if args.interval is not None and args.interval.total_seconds() <= 0:
        raise CliError("--interval must be longer than 0s", EXIT_USAGE)
    if args.interval is not None and args.interval.total_seconds() > FOLLOW_MAX_INTERVAL_SECONDS:
        longest = dt.timedelta(seconds=FOLLOW_MAX_INTERVAL_SECONDS)
        raise CliError(f"--interval must be at most {longest.days}d (for longer, run --checkpoint from cron)",
                       EXIT_USAGE)


def _message(error: BaseException, args: argparse.Namespace) -> str:
    if isinstance(error, InvalidParameterError):  # the library names its keyword; the CLI names the option
        return f"{option_name(args.export, error.parameter)}: {error.reason}"
    text = str(error)
    if isinstance(error, NotFoundError):
        base = args.base_url or os.environ.get(BASE_URL_ENV_VAR) or DEFAULT_BASE_URL
        return f"{text}; check --base-url ({base}): it is the API's root, such as {DEFAULT_BASE_URL}"
    if type(error).__module__.startswith("cortex_wrapper"):
        return text or type(error).__name__
    if isinstance(error, OSError) and error.filename:
        return f"{error.filename}: {error.strerror or text}"
    hint = "" if args.debug else " (unexpected; run with --debug for a traceback)"
    return f"{type(error).__name__}: {text}{hint}"


def _report(error: BaseException, args: argparse.Namespace, handler: ConsoleHandler) -> int:
    """One line on stderr (a traceback first under --debug), the last the command prints; the exit code."""
    code = exit_code(error)
    handler.progress.end()  # a page fetch still in flight must not log its retry after this line
    stream = sys.stderr
    if args.debug:
        stream.write(handler.redact("".join(traceback.format_exception(error))))
    if code == EXIT_INTERRUPTED:
        stream.write("cortex-logs: interrupted\n")
        return code
    message = " ".join(handler.redact(_message(error, args)).split())
    stream.write(f"cortex-logs: error: {message}\n")
    return code


def _broken_pipe() -> int:
    """Stdout was closed early (``| head``): not an error; keep Python quiet about the final flush."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``cortex-logs`` with ``argv`` (default: the command line); return the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help (0) or a usage error (2), already printed
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    records_on_terminal = args.export is not None and args.output in (None, "-") and is_tty(stdout())
    progress = Progress(sys.stderr, enabled=not args.quiet and is_tty(sys.stderr) and not records_on_terminal)
    with console(progress, quiet=args.quiet, debug=args.debug,
                 option=lambda parameter: option_name(args.export, parameter)) as handler:
        try:
            with stop_on_signals() if getattr(args, "follow", False) else contextlib.nullcontext():
                code = _run(args, progress, handler)
            stdout().flush()
            return code
        except BrokenPipeError:
            return _broken_pipe()
        except (Exception, KeyboardInterrupt) as error:
            progress.clear()
            return _report(error, args, handler)
