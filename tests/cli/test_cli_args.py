"""The parser: options derived from the spec, enum choices in --help, dates, --help for every command."""

from __future__ import annotations

import argparse
import datetime as dt
import re
from typing import Any

import pytest

from cortex_wrapper._config import resolve_token
from cortex_wrapper._errors import CortexConfigError, InvalidParameterError
from cortex_wrapper._operations import params_of
from cortex_wrapper._params import choices, to_utc
from cortex_wrapper.cli._args import NEEDS_TIME_BOUNDS, build_parser, singular
from cortex_wrapper.cli._commands import COMMANDS as CLI_COMMANDS
from cortex_wrapper.cli._dates import parse_when
from cortex_wrapper.testing import FakeCortex

from ..support.cli import KINDS, TOKEN, connection, run_subprocess


def subparser(command: str) -> argparse.ArgumentParser:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    chosen: argparse.ArgumentParser = action.choices[command]
    return chosen


@pytest.mark.parametrize("command", [*KINDS, "summary"])
def test_help_exits_0(cli: Any, command: str) -> None:
    result = cli(command, "--help")
    assert result.code == 0 and result.out.startswith(f"usage: cortex-logs {command}")
    assert "exit codes:" in result.out


@pytest.mark.parametrize("command", list(KINDS))
def test_help_lists_the_window_and_checkpoint_options_only_where_they_are_taken(cli: Any, command: str) -> None:
    text = cli(command, "--help").out
    usage = text.split("\n\n", 1)[0]
    listed = set(re.findall(r"\[(--[a-z-]+)", usage)) | set(re.findall(r"(?m)^  (--[a-z-]+)", text))
    dests = {action.dest for action in subparser(command)._actions}
    parsed = {option for dest, option in NEEDS_TIME_BOUNDS.items() if dest in dests}
    assert {"--since", "--until", "--checkpoint", "--follow"} <= parsed  # parsed by every export, refused if need be
    if CLI_COMMANDS[command].windowed:
        assert parsed <= listed
        assert "--checkpoint FILE makes the export incremental" in text and "appended to with --checkpoint" in text
    else:  # no time bounds: exported in full, and --help lists no option it refuses
        assert not parsed & listed, sorted(parsed & listed)
        assert "--checkpoint FILE makes" not in text and "appended to with --checkpoint" not in text
        assert "refused" in (subparser(command).description or "")  # the description says why they are absent


@pytest.mark.slow
def test_help_of_the_real_entry_point() -> None:
    result = run_subprocess("--help")
    assert result.code == 0 and "audit" in result.out and "summary" in result.out


@pytest.mark.parametrize("command", list(KINDS))
def test_every_filter_of_the_operation_is_an_option(command: str) -> None:
    op = CLI_COMMANDS[command].operation
    dests = {action.dest: action for action in subparser(command)._actions}
    for name, param in params_of(op).items():
        if name in (op.lower_bound, op.upper_bound):
            assert f"--{name.replace('_', '-')}" in dests["since" if name == op.lower_bound else "until"].option_strings
            continue
        action = dests[name]
        flag = f"--{name.replace('_', '-')}"
        assert flag in action.option_strings
        if param.many:
            assert f"--{singular(name).replace('_', '-')}" in action.option_strings


@pytest.mark.parametrize("command", list(KINDS))
def test_enum_choices_are_in_help(cli: Any, command: str) -> None:
    text = " ".join(cli(command, "--help").out.split())
    for param in CLI_COMMANDS[command].operation.parameters:
        for choice in choices(param):
            assert choice in text, (param.name, choice)


def test_list_options_repeat_and_split_on_commas() -> None:
    args = build_parser().parse_args(["runs", "--status", "FAILED", "--statuses", "IGNORED,CREATED",
                                      "--medium", "SLACK"])
    assert args.statuses == ["FAILED", "IGNORED", "CREATED"]
    assert args.mediums == ["SLACK"]
    ids = build_parser().parse_args(["notifications", "--notification-run-id", "3", "--notification-run-id", "4"])
    assert ids.notification_run_ids == [3, 4]


def test_booleans_are_tristate() -> None:
    parse = build_parser().parse_args
    assert parse(["runs"]).delivered_only is None
    assert parse(["runs", "--delivered-only"]).delivered_only is True
    assert parse(["runs", "--no-delivered-only"]).delivered_only is False
    assert parse(["runs", "--include-objects"]).include_objects is True


def test_global_options_before_or_after_the_command() -> None:
    parse = build_parser().parse_args
    assert parse(["--base-url", "https://a.example", "audit"]).base_url == "https://a.example"
    assert parse(["audit", "--base-url", "https://b.example", "--quiet"]).base_url == "https://b.example"
    assert parse(["--quiet", "audit"]).quiet is True
    assert parse(["audit"]).quiet is False


NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(("text", "expected"), [
    ("7d", NOW - dt.timedelta(days=7)),
    ("12h", NOW - dt.timedelta(hours=12)),
    ("30m", NOW - dt.timedelta(minutes=30)),
    ("45s", NOW - dt.timedelta(seconds=45)),
    ("2w", NOW - dt.timedelta(weeks=2)),
    ("now", NOW),
    ("2026-11-01", dt.datetime(2026, 11, 1, tzinfo=dt.UTC)),
    ("2026-11-01T12:30:00", dt.datetime(2026, 11, 1, 12, 30, tzinfo=dt.UTC)),
    ("2026-11-01T12:30:00Z", dt.datetime(2026, 11, 1, 12, 30, tzinfo=dt.UTC)),
    ("2026-11-01T12:30:00+02:00", dt.datetime(2026, 11, 1, 10, 30, tzinfo=dt.UTC)),
])
def test_dates(text: str, expected: dt.datetime) -> None:
    assert parse_when(text).resolve(NOW) == expected


@pytest.mark.parametrize("text", ["yesterday", "7 days", "-3d", "2026-13-01", ""])
def test_bad_dates(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        parse_when(text)


# Absolute forms, each parsed by the CLI's --since/--until and by the library's datetime filters (start_time=...).
# Several are ISO 8601 that datetime.fromisoformat rejects on 3.11 (year-month, year, ordinal date, 24:00);
# the last ones no parser takes, or lie outside the years 1 to 9999 once in UTC.
ABSOLUTE_FORMS = [
    "2026-11-01", "20261101", "2026-11", "2026", "2026-305", "2026-W44", "2026-W44-3",
    "2026-11-01T12", "2026-11-01T12:30", "20261101T1230", "2026-11-01 12:30:00", "2026-11-01t12:30",
    "2026-11-01T12:30:00,5", "2026-11-01T12:30:00.1234567", "2026-11-01T24:00:00", " 2026-11-01T12:30:00 ",
    "2026-11-01T12:30:00Z", "2026-11-01T12:30:00 Z", "2026-11-01T12:30:00+02:00", "2026-11-01T12:30:00+0200",
    "2026-11-01T12:30:00+02", "2026-11-01T12:30:00-23:59",
    "0001-01-01T00:00:00", "9999-12-31T23:59:59.999999",
    "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "9999-12-31T24:00:00",
    "2026-13-01", "2026-02-30", "2026-11-01T25:00", "11/01/2026", "2026-11-01T12:30:00+25:00", "Nov 1 2026",
]


@pytest.mark.parametrize("text", ABSOLUTE_FORMS)
def test_absolute_dates_are_exactly_the_library_filters_dates(text: str) -> None:
    """The CLI accepts an absolute date iff ``start_time=`` would, as the same moment (no offset meaning UTC)."""
    try:
        expected = to_utc("since", text)
    except InvalidParameterError:
        with pytest.raises(argparse.ArgumentTypeError):
            parse_when(text)
        return
    when = parse_when(text)
    assert when.ago is None and when.at == expected
    assert when.at.utcoffset() == dt.timedelta(0)


def test_the_forms_fromisoformat_rejects_are_dates() -> None:
    assert parse_when("2026-11").at == dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    assert parse_when("2026-305").at == dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    assert parse_when("2026-11-01T24:00").at == dt.datetime(2026, 11, 2, tzinfo=dt.UTC)


@pytest.mark.parametrize("text", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_dates_outside_utc_years_are_out_of_range(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="out of range"):
        parse_when(text)


def cli_error(err: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith("cortex-logs: error: ")]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0].removeprefix("cortex-logs: error: ")


@pytest.mark.parametrize("environ", [
    {"CORTEX_API_TOKEN": TOKEN},
    {"CORTEX_API_KEY": TOKEN},
    {"CORTEX_API_TOKEN": "", "CORTEX_API_KEY": TOKEN},
    {"CORTEX_API_TOKEN": f"  {TOKEN}\n"},
    {"CORTEX_API_TOKEN": TOKEN, "CORTEX_API_KEY": "the-key-loses"},
    {"CORTEX_API_TOKEN": "   "},
    {"CORTEX_API_TOKEN": "\t", "CORTEX_API_KEY": TOKEN},
    {"CORTEX_API_TOKEN": "two words"},
    {"CORTEX_API_KEY": "caf\u00e9"},
], ids=lambda environ: repr(environ).replace(TOKEN, "TOKEN"))
def test_the_environment_token_is_the_one_the_library_resolves(
    cli: Any, fake: FakeCortex, monkeypatch: pytest.MonkeyPatch, environ: dict[str, str],
) -> None:
    """Same variables, precedence and checks as ``CortexClient(token=None)``, and the library's reason when it fails."""
    monkeypatch.delenv("CORTEX_API_TOKEN")
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    try:
        resolve_token(None, environ)
    except CortexConfigError as exc:
        result = cli(*connection(fake), "audit", "--max-pages", "1")
        assert result.code == 2 and cli_error(result.err) == str(exc)
    else:
        result = cli(*connection(fake), "audit", "--max-pages", "1")
        assert result.code == 0, result.err  # the fake knows TOKEN only: any other token exits 3
        assert fake.requests


def test_no_token_names_the_cli_options(cli: Any, fake: FakeCortex, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CORTEX_API_TOKEN")
    monkeypatch.setenv("CORTEX_API_KEY", "")
    result = cli(*connection(fake), "audit")
    assert result.code == 2
    assert cli_error(result.err) == (
        "no API token: use --token-file FILE, or set CORTEX_API_TOKEN or CORTEX_API_KEY (or try --sandbox)"
    )
    assert not fake.requests


@pytest.mark.parametrize(("command", "low", "high"), [("audit", "startTime", "endTime"),
                                                      ("notifications", "fromDate", "untilDate"),
                                                      ("runs", "fromDate", "untilDate")])
def test_since_and_until_map_to_the_operation_window(cli: Any, fake: FakeCortex, command: str, low: str,
                                                     high: str) -> None:
    assert cli(*connection(fake), command, "--since", "2026-05-01", "--until", "2026-05-02").code == 0
    request = fake.requests[-1]
    assert request.params(low) == ["2026-05-01T00:00:00"] and request.params(high) == ["2026-05-02T00:00:00"]


@pytest.mark.filterwarnings("ignore::cortex_wrapper.UnknownEnumValueWarning")  # the fake's drifted values
def test_each_command_lists_as_its_operations_client_method_does(fake: FakeCortex) -> None:
    """Every served operation is a command, and its pager is the one its public client method gives."""
    from cortex_api_client.operations import OPERATIONS as TABLE

    from cortex_wrapper import CortexClient, SyncPager
    from cortex_wrapper.cli._commands import COMMANDS as CLI_COMMANDS

    assert sorted(c.operation.operation_id for c in CLI_COMMANDS.values()) == sorted(s.operation_id for s in TABLE)
    with CortexClient(fake.token, fake.url) as client:
        for command, described in CLI_COMMANDS.items():
            pager = described.pager(client, {}, 5, 1)
            public = getattr(client, described.operation.method_name)(page_size=5, max_pages=1)
            assert isinstance(pager, SyncPager) and repr(pager) == repr(public), command
            assert [r.data for p in pager.raw_pages() for r in p.items] == [r.data for p in public.raw_pages() for r in p.items]


@pytest.mark.parametrize(("command", "says"), [
    ("audit", "a content hash and occurrence (the records have no id)"),
    ("gitops", "a content hash and occurrence (the records have no id)"),
    ("notifications", "the API's id and the status (each state is its own event)"),
    ("runs", "the API's id and the status (each state is its own event)"),
])
def test_with_id_help_says_what_the_event_id_of_these_records_is(command: str, says: str,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args([command, "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert f"stable event id (_event_id): {says};" in text
