"""The parser: options derived from the spec, enum choices in --help, dates, --help for every command."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

import pytest
from cli_support import KINDS, connection, run_subprocess

from cortex_wrapper.cli._args import build_parser, singular
from cortex_wrapper.cli._dates import parse_when
from cortex_wrapper.cli._kinds import KINDS as CLI_KINDS
from cortex_wrapper.testing import FakeCortex


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


def test_help_of_the_real_entry_point() -> None:
    result = run_subprocess("--help")
    assert result.code == 0 and "audit" in result.out and "summary" in result.out


@pytest.mark.parametrize("command", list(KINDS))
def test_every_filter_of_the_operation_is_an_option(command: str) -> None:
    kind = CLI_KINDS[command]
    op = kind.operation
    dests = {action.dest: action for action in subparser(command)._actions}
    for name, param in op.params.items():
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
    for param in CLI_KINDS[command].operation.params.values():
        for choice in param.choices():
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


@pytest.mark.parametrize(("command", "low", "high"), [("audit", "startTime", "endTime"),
                                                      ("notifications", "fromDate", "untilDate"),
                                                      ("runs", "fromDate", "untilDate")])
def test_since_and_until_map_to_the_operation_window(cli: Any, fake: FakeCortex, command: str, low: str,
                                                     high: str) -> None:
    assert cli(*connection(fake), command, "--since", "2026-05-01", "--until", "2026-05-02").code == 0
    request = fake.requests[-1]
    assert request.params(low) == ["2026-05-01T00:00:00"] and request.params(high) == ["2026-05-02T00:00:00"]
