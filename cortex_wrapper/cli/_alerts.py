"""``cortex-logs summary --fail-on EXPR``: conditions on the delivery-health summary, for cron or CI to alert on.

``EXPR`` is ``METRIC OP NUMBER``, ``OP`` one of ``> >= < <= == !=``, ``NUMBER`` a count or, for a rate, a
fraction (``0.05``) or a percentage (``5%``). Metrics, over the summary's window:

* notification logs: ``total``, ``failed``, ``ignored``, ``delivered``, ``failed_rate``, ``ignored_rate``,
  and per value: ``status:S``, ``medium:M``, ``type:T``, ``failed_reason:R``, ``ignored_reason:R``,
  ``failed_channel:C`` (failed logs to channel C);
* notification runs: ``runs``, ``runs_failed``, ``run_status:S``, ``run_failed_reason:R``.
"""

from __future__ import annotations

import argparse
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge, "<=": operator.le, "==": operator.eq, "!=": operator.ne, ">": operator.gt, "<": operator.lt,
}
_EXPRESSION = re.compile(r"\s*([a-z_]+)(?::(\S+?))?\s*(>=|<=|==|!=|>|<)\s*([0-9]+(?:\.[0-9]+)?)(%?)\s*")
_COUNTS = {"total", "failed", "ignored", "delivered", "runs", "runs_failed"}
_RATES = {"failed_rate", "ignored_rate"}
_KEYED = {"status": ("logs", "by_status"), "medium": ("logs", "by_medium"), "type": ("logs", "by_type"),
          "failed_reason": ("logs", "failed_reasons"), "ignored_reason": ("logs", "ignored_reasons"),
          "failed_channel": ("logs", "top_failing_channels"), "run_status": ("runs", "by_status"),
          "run_failed_reason": ("runs", "failed_reasons")}
METRICS = (*sorted(_COUNTS), *sorted(_RATES), *(f"{name}:VALUE" for name in _KEYED))
"""Every metric ``--fail-on`` knows."""


@dataclass(frozen=True)
class Condition:
    """One ``--fail-on`` expression, parsed."""

    text: str
    metric: str
    key: str | None
    compare: Callable[[float, float], bool]
    threshold: float
    percent: bool

    def value(self, summary: Mapping[str, Any]) -> float:
        """The metric's value in ``summary`` (a rate as a fraction)."""
        logs, runs = summary["notification_logs"], summary["notification_runs"]
        by_status = logs["by_status"]
        if self.metric in _RATES:
            count = by_status.get("FAILED" if self.metric == "failed_rate" else "IGNORED", 0)
            return count / logs["total"] if logs["total"] else 0.0
        if self.key is not None:
            section, name = _KEYED[self.metric]
            table = (logs if section == "logs" else runs).get(name)
            if name == "by_type":
                table = {r["type"]: r["total"] for r in logs["failure_rate_by_type"]}
            return float((table or {}).get(self.key, 0))
        return float({
            "total": logs["total"], "failed": by_status.get("FAILED", 0), "ignored": by_status.get("IGNORED", 0),
            "delivered": by_status.get("DELIVERED", 0), "runs": runs["total"],
            "runs_failed": runs["by_status"].get("FAILED", 0),
        }[self.metric])

    def holds(self, summary: Mapping[str, Any]) -> bool:
        """True when the condition is met."""
        return self.compare(self.value(summary), self.threshold / 100 if self.percent else self.threshold)

    def describe(self, summary: Mapping[str, Any]) -> str:
        """``failed_rate>5% (7.9%)``: the condition and the value that met it."""
        value = self.value(summary)
        shown = f"{100 * value:.1f}%" if self.metric in _RATES else f"{value:g}"
        return f"{self.text} ({shown})"


def parse_condition(text: str) -> Condition:
    """Parse a ``--fail-on`` value; ``argparse.ArgumentTypeError`` naming the metrics when it is not one."""
    found = _EXPRESSION.fullmatch(text)
    if found is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not METRIC OP NUMBER (e.g. failed>0, failed_rate>5%, "
                                         "failed_reason:CHANNEL_NOT_FOUND>0)")
    metric, key, op, number, percent = found.groups()
    if (key is None and metric not in _COUNTS | _RATES) or (key is not None and metric not in _KEYED):
        raise argparse.ArgumentTypeError(f"{text!r}: unknown metric {metric!r}; metrics: {', '.join(METRICS)}")
    if percent and metric not in _RATES:
        raise argparse.ArgumentTypeError(f"{text!r}: only a rate ({', '.join(sorted(_RATES))}) takes a percentage")
    return Condition(text.strip(), metric, key, _OPERATORS[op], float(number), bool(percent))
