"""The argument parser: global options, one export subcommand per served operation (filters derived from the spec), summary."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any, NoReturn

from cortex_api_client.operations import Parameter

from .._defaults import DEFAULT_FOLLOW_INTERVAL_SECONDS, DEFAULT_LAG_SECONDS
from .._lifecycle import DEFAULT_SETTLE_SECONDS
from .._operations import params_of, time_bounds
from .._params import choices
from ._alerts import parse_condition
from ._commands import COMMANDS, ORIGINAL_CHOICES, Command
from ._dates import DATE_HELP, parse_duration, parse_when
from ._exitcodes import EXIT_USAGE, describe_exit_codes

PROG = "cortex-logs"
FORMATS = ("jsonl", "csv", "table", "ecs", "ocsf")
DESCRIPTION = (
    "Export Cortex audit logs, notification logs and notification runs as JSONL, CSV or a table, "
    "incrementally with --checkpoint, or summarise notification delivery health."
)
DATES_EPILOG = f"dates: {DATE_HELP}."
CHECKPOINT_EPILOG = """--checkpoint FILE makes the export incremental: each run appends to --output only the records newer than
the last one exported (oldest first), and a run killed at any point is repaired by the next one. A checkpoint
belongs to one --output (after moving that file, say so with --output-moved) and to one run or follower at a
time (it is locked through FILE.lock)."""
EXPORT_EPILOG = f"{DATES_EPILOG}\n\n{CHECKPOINT_EPILOG}\n\n{describe_exit_codes()}"
"""The epilog of an export with time bounds; one without (``Command.windowed``) has only what applies to it."""

NEEDS_TIME_BOUNDS = {"follow": "--follow", "checkpoint": "--checkpoint", "since": "--since", "until": "--until",
                     "output_moved": "--output-moved", "lag": "--lag", "settle": "--settle",
                     "interval": "--interval", "status_file": "--status-file", "accept_gap": "--accept-gap"}
"""The export options that narrow it to a window or to what is new since a checkpoint, by ``dest``.

A command whose operation has no time bounds (``Command.windowed`` false: ``gitops``) does not list them in its
``--help`` (``_unlist_refused``), but still parses them, so that one given is refused with the reason
(``cli._check_unbounded``) rather than as an unrecognized argument.
"""


EXAMPLES = """examples:
  cortex-logs audit --since 7d --format csv --output audit.csv
  cortex-logs notifications --status FAILED --medium SLACK --since 2026-11-01 --format table
  cortex-logs runs --checkpoint runs.ckpt --output runs.jsonl       # incremental; rerun to continue
  cortex-logs summary --since 30d --format json
  cortex-logs --sandbox audit --since 30d --format table             # built-in fake Cortex, no token"""


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose usage errors are one line on stderr (exit 2)."""

    def error(self, message: str) -> NoReturn:
        """Print ``cortex-logs: error: ...`` and a pointer to ``--help``; exit 2."""
        self.exit(EXIT_USAGE, f"{PROG}: error: {message} (see '{self.prog} --help')\n")


def kebab(name: str) -> str:
    """``actor_ip_addresses`` -> ``actor-ip-addresses``."""
    return name.replace("_", "-")


def singular(name: str) -> str:
    """``statuses`` -> ``status``, ``actor_ip_addresses`` -> ``actor_ip_address``, ``mediums`` -> ``medium``."""
    if name.endswith(("sses", "uses")):
        return name[:-2]
    return name[:-1] if name.endswith("s") else name


def positive(text: str) -> int:
    """An int >= 1 (argparse names it in errors: "invalid positive value")."""
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return value


def non_negative(text: str) -> int:
    """An int >= 0 (argparse: "invalid non_negative value")."""
    value = int(text)
    if value < 0:
        raise ValueError(text)
    return value


def page_size(text: str) -> int:
    """An int from 1 to 1000, the API's limit (argparse: "invalid page_size value")."""
    value = int(text)
    if not 1 <= value <= 1000:
        raise ValueError(text)
    return value


positive.__name__ = "positive int"  # argparse: "invalid positive int value: '0'"
non_negative.__name__ = "non-negative int"
page_size.__name__ = "page size (1 to 1000)"


def seconds(text: str) -> float:
    """A number of seconds > 0 (argparse: "invalid seconds value")."""
    value = float(text)
    if not 0 < value < 10**9:
        raise ValueError(text)
    return value


seconds.__name__ = "number of seconds > 0"


def _add_global_options(parser: argparse.ArgumentParser, *, nested: bool) -> None:
    """The options every command takes; ``nested`` (in a subcommand) leaves unset ones to the main parser."""

    def default(value: Any) -> Any:
        return argparse.SUPPRESS if nested else value

    group = parser.add_argument_group("connection and output options")
    group.add_argument("--base-url", metavar="URL", default=default(None),
                       help="Cortex API URL (default: $CORTEX_BASE_URL, else https://api.getcortexapp.com)")
    group.add_argument("--token-file", metavar="FILE", default=default(None),
                       help="read the API token from FILE (default: $CORTEX_API_TOKEN, else $CORTEX_API_KEY)")
    group.add_argument("--timeout", type=seconds, metavar="SECONDS", default=default(None),
                       help="per-request timeout (default 30)")
    group.add_argument("--max-retries", type=non_negative, metavar="N", default=default(None),
                       help="retries for 429, 5xx, timeouts and dropped connections (default 5)")
    group.add_argument("--concurrency", type=positive, metavar="N", default=default(None),
                       help="pages fetched at once (default 4)")
    group.add_argument("--requests-per-minute", type=non_negative, metavar="N", default=default(None),
                       help="client-side pacing (default 1000, Cortex's limit; 0 turns it off)")
    group.add_argument("-q", "--quiet", action="store_true", default=default(False),
                       help="no progress line and no warnings; errors only")
    group.add_argument("--debug", action="store_true", default=default(False),
                       help="log requests and retries, and show tracebacks")
    group.add_argument("--sandbox", action="store_true", default=default(False),
                       help="run against a built-in fake Cortex with seeded data (no token, no network)")


def _enum_help(param: Parameter) -> str:
    return "one of: " + ", ".join(choices(param))


def _list_type(param: Parameter) -> Callable[[str], list[Any]]:
    """One option value as a list: enums split on commas, ids as ints, text as is."""

    def convert(text: str) -> list[Any]:
        if param.value_type == "enum":
            return [part.strip() for part in text.split(",") if part.strip()]
        if param.value_type == "int":
            return [int(text)]
        return [text]

    convert.__name__ = {"int": "int", "enum": "value"}.get(param.value_type, "text")
    return convert


def _add_filter(group: argparse._ArgumentGroup, name: str, param: Parameter) -> None:
    api = f"(API parameter {param.wire}" + (", DEPRECATED by the Cortex docs)" if param.deprecated else ")")
    if param.value_type == "bool":
        group.add_argument(f"--{kebab(name)}", dest=name, action=argparse.BooleanOptionalAction, default=None,
                           help=f"default: the server's {api}")
        return
    what = _enum_help(param) if param.value_type == "enum" else {"int": "an id", "str": "text"}.get(param.value_type, param.value_type)
    if param.value_type != "enum" and choices(param):  # an open enum: its listed values are examples
        what += ", e.g. " + ", ".join(choices(param))
    if param.many:
        flags = dict.fromkeys((f"--{kebab(singular(name))}", f"--{kebab(name)}"))
        extra = "repeatable, or comma-separated" if param.value_type == "enum" else "repeatable"
        group.add_argument(*flags, dest=name, action="extend", type=_list_type(param), default=None,
                           metavar=singular(name).upper(), help=f"{what}; {extra} {api}")
        return
    convert = {"int": int}.get(param.value_type, str)
    group.add_argument(f"--{kebab(name)}", dest=name, type=convert, default=None, metavar=name.upper(),
                       help=f"{what} {api}")


def _add_window(parser: argparse.ArgumentParser, command: Command | None, *, since_default: str | None) -> None:
    bounds = time_bounds(command.operation) if command else None  # None: no time bounds (refused when given)
    low = [f"--{kebab(bounds[0])}"] if bounds else []
    high = [f"--{kebab(bounds[1])}"] if bounds else []
    when = "records at or after WHEN" + (f" (default {since_default})" if since_default else "")
    parser.add_argument("--since", *low, dest="since", type=parse_when, metavar="WHEN",
                        default=parse_when(since_default) if since_default else None, help=when)
    parser.add_argument("--until", *high, dest="until", type=parse_when, metavar="WHEN",
                        help="records at or before WHEN (default: now)")


def _add_paging(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--page-size", type=page_size, metavar="N", help="records per request, 1..1000 (default 1000)")
    parser.add_argument("--max-pages", type=positive, metavar="N", help="stop after N pages")


def _unlist_refused(parser: argparse.ArgumentParser, command: Command) -> None:
    """Leave the options of ``NEEDS_TIME_BOUNDS`` out of the ``--help`` of a command without time bounds.

    They stay parsed: one given is refused with the reason (``cli._check_unbounded``), not as unrecognized.
    """
    if command.windowed:
        return
    for action in parser._actions:
        if action.dest in NEEDS_TIME_BOUNDS:
            action.help = argparse.SUPPRESS  # neither in the usage line nor among the options


def _add_export(sub: Any, command: Command) -> None:
    in_full = "" if command.windowed else (
        " The API filters them by no date: every one that matches is exported (--since, --until, --checkpoint "
        "and --follow are refused).")
    dated = command.windowed or any(p.value_type == "datetime" for p in command.operation.parameters)
    epilog = EXPORT_EPILOG if command.windowed else "\n\n".join(
        [*([DATES_EPILOG] if dated else []), describe_exit_codes()])  # nothing about options it refuses
    parser = sub.add_parser(
        command.command, help=f"export {command.noun}",
        description=f"Export {command.noun} ({command.operation.operation_id}).{in_full}",
        epilog=epilog, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_window(parser, command, since_default=None)
    _add_paging(parser)
    parser.add_argument("--format", choices=FORMATS, default="jsonl",
                        help="output format (default jsonl, the records as sent); ecs and ocsf: one Elastic Common "
                        "Schema or OCSF event per line, with the stable event id and the record as sent")
    parser.add_argument("--original", choices=ORIGINAL_CHOICES, default="drop",
                        help="ecs and ocsf: keep the record as sent in event.original / raw_data too (default drop: "
                        "the mapped fields and the record under cortex.* / unmapped.cortex hold it)")
    parser.add_argument("--tenant", metavar="NAME",
                        help="ecs and ocsf: the Cortex tenant, as organization.id/name and metadata.tenant_uid "
                        "(default: the base URL's host; 'sandbox' with --sandbox)")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write to FILE instead of stdout ('-'): a regular file is replaced atomically, keeping its "
                        "mode (through a symlink, its target); a device or FIFO is written in place"
                        + ("; appended to with --checkpoint" if command.windowed else ""))
    parser.add_argument("--checkpoint", metavar="FILE",
                        help="incremental export: state kept in FILE; needs --output and jsonl or csv")
    parser.add_argument("--output-moved", action="store_true",
                        help="with --checkpoint: the output was moved to --output; let the checkpoint follow it "
                        "(without it, a checkpoint used with another --output than its own is refused)")
    parser.add_argument("--lag", type=parse_duration, metavar="DURATION", default=None,
                        help="with --checkpoint: re-read this far back before the newest record exported, for "
                        f"records that arrive late (default {int(DEFAULT_LAG_SECONDS // 60)}m; 0 turns it off)")
    if command.lifecycle:
        parser.add_argument("--settle", type=parse_duration, metavar="DURATION", default=None,
                            help=f"with --checkpoint: re-read a {command.noun.removesuffix('s')} exported in a state that "
                            "is not final (READY, CREATED) until it changes, for this long after it was created; each "
                            f"new status is exported once (default {int(DEFAULT_SETTLE_SECONDS // 3600)}h)")
    parser.add_argument("--follow", action="store_true",
                        help="with --checkpoint: keep polling for new records until SIGTERM or SIGINT (then exit 0); "
                        "transient failures are waited out")
    parser.add_argument("--interval", type=parse_duration, metavar="DURATION", default=None,
                        help=f"with --follow: time between polls (default {int(DEFAULT_FOLLOW_INTERVAL_SECONDS)}s, at most 1d)")
    parser.add_argument("--status-file", metavar="FILE",
                        help="with --follow: JSON health status, replaced atomically after every poll")
    parser.add_argument("--accept-gap", action="store_true",
                        help="with --checkpoint: go on when the checkpoint's last complete poll is older than the 30 days "
                        "Cortex keeps notification logs (records may be missing; without it such a run exits 8)")
    parser.add_argument("--with-id", action="store_true",
                        help="add each record's stable event id (_event_id): "
                        + ("a content hash and occurrence (the records have no id)" if command.id_wire is None
                           else "the API's id and the status (each state is its own event)" if command.lifecycle
                           else "the API's id")
                        + "; the same whichever run exports the record")
    _unlist_refused(parser, command)
    filters = parser.add_argument_group(f"filters (the {command.operation.operation_id} parameters)")
    op = command.operation
    for name, param in params_of(op).items():
        if name not in (op.lower_bound, op.upper_bound):
            _add_filter(filters, name, param)
    _add_global_options(parser, nested=True)
    parser.set_defaults(export=command)


def _add_summary(sub: Any) -> None:
    parser = sub.add_parser(
        "summary", help="notification delivery health over a window",
        description="Notification delivery health: counts by status and medium, failed and ignored reasons, "
        "the top failing channels and recipients, and the failure rate per notification type.",
        epilog=f"dates: {DATE_HELP}.\n\n{describe_exit_codes()}", formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_window(parser, None, since_default="7d")
    _add_paging(parser)
    parser.add_argument("--format", choices=("table", "json"), default="table", help="output format (default table)")
    parser.add_argument("--top", type=positive, default=10, metavar="N",
                        help="how many failing channels and recipients to list (default 10)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the summary to FILE (replaced atomically)")
    parser.add_argument("--fail-on", dest="fail_on", action="append", type=parse_condition, metavar="EXPR",
                        default=[], help="exit 7 when EXPR holds, e.g. failed>0, failed_rate>5%% (a rate is a "
                        "fraction up to 1 or a percentage), failed_reason:CHANNEL_NOT_FOUND>0, "
                        "failed_channel:#payments>0 (repeatable: any one). Metrics use the window's full counts, "
                        "not the --top lists; a key of status, medium, type, failed_reason, ignored_reason, "
                        "run_status or run_failed_reason must be a documented value; a channel is free text, "
                        "not checked")
    _add_global_options(parser, nested=True)
    parser.set_defaults(export=None)


def build_parser() -> Parser:
    """The ``cortex-logs`` parser."""
    parser = Parser(prog=PROG, description=DESCRIPTION, epilog=f"{EXAMPLES}\n\n{describe_exit_codes()}",
                    formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_global_options(parser, nested=False)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=Parser)
    for command in COMMANDS.values():
        _add_export(sub, command)
    _add_summary(sub)
    return parser


def option_name(command: Command | None, parameter: str) -> str:
    """The option that sets a client keyword argument (``statuses`` -> ``--status``)."""
    param = params_of(command.operation).get(parameter) if command is not None else None
    if param is not None and param.many:
        parameter = singular(parameter)
    elif command is not None and parameter == command.operation.lower_bound:
        parameter = "since"
    elif command is not None and parameter == command.operation.upper_bound:
        parameter = "until"
    return f"--{kebab(parameter)}"


def window_of(command: Command, since: Any, until: Any) -> dict[str, Any]:
    """The time-bound filters of ``command`` set to ``since`` and ``until``; none for an operation without bounds."""
    bounds = time_bounds(command.operation)
    return {bounds[0]: since, bounds[1]: until} if bounds is not None else {}


def filters_of(args: argparse.Namespace, command: Command) -> dict[str, Any]:
    """The filter arguments given on the command line (dates excluded), by Python name."""
    op = command.operation
    return {
        name: getattr(args, name)
        for name in params_of(op)
        if name not in (op.lower_bound, op.upper_bound) and getattr(args, name, None) is not None
    }
