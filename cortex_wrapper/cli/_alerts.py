"""``cortex-logs summary --fail-on EXPR``: conditions on the delivery-health summary, for cron or CI to alert on.

``EXPR`` is ``METRIC OP NUMBER``, ``OP`` one of ``> >= < <= == !=``, ``NUMBER`` a count or, for a rate, a
fraction (``0.05``) or a percentage (``5%``). Metrics, over the summary's window:

* notification logs: ``total``, ``failed``, ``ignored``, ``delivered``, ``failed_rate``, ``ignored_rate``,
  and per value: ``status:S``, ``medium:M``, ``type:T``, ``failed_reason:R``, ``ignored_reason:R``,
  ``failed_channel:C`` (failed logs to channel C);
* notification runs: ``runs``, ``runs_failed``, ``run_status:S``, ``run_failed_reason:R``.

Every metric reads the window's full counts, whatever ``--top`` shows. A key of an enum-valued metric must be a
value the operation table lists for it (a misspelt one is a usage error, not an alert that never fires); a
channel is free text and cannot be checked. A bare rate above 1 is refused (``failed_rate>50`` is not 50%:
write ``50%``), and so is a percentage above 100.
"""

from __future__ import annotations

import argparse
import difflib
import operator
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .._spec import ENUM_SITES

_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge, "<=": operator.le, "==": operator.eq, "!=": operator.ne, ">": operator.gt, "<": operator.lt,
}
_EXPRESSION = re.compile(r"\s*([a-z_]+)(?::(\S+?))?\s*(>=|<=|==|!=|>|<)\s*([0-9]+(?:\.[0-9]+)?)(%?)\s*")
_COUNTS: dict[str, tuple[str, str | None]] = {  # metric: (the counter it reads, the key; None: the counter's sum)
    "total": ("status", None), "failed": ("status", "FAILED"), "ignored": ("status", "IGNORED"),
    "delivered": ("status", "DELIVERED"), "runs": ("run_status", None), "runs_failed": ("run_status", "FAILED"),
}
_RATES = {"failed_rate": "FAILED", "ignored_rate": "IGNORED"}
_KEYED: dict[str, str | None] = {  # metric: the enum site (of the operation table) its key takes values from
    "status": "NotificationLog.status", "medium": "NotificationLog.medium", "type": "NotificationLog.type",
    "failed_reason": "NotificationLog.failedReason", "ignored_reason": "NotificationLog.ignoredReason",
    "failed_channel": None,  # free text: any channel name
    "run_status": "NotificationRun.status", "run_failed_reason": "NotificationRun.failedReason",
}
METRICS = (*sorted(_COUNTS), *sorted(_RATES), *(f"{name}:VALUE" for name in _KEYED))
"""Every metric ``--fail-on`` knows."""


def valid_keys(metric: str) -> tuple[str, ...] | None:
    """The values a keyed metric's key may take (the operation table's enum values), or None for free text."""
    site = _KEYED[metric]
    if site is None or ENUM_SITES[site].open:
        return None
    return ENUM_SITES[site].values


@dataclass(frozen=True)
class Condition:
    """One ``--fail-on`` expression, parsed."""

    text: str
    metric: str
    key: str | None
    compare: Callable[[float, float], bool]
    threshold: float
    percent: bool

    def value(self, counts: Mapping[str, Counter[str]]) -> float:
        """The metric's value in the summary's full ``counts`` (``Summary.counts``; a rate as a fraction)."""
        if self.metric in _RATES:
            total = sum(counts["status"].values())
            return counts["status"][_RATES[self.metric]] / total if total else 0.0
        if self.key is not None:
            return float(counts[self.metric][self.key])
        name, key = _COUNTS[self.metric]
        return float(sum(counts[name].values()) if key is None else counts[name][key])

    def holds(self, counts: Mapping[str, Counter[str]]) -> bool:
        """True when the condition is met."""
        return self.compare(self.value(counts), self.threshold / 100 if self.percent else self.threshold)

    def describe(self, counts: Mapping[str, Counter[str]]) -> str:
        """``failed_rate>5% (7.9%)``: the condition and the value that met it."""
        value = self.value(counts)
        shown = f"{100 * value:.1f}%" if self.metric in _RATES else f"{value:g}"
        return f"{self.text} ({shown})"


def parse_condition(text: str) -> Condition:
    """Parse a ``--fail-on`` value; ``argparse.ArgumentTypeError`` naming the valid choices when it is not one."""
    found = _EXPRESSION.fullmatch(text)
    if found is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not METRIC OP NUMBER (e.g. failed>0, failed_rate>5%, "
                                         "failed_reason:CHANNEL_NOT_FOUND>0)")
    metric, key, op, number, percent = found.groups()
    if (key is None and metric not in _COUNTS.keys() | _RATES.keys()) or (key is not None and metric not in _KEYED):
        raise argparse.ArgumentTypeError(f"{text!r}: unknown metric {metric!r}; metrics: {', '.join(METRICS)}")
    if percent and metric not in _RATES:
        raise argparse.ArgumentTypeError(f"{text!r}: only a rate ({', '.join(sorted(_RATES))}) takes a percentage")
    threshold = float(number)
    if metric in _RATES and threshold > (100 if percent else 1):
        raise argparse.ArgumentTypeError(
            f"{text!r}: a rate is at most 100%" if percent else
            f"{text!r}: a rate is a fraction from 0 to 1; for a percentage write {number}% ({metric}{op}{number}%)"
        )
    if key is not None and (choices := valid_keys(metric)) is not None and key not in choices:
        close = difflib.get_close_matches(key.upper(), choices, n=3, cutoff=0.5)
        hint = f"did you mean {' or '.join(close)}? " if close else ""
        raise argparse.ArgumentTypeError(f"{text!r}: {key!r} is not a value any Cortex doc version lists for "
                                         f"{metric}; {hint}valid: {', '.join(choices)}")
    return Condition(text.strip(), metric, key, _OPERATORS[op], threshold, bool(percent))
