"""``cortex-logs gitops``: the fourth log, served by configuration, with every filter an option; it exports in full."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cortex_api_client.operations import GIT_OPS_LOGS

from cortex_wrapper._defaults import TOKEN_ENV_VARS
from cortex_wrapper.cli._args import build_parser
from cortex_wrapper.testing import FakeCortex

from ..support.cli import Result, connection, jsonl, server_records
from ..support.operations import COMMANDS


def _tags(record: dict[str, Any], kind: str) -> set[str]:
    return {item[kind]["tag"] for item in record["files"] if item.get(kind)}


def test_gitops_is_the_command_of_list_git_ops_logs() -> None:
    assert COMMANDS["gitops"] == GIT_OPS_LOGS.method_name == "git_ops_logs"
    assert (GIT_OPS_LOGS.lower_bound, GIT_OPS_LOGS.upper_bound, GIT_OPS_LOGS.id_field) == (None, None, None)


def test_every_filter_is_an_option() -> None:
    parser = build_parser()
    sub = next(action for action in parser._actions if action.dest == "command")
    gitops = sub.choices["gitops"]  # type: ignore[index]
    options = {option for action in gitops._actions for option in action.option_strings}
    assert {"--file", "--repository", "--sha", "--error-only", "--no-error-only", "--operation", "--file-name",
            "--scorecard-tag", "--workflow-tag", "--tag"} <= options
    assert {"--start-time", "--from-date"}.isdisjoint(options)  # no time bound to alias --since to
    assert "every one that matches is exported" in (gitops.description or "")
    audit = sub.choices["audit"]  # type: ignore[index]
    assert audit.description == "Export audit log entries (getAuditLogs)."


def test_an_export_is_every_record_the_server_holds(cli: Any, fake: FakeCortex) -> None:
    result: Result = cli(*connection(fake), "gitops")
    assert result.code == 0, result.err
    exported = jsonl(result.out)
    assert exported == server_records(fake, "gitops")
    assert len(exported) == fake.total("git_ops_logs") > 0
    assert all(record["files"] and record["repository"]["provider"] for record in exported)


@pytest.mark.parametrize(("option", "value", "kept"), [
    ("--tag", "tag-3", lambda r: "tag-3" in _tags(r, "entity")),
    ("--scorecard-tag", "tag-5", lambda r: "tag-5" in _tags(r, "scorecard")),
    ("--workflow-tag", "tag-1", lambda r: "tag-1" in _tags(r, "workflow")),
    ("--repository", "repositoryName-2", lambda r: r["repository"]["repositoryName"] == "repositoryName-2"),
    ("--sha", "commit-4", lambda r: r["commit"] == "commit-4"),
    ("--file-name", "fileName-0", lambda r: any(item["fileName"] == "fileName-0" for item in r["files"])),
    ("--file", "fileName-9", lambda r: any(item["fileName"] == "fileName-9" for item in r["files"])),
    ("--operation", "ARCHIVED", lambda r: any(item.get(kind, {}).get("operation") == "ARCHIVED"
                                              for item in r["files"] for kind in ("entity", "scorecard", "workflow"))),
    ("--error-only", None, lambda r: any(item.get("error") for item in r["files"])),
])
def test_each_filter_reaches_the_fake_and_keeps_what_it_names(cli: Any, fake: FakeCortex, option: str,
                                                              value: str | None, kept: Any) -> None:
    every = server_records(fake, "gitops")
    result = cli(*connection(fake), "gitops", option, *([value] if value is not None else []))
    assert result.code == 0, result.err
    exported = jsonl(result.out)
    assert exported == [record for record in every if kept(record)]
    assert 0 < len(exported) < len(every), "the filter keeps some records and drops others"
    wire = {p.name: p.wire for p in GIT_OPS_LOGS.parameters}[option[2:].replace("-", "_")]
    sent = fake.requests[-1]
    assert (wire, value if value is not None else "true") in sent.query, "the filter went to the API"


@pytest.mark.parametrize("argv", [["--since", "7d"], ["--until", "1d"], ["--checkpoint", "x.ckpt", "-o", "out.jsonl"],
                                  ["--follow", "--checkpoint", "x.ckpt", "-o", "out.jsonl"],
                                  # the options of --checkpoint and --follow, not listed by --help either
                                  ["--lag", "0"], ["--output-moved", "-o", "out.jsonl"], ["--accept-gap"],
                                  ["--interval", "5s"], ["--status-file", "status.json"]])
def test_a_window_or_checkpoint_is_a_usage_error_naming_why(cli: Any, fake: FakeCortex, argv: list[str],
                                                            tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    before = len(fake.requests)
    result = cli(*connection(fake), "gitops", *argv)
    assert result.code == 2
    assert f"{argv[0]}: gitops has no time bounds" in result.err and "exports its GitOps logs in full" in result.err
    assert len(fake.requests) == before, "refused before any request"
    assert not (tmp_path / "x.ckpt").exists() and not (tmp_path / "out.jsonl").exists()
    assert not (tmp_path / "status.json").exists()


def test_help_lists_no_option_it_refuses(cli: Any) -> None:
    text = cli("gitops", "--help").out
    options = text.split("options:", 1)[1]
    for option in ("--since", "--until", "--checkpoint", "--follow", "--lag", "--output-moved", "--accept-gap",
                   "--interval", "--status-file", "--settle"):
        assert f"[{option}" not in text and f"\n  {option}" not in options, option
    assert "--checkpoint FILE makes the export incremental" not in text and "dates:" not in text
    assert "(--since, --until, --checkpoint and --follow are refused)" in text  # the description says why


@pytest.mark.parametrize("fmt", ["ecs", "ocsf"])
def test_siem_events_carry_the_record_under_its_dataset(cli: Any, fake: FakeCortex, fmt: str) -> None:
    result = cli(*connection(fake), "gitops", "--format", fmt, "--max-pages", "1", "--page-size", "5")
    assert result.code == 0, result.err
    events = [json.loads(line) for line in result.out.splitlines()]
    assert len(events) == 5
    for event in events:
        if fmt == "ecs":
            assert event["event"]["dataset"] == "cortex.gitops"
            assert event["cortex"]["gitops"]["commit"].startswith("commit-")
        else:
            assert event["metadata"]["log_name"] == "cortex.gitops"


@pytest.mark.parametrize(("command", "argv", "message"), [
    ("gitops", ["--since", "7d"], "--since: gitops has no time bounds"),
    ("gitops", ["--checkpoint", "x.ckpt", "-o", "out.jsonl"], "--checkpoint: gitops has no time bounds"),
    ("audit", ["--lag", "5m"], "--lag needs --checkpoint"),
    ("audit", ["--interval", "5s"], "--interval needs --follow"),
])
def test_a_usage_error_comes_before_the_missing_token(cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Any,
                                                     command: str, argv: list[str], message: str) -> None:
    monkeypatch.chdir(tmp_path)
    for name in TOKEN_ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    result = cli("--base-url", "http://127.0.0.1:9", command, *argv)
    assert result.code == 2 and message in result.err, result.err
    assert "token" not in result.err.lower()
