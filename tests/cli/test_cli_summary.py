"""cortex-logs summary: delivery health numbers checked against the fake's records, as JSON and as a table."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from cortex_wrapper import _client
from cortex_wrapper.testing import FakeCortex

from ..support.cli import NO_RECORDS, connection, incremental_run, jsonl, make_fake, notification_log, server_records

WINDOW = ("--since", "2026-04-01", "--until", "2026-05-20T12:00:00")
WIRE_WINDOW = {"fromDate": "2026-04-01T00:00:00", "untilDate": "2026-05-20T12:00:00"}


def top(counter: Counter[str], n: int) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:n])


def recipient(log: dict[str, Any]) -> str | None:
    if "recipientEmail" in log:
        return str(log["recipientEmail"])
    if "recipientUserId" in log:
        return f"user {log['recipientUserId']}"
    if "recipientEntityId" in log:
        return f"entity {log['recipientEntityId']}"
    return None


def test_summary_json_matches_the_records(cli: Any, fake: FakeCortex) -> None:
    result = cli(*connection(fake), "summary", *WINDOW, "--format", "json", "--top", "3")
    assert result.code == 0, result.err
    summary = json.loads(result.out)
    logs = server_records(fake, "notifications", **WIRE_WINDOW)
    runs = server_records(fake, "runs", deliveredOnly="false", **WIRE_WINDOW)
    failed = [log for log in logs if log["status"] == "FAILED"]
    assert failed, "the window has failures"
    section = summary["notification_logs"]
    assert summary["window"] == {"since": "2026-04-01T00:00:00+00:00", "until": "2026-05-20T12:00:00+00:00"}
    assert section["total"] == len(logs)
    assert section["failed"] == len(failed)
    assert section["by_status"] == top(Counter(log["status"] for log in logs), 99)
    assert section["by_medium"] == top(Counter(log["medium"] for log in logs), 99)
    assert section["failed_reasons"] == top(Counter(log.get("failedReason", "(none given)") for log in failed), 99)
    assert section["ignored_reasons"] == top(Counter(log["ignoredReason"] for log in logs if "ignoredReason" in log), 99)
    channels = Counter(log["recipientChannel"] for log in failed if "recipientChannel" in log)
    assert section["top_failing_channels"] == top(channels, 3)
    assert section["top_failing_recipients"] == top(Counter(filter(None, map(recipient, failed))), 3)
    rates = {row["type"]: row for row in section["failure_rate_by_type"]}
    by_type = Counter(log["type"] for log in logs)
    failed_by_type = Counter(log["type"] for log in failed)
    assert set(rates) == set(by_type)
    for kind, row in rates.items():
        assert (row["total"], row["failed"]) == (by_type[kind], failed_by_type[kind])
        assert row["failure_rate"] == round(failed_by_type[kind] / by_type[kind], 4)
    ordered = [row["failure_rate"] for row in section["failure_rate_by_type"]]
    assert ordered == sorted(ordered, reverse=True)
    run_section = summary["notification_runs"]
    assert run_section["total"] == len(runs)
    assert run_section["by_status"] == top(Counter(run["status"] for run in runs), 99)
    assert run_section["delivered_notifications"] == sum(run["deliveredCount"] for run in runs)


def test_summary_sends_the_same_window_to_logs_and_runs(cli: Any, fake: FakeCortex) -> None:
    assert cli(*connection(fake), "summary", *WINDOW, "--format", "json").code == 0
    windows = {(r.params("fromDate")[0], r.params("untilDate")[0]) for r in fake.requests}
    assert windows == {(WIRE_WINDOW["fromDate"], WIRE_WINDOW["untilDate"])}
    runs = [r for r in fake.requests if r.operation == "notification_runs"]
    assert runs and all(r.params("deliveredOnly") == ["false"] for r in runs)


def test_summary_table(cli: Any, fake: FakeCortex) -> None:
    result = cli(*connection(fake), "summary", *WINDOW)
    assert result.code == 0
    for title in ("Logs by status", "Logs by medium", "Failed reasons", "Ignored reasons", "Top failing channels",
                  "Top failing recipients", "Failure rate by notification type", "Runs by status"):
        assert f"\n{title}\n" in result.out
    section = result.out.split("\nLogs by status\n")[1].split("\n\n")[0].splitlines()
    assert section[0].split() == ["STATUS", "COUNT", "SHARE"]
    assert all(line.endswith("%") for line in section[2:])


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_summary_default_window_is_seven_days(cli: Any, fake: FakeCortex, fmt: str) -> None:
    result = cli(*connection(fake), "summary", "--format", fmt)
    assert result.code == 0
    first = fake.requests[0]
    since, until = first.params("fromDate")[0], first.params("untilDate")[0]
    span = dt.datetime.fromisoformat(until) - dt.datetime.fromisoformat(since)
    assert span == dt.timedelta(days=7)


# -- issue 13, item 6: --fail-on, --output, and one rounding for every rate ------------------------------------


def _logs(failed: int, total: int) -> list[dict[str, Any]]:
    return [notification_log(i, "2026-05-01T09:00:00Z", status="FAILED" if i < failed else "DELIVERED",
                             **({"failedReason": "CHANNEL_NOT_FOUND"} if i < failed else {}))
            for i in range(total)]


def test_the_header_and_the_table_round_a_rate_the_same_way(cli: Any) -> None:
    # 12 of 151 is 7.947%: rounded to 4 places first (7.95%), it printed 8.0% in the header beside 7.9% in the table
    with make_fake(**NO_RECORDS, notification_logs=_logs(12, 151)) as fake:
        result = cli(*connection(fake), "summary", *WINDOW)
    assert result.code == 0, result.err
    header = result.out.splitlines()[1]
    failed_row = next(line for line in result.out.splitlines() if line.startswith("FAILED "))
    assert "(7.9%)" in header and failed_row.split()[-1] == "7.9%"


@pytest.mark.parametrize(("conditions", "code", "alerts"), [
    (["failed>0"], 7, ["failed>0 (3)"]),
    (["failed>3"], 0, []),
    (["failed_rate>5%"], 7, ["failed_rate>5% (30.0%)"]),
    (["failed_rate>0.5"], 0, []),
    (["failed_reason:CHANNEL_NOT_FOUND>0", "failed_reason:MISSING_CONTENT>0"], 7,
     ["failed_reason:CHANNEL_NOT_FOUND>0 (3)"]),
    (["status:DELIVERED>=7"], 7, ["status:DELIVERED>=7 (7)"]),
])
def test_fail_on_exits_7_when_a_condition_holds(cli: Any, tmp_path: Path, conditions: list[str], code: int,
                                                alerts: list[str]) -> None:
    output = tmp_path / "summary.json"
    with make_fake(**NO_RECORDS, notification_logs=_logs(3, 10)) as fake:
        argv = [arg for condition in conditions for arg in ("--fail-on", condition)]
        result = cli(*connection(fake), "summary", *WINDOW, "--format", "json", "--output", str(output), *argv)
    assert result.code == code, result.err
    assert [line.removeprefix("cortex-logs: alert: ") for line in result.err.splitlines()
            if line.startswith("cortex-logs: alert:")] == alerts
    assert json.loads(output.read_text())["notification_logs"]["failed"] == 3 and result.out == ""


@pytest.mark.parametrize(("condition", "message"), [
    ("failed", "is not METRIC OP NUMBER"), ("nope>1", "unknown metric 'nope'"),
    ("failed>5%", "only a rate"), ("colour:RED>0", "unknown metric 'colour'"),
])
def test_a_bad_fail_on_is_a_usage_error_naming_the_metrics(cli: Any, condition: str, message: str) -> None:
    result = cli("--sandbox", "summary", "--fail-on", condition)
    assert result.code == 2 and "--fail-on" in result.err and message in result.err


# -- issue 13, item 5: retention ----------------------------------------------------------------------------


@pytest.mark.usefixtures("real_retention")
@pytest.mark.slow
def test_since_past_the_retention_warns(cli: Any) -> None:
    result = cli("--sandbox", "notifications", "--since", "45d", "--max-pages", "1", "--page-size", "1")
    assert result.code == 0
    assert "reaches back past the 30 days Cortex keeps notification logs" in result.err
    assert "reaches back" not in cli("--sandbox", "notifications", "--since", "20d", "--max-pages", "1",
                                     "--page-size", "1").err
    assert "reaches back" not in cli("--sandbox", "audit", "--since", "45d", "--max-pages", "1", "--page-size", "1").err


@pytest.mark.usefixtures("real_retention")
@pytest.mark.slow
def test_a_checkpoint_older_than_the_retention_stops_with_exit_8_unless_accepted(
        cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    then = dt.datetime.now(dt.UTC) - dt.timedelta(days=40)
    old = then.isoformat()
    output = tmp_path / "logs.jsonl"
    with make_fake(**NO_RECORDS, notification_logs=[notification_log(1, old)]) as fake:
        with monkeypatch.context() as earlier:  # the last poll, 40 days ago: a gap is judged by it
            earlier.setattr(_client, "_now", lambda: then + dt.timedelta(minutes=1))
            assert incremental_run(cli, fake, "notifications", output).code == 0
        fake.insert("notification_logs", [notification_log(2, dt.datetime.now(dt.UTC).isoformat())])
        stopped = incremental_run(cli, fake, "notifications", output)
        assert stopped.code == 8 and "a gap is possible" in stopped.err and "--accept-gap" in stopped.err
        accepted = incremental_run(cli, fake, "notifications", output, "--accept-gap")
    assert accepted.code == 0 and "warning: a gap is possible" in accepted.err
    assert [r["id"] for r in jsonl(output.read_text())] == [1, 2]


# -- issue 22, defect 5: every alert metric on full counts; no key or rate that can never fire --------------------


def _channel_failures() -> list[dict[str, Any]]:
    """Failed logs: 3 to #a, 2 to #b, 1 to #payments (last of the ranking), and one delivered log."""
    channels = ["#a", "#a", "#a", "#b", "#b", "#payments"]
    return [*(notification_log(i, "2026-05-01T09:00:00Z", status="FAILED", failedReason="CHANNEL_NOT_FOUND",
                                recipientChannel=channel) for i, channel in enumerate(channels)),
            notification_log(99, "2026-05-01T09:00:00Z")]


@pytest.mark.parametrize("top_n", ["1", "2"])
def test_a_failing_channel_outside_the_top_list_still_alerts(cli: Any, top_n: str) -> None:
    with make_fake(**NO_RECORDS, notification_logs=_channel_failures()) as fake:
        result = cli(*connection(fake), "summary", *WINDOW, "--format", "json", "--top", top_n,
                     "--fail-on", "failed_channel:#payments>0", "--fail-on", "failed_channel:#b>=2")
    assert result.code == 7, result.err
    alerts = [line for line in result.err.splitlines() if line.startswith("cortex-logs: alert:")]
    assert alerts == ["cortex-logs: alert: failed_channel:#payments>0 (1)", "cortex-logs: alert: failed_channel:#b>=2 (2)"]
    # the rendered summary still lists only the top N
    shown = json.loads(result.out)["notification_logs"]["top_failing_channels"]
    assert shown == dict(list({"#a": 3, "#b": 2}.items())[:int(top_n)])


def test_a_channel_that_did_not_fail_does_not_alert(cli: Any) -> None:
    with make_fake(**NO_RECORDS, notification_logs=_channel_failures()) as fake:
        result = cli(*connection(fake), "summary", *WINDOW, "--top", "1", "--fail-on", "failed_channel:#ops>0")
    assert result.code == 0, result.err


@pytest.mark.parametrize(("condition", "valid", "hint"), [
    ("status:FAILD>0", ["DELIVERED", "FAILED", "IGNORED", "READY"], "did you mean FAILED"),
    ("medium:SLAK>0", ["EMAIL", "SLACK"], "did you mean SLACK"),
    ("failed_reason:CHANNEL_NOT_FOUNDD>0", ["CHANNEL_NOT_FOUND", "CLIENT_ERROR"], "did you mean CHANNEL_NOT_FOUND"),
    ("ignored_reason:nope>0", ["USER_UNSUBSCRIBED", "DUPLICATE"], ""),
    ("type:WEEKLY>0", ["WEEKLY_REPORT"], ""),
    ("run_status:FAILURE>0", ["COMPLETED_WITH_ERRORS", "FAILED"], "did you mean FAILED"),
    ("run_failed_reason:x>0", [], ""),
])
def test_a_misspelt_key_is_a_usage_error_naming_the_valid_values(cli: Any, condition: str, valid: list[str],
                                                                 hint: str) -> None:
    result = cli("--sandbox", "summary", "--fail-on", condition)
    assert result.code == 2, result.err
    assert "--fail-on" in result.err and "is not a value" in result.err and hint in result.err
    for value in valid:
        assert value in result.err


def test_the_valid_keys_come_from_the_operation_table() -> None:
    from cortex_wrapper._spec import ENUM_SITES
    from cortex_wrapper.cli._alerts import parse_condition

    for metric, site in [("status", "NotificationLog.status"), ("medium", "NotificationLog.medium"),
                         ("type", "NotificationLog.type"), ("failed_reason", "NotificationLog.failedReason"),
                         ("ignored_reason", "NotificationLog.ignoredReason"), ("run_status", "NotificationRun.status"),
                         ("run_failed_reason", "NotificationRun.failedReason")]:
        for value in ENUM_SITES[site].values:
            assert parse_condition(f"{metric}:{value}>0").key == value


def test_a_channel_key_is_free_text() -> None:
    from cortex_wrapper.cli._alerts import parse_condition

    assert parse_condition("failed_channel:#anything-at-all>0").key == "#anything-at-all"


@pytest.mark.parametrize(("condition", "message"), [
    ("failed_rate>50", "write 50%"), ("ignored_rate>=5", "write 5%"), ("failed_rate>1.5", "write 1.5%"),
    ("failed_rate>150%", "at most 100%"),
])
def test_a_rate_above_one_is_a_usage_error(cli: Any, condition: str, message: str) -> None:
    result = cli("--sandbox", "summary", "--fail-on", condition)
    assert result.code == 2 and "--fail-on" in result.err and message in result.err, result.err


@pytest.mark.parametrize("condition", ["failed_rate>=1", "failed_rate>0.5", "failed_rate>100%", "failed_rate>0%"])
def test_a_rate_up_to_one_or_a_percentage_up_to_100_is_accepted(condition: str) -> None:
    from cortex_wrapper.cli._alerts import parse_condition

    assert parse_condition(condition).metric == "failed_rate"
