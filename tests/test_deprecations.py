"""Deprecations reach users: classified minor, carried by the operation table, warned, marked in help()."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import json
import warnings
from collections.abc import Iterator
from typing import Any

import cortex_api_client.client_methods
import httpx
import operation_table
import pytest
import reconcile
import semver
from cortex_api_client.operations import NOTIFICATION_RUNS, OperationSpec

import cortex_wrapper
from cortex_wrapper import CortexClient, CortexError, DeprecatedFilterWarning
from cortex_wrapper._operations import encode, params_of
from cortex_wrapper.cli import _commands
from cortex_wrapper.cli import main as cli_main

from .support.operations import ROOT

RECONCILED: dict[str, Any] = json.loads((ROOT / "spec" / "reconciled" / "openapi.json").read_text())


def runs(doc: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = reconcile.operations(doc)["listNotificationRuns"][2]
    return found


def search_query(doc: dict[str, Any]) -> dict[str, Any]:
    return next(p for p in runs(doc)["parameters"] if p["name"] == "searchQuery")


def test_a_deprecated_parameter_operation_or_field_is_minor() -> None:
    new = copy.deepcopy(RECONCILED)
    search_query(new)["deprecated"] = True
    runs(new)["deprecated"] = True
    new["components"]["schemas"]["NotificationRun"]["properties"]["status"]["deprecated"] = True
    result = semver.classify(RECONCILED, new)
    assert result.level == "minor"
    assert [reason for _, reason in result.reasons] == [
        "operation `listNotificationRuns` deprecated", "parameter `listNotificationRuns.searchQuery` deprecated",
        "field `NotificationRun.status` deprecated"]


def test_a_value_the_newest_version_drops_is_minor() -> None:
    result = semver.classify(RECONCILED, RECONCILED, {}, {"NotificationRun.status": ["READY"]})
    assert (result.level, result.reasons) == ("minor", [
        ("minor", "enum value `READY` of `NotificationRun.status` deprecated: the newest version no longer lists it")])
    assert semver.classify(RECONCILED, RECONCILED, {"NotificationRun.status": ["READY"]},
                           {"NotificationRun.status": ["READY"]}).level == "none"


def test_the_operation_table_carries_the_flag() -> None:
    doc = copy.deepcopy(RECONCILED)
    search_query(doc)["deprecated"] = True
    rows = {row.operation_id: row for row in operation_table.describe(doc, set())}
    flags = {p.wire: p.deprecated for p in rows["listNotificationRuns"].parameters}
    assert flags["searchQuery"] is True and not any(v for k, v in flags.items() if k != "searchQuery")
    text = operation_table.render(list(rows.values()), {}, ["2026-01-08"], "0" * 64, [])
    line = next(line for line in text.splitlines() if '"searchQuery"' in line and "Parameter(" in line)
    assert line.rstrip().endswith("deprecated=True),")


@pytest.fixture
def deprecated_search_query(monkeypatch: pytest.MonkeyPatch) -> Iterator[OperationSpec[Any]]:
    """Notification runs as the table would describe them once the docs deprecate ``search_query``.

    The generated client methods and the CLI's command read this table entry, as they read the real one.
    """
    parameters = tuple(dataclasses.replace(p, deprecated=True) if p.name == "search_query" else p
                       for p in NOTIFICATION_RUNS.parameters)
    spec = dataclasses.replace(NOTIFICATION_RUNS, parameters=parameters)
    monkeypatch.setattr(cortex_api_client.client_methods, "NOTIFICATION_RUNS", spec)
    command = _commands.COMMANDS["runs"]
    monkeypatch.setitem(_commands.COMMANDS, "runs", dataclasses.replace(command, operation=spec))
    yield spec


def _empty_page(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"runs": [], "page": 0, "totalPages": 0, "total": 0})


def test_using_a_deprecated_filter_warns_at_the_callers_line(deprecated_search_query: OperationSpec[Any]) -> None:
    with CortexClient("ctx-token-for-tests", "https://cortex.test", transport=httpx.MockTransport(_empty_page),
                      requests_per_minute=None) as client, pytest.warns(DeprecatedFilterWarning) as caught:
        line = inspect.currentframe().f_lineno + 1  # type: ignore[union-attr]
        list(client.notification_runs(search_query="disk", max_pages=1))
    assert len(caught) == 1
    warning = caught[0]
    assert (warning.filename, warning.lineno) == (__file__, line)
    assert isinstance(warning.message, DeprecatedFilterWarning)
    assert warning.message.parameter == "search_query" and "searchQuery deprecated" in str(warning.message)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        encode(deprecated_search_query, {"delivered_only": True})  # another filter: no warning
    assert params_of(deprecated_search_query)["search_query"].deprecated


def test_the_warning_is_a_deprecation_warning_of_the_package() -> None:
    assert issubclass(DeprecatedFilterWarning, DeprecationWarning)
    assert not issubclass(DeprecatedFilterWarning, CortexError)
    assert "DeprecatedFilterWarning" in cortex_wrapper.__all__


def test_help_and_cortex_logs_help_mark_it(deprecated_search_query: OperationSpec[Any], capsys: pytest.CaptureFixture[str]) -> None:
    doc = copy.deepcopy(RECONCILED)
    next(p for p in runs(doc)["parameters"] if p["name"] == "searchQuery")["deprecated"] = True
    [row] = [row for row in operation_table.describe(doc, set()) if row.operation_id == "listNotificationRuns"]
    documented = operation_table.method_doc(row)  # the generated method's docstring
    line = next(line for line in documented.splitlines() if "``search_query``" in line)
    assert "**deprecated**" in line
    other = next(line for line in documented.splitlines() if "``delivered_only``" in line)
    assert "deprecated" not in other
    assert cli_main(["runs", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "(API parameter searchQuery, DEPRECATED by the Cortex docs)" in out
    assert "(API parameter searchQuery)" not in out
