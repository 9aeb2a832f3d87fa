"""Runtime enum drift: warn once per (enum, value) when a response carries an unknown value.

The generated enums record every unknown value they parse in
``cortex_api_client.types.UNKNOWN_ENUM_VALUES``, which keeps at most ``limit`` distinct values per
enum and counts the rest. After each page the client reports what is new there: one warning per
value for the first ``limit`` values of an enum, then one summary warning for that enum. A page
with no drift costs one integer comparison, and memory stays bounded whatever the server sends.
"""

from __future__ import annotations

import logging
import threading

from cortex_api_client.types import UNKNOWN_ENUM_VALUES

from ._errors import UnknownEnumValueWarning
from ._warn import warn_at_caller

logger = logging.getLogger("cortex_wrapper")

_lock = threading.Lock()
_seen_changes = 0
_reported: dict[str, int] = {}  # enum name -> how many of its kept values were reported
_summarised: set[str] = set()  # enums whose overflow was reported


def report_unknown_enums(context: str) -> list[str]:
    """Log each unknown enum value parsed since the last report, once; return the messages to warn with.

    The caller issues the warnings (``UnknownEnumValueWarning``) where the user's code sees them: the pager
    does so in the consumer's thread, as it hands over the page (not in the thread that fetched it).
    """
    global _seen_changes
    if UNKNOWN_ENUM_VALUES.changes == _seen_changes:
        return []
    messages: list[str] = []
    with _lock:
        _seen_changes = UNKNOWN_ENUM_VALUES.changes
        kept, overflow = UNKNOWN_ENUM_VALUES.snapshot()
        for enum_name, values in sorted(kept.items()):
            for value in values[_reported.get(enum_name, 0):]:
                messages.append(
                    f"{context}: a response carried {value!r} for {enum_name}, which no vendored Cortex doc "
                    "version lists; kept as an unknown member"
                )
            _reported[enum_name] = len(values)
        for enum_name in sorted(overflow.keys() - _summarised):
            _summarised.add(enum_name)
            messages.append(
                f"{context}: {enum_name} received more than {UNKNOWN_ENUM_VALUES.limit} distinct values no doc "
                "version lists; further ones parse as unknown members without a warning each"
            )
    for text in messages:
        logger.warning(text)
    return messages


def warn_unknown(messages: list[str]) -> None:
    """Issue one ``UnknownEnumValueWarning`` per message, pointing at the caller's line."""
    for text in messages:
        warn_at_caller(text, UnknownEnumValueWarning)


def reset_seen() -> None:
    """Forget which unknown values were seen and reported (for tests)."""
    global _seen_changes
    with _lock:
        UNKNOWN_ENUM_VALUES.clear()
        _seen_changes = UNKNOWN_ENUM_VALUES.changes
        _reported.clear()
        _summarised.clear()
