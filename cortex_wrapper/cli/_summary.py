"""``cortex-logs summary``: notification delivery health over a window, from notification logs and runs."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .._client import CortexClient
from .._pagination import SyncPager
from ._formats import render_rows
from ._progress import Progress


def _value(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is None or isinstance(value, (bool, list, dict)):
        return None
    return str(value)


def _ranked(counter: Counter[str], top: int | None = None) -> dict[str, int]:
    ranked = sorted(counter.items(), key=lambda pair: (-pair[1], pair[0]))
    return dict(ranked[:top] if top is not None else ranked)


def _recipient(log: dict[str, Any]) -> str | None:
    """Who a notification was for: the email, else the Cortex user or entity id (channels are counted apart)."""
    if email := _value(log, "recipientEmail"):
        return email
    for label, key in (("user", "recipientUserId"), ("entity", "recipientEntityId")):
        if ident := _value(log, key):
            return f"{label} {ident}"
    return None


def _crawl(pager: SyncPager[Any], label: str, progress: Progress) -> Iterable[dict[str, Any]]:
    """Every record of the pager as its wire-form dict (unknown enum values kept raw)."""
    progress.start(label)
    for page in pager.pages():
        for item in page.items:
            yield item.to_dict()
        progress.advance(len(page.items), page.total)
    progress.finish()


@dataclass(frozen=True)
class Summary:
    """The health summary: ``report`` as rendered (top N lists), ``counts`` in full, for ``--fail-on``.

    ``counts`` maps each keyed alert metric (``status``, ``medium``, ``type``, ``failed_reason``,
    ``ignored_reason``, ``failed_channel``, ``run_status``, ``run_failed_reason``) to its full counter: an alert
    never depends on ``--top``.
    """

    report: dict[str, Any]
    counts: Mapping[str, Counter[str]]


def summarize(client: CortexClient, *, since: dt.datetime, until: dt.datetime, top: int, page_size: int | None,
              max_pages: int | None, progress: Progress) -> Summary:
    """Crawl the window's notification logs and runs; return the health summary (JSON-ready report, full counts)."""
    window: dict[str, Any] = {"from_date": since, "until_date": until, "page_size": page_size, "max_pages": max_pages}
    status, medium, failed, ignored = Counter[str](), Counter[str](), Counter[str](), Counter[str]()
    channels, recipients, by_type, failed_by_type = Counter[str](), Counter[str](), Counter[str](), Counter[str]()
    for log in _crawl(client.notification_logs(**window), "notification logs", progress):
        notification_type, state = _value(log, "type") or "?", _value(log, "status") or "?"
        status[state] += 1
        medium[_value(log, "medium") or "?"] += 1
        by_type[notification_type] += 1
        if reason := _value(log, "ignoredReason"):
            ignored[reason] += 1
        if state == "FAILED":
            failed[_value(log, "failedReason") or "(none given)"] += 1
            failed_by_type[notification_type] += 1
            if channel := _value(log, "recipientChannel"):
                channels[channel] += 1
            if recipient := _recipient(log):
                recipients[recipient] += 1
    runs_status, runs_failed, runs_ignored, delivered = Counter[str](), Counter[str](), Counter[str](), 0
    for run in _crawl(client.notification_runs(**window, delivered_only=False), "notification runs", progress):
        runs_status[_value(run, "status") or "?"] += 1
        delivered += int(run.get("deliveredCount") or 0)
        if reason := _value(run, "failedReason"):
            runs_failed[reason] += 1
        if reason := _value(run, "ignoredReason"):
            runs_ignored[reason] += 1
    total = sum(status.values())
    ranked = sorted(by_type.items(), key=lambda pair: (-failed_by_type[pair[0]] / pair[1], -pair[1], pair[0]))
    rates = [
        {"type": notification_type, "total": count, "failed": failed_by_type[notification_type], "failure_rate": round(failed_by_type[notification_type] / count, 4)}
        for notification_type, count in ranked
    ]
    report = {
        "window": {"since": since.isoformat(), "until": until.isoformat()},
        "notification_logs": {
            "total": total,
            "failed": status["FAILED"],
            "failure_rate": round(status["FAILED"] / total, 4) if total else 0.0,
            "by_status": _ranked(status),
            "by_medium": _ranked(medium),
            "failed_reasons": _ranked(failed),
            "ignored_reasons": _ranked(ignored),
            "top_failing_channels": _ranked(channels, top),
            "top_failing_recipients": _ranked(recipients, top),
            "failure_rate_by_type": rates,
        },
        "notification_runs": {
            "total": sum(runs_status.values()),
            "delivered_notifications": delivered,
            "by_status": _ranked(runs_status),
            "failed_reasons": _ranked(runs_failed),
            "ignored_reasons": _ranked(runs_ignored),
        },
    }
    counts = {"status": status, "medium": medium, "type": by_type, "failed_reason": failed, "ignored_reason": ignored,
              "failed_channel": channels, "run_status": runs_status, "run_failed_reason": runs_failed}
    return Summary(report, counts)


def _section(title: str, headers: list[str], rows: list[list[str]]) -> list[str]:
    return ["", title, *(render_rows(headers, rows) if rows else ["(none)"])]


def share(count: int, total: int) -> str:
    """``count`` as a percentage of ``total``, one decimal: the one rounding every figure of the summary uses."""
    return f"{100 * count / total:.1f}%" if total else "0.0%"


def _counts(title: str, header: str, counts: dict[str, int], total: int | None = None) -> list[str]:
    rows = [[key, f"{count:,}", *([share(count, total)] if total else [])] for key, count in counts.items()]
    return _section(title, [header, "COUNT", *(["SHARE"] if total else [])], rows)


def render_table(summary: dict[str, Any]) -> str:
    """The summary as readable text."""
    logs, runs, window = summary["notification_logs"], summary["notification_runs"], summary["window"]
    total = logs["total"]
    lines = [
        f"Notification delivery health, {window['since']} .. {window['until']}",
        f"notification logs: {total:,}, failed {logs['failed']:,} ({share(logs['failed'], total)}); "
        f"notification runs: {runs['total']:,}, {runs['delivered_notifications']:,} notifications delivered",
    ]
    lines += _counts("Logs by status", "STATUS", logs["by_status"], total)
    lines += _counts("Logs by medium", "MEDIUM", logs["by_medium"], total)
    lines += _counts("Failed reasons", "FAILED REASON", logs["failed_reasons"])
    lines += _counts("Ignored reasons", "IGNORED REASON", logs["ignored_reasons"])
    lines += _counts("Top failing channels", "CHANNEL", logs["top_failing_channels"])
    lines += _counts("Top failing recipients", "RECIPIENT", logs["top_failing_recipients"])
    rows = [[r["type"], f"{r['total']:,}", f"{r['failed']:,}", share(r["failed"], r["total"])]
            for r in logs["failure_rate_by_type"]]
    lines += _section("Failure rate by notification type", ["TYPE", "LOGS", "FAILED", "FAILURE RATE"], rows)
    lines += _counts("Runs by status", "RUN STATUS", runs["by_status"], runs["total"])
    lines += _counts("Failed runs by reason", "FAILED REASON", runs["failed_reasons"])
    return "\n".join(lines) + "\n"


def render_json(summary: dict[str, Any]) -> str:
    """The summary as indented JSON (strict: it holds counts and rounded rates, never a NaN or Infinity token)."""
    return json.dumps(summary, indent=2, allow_nan=False) + "\n"
