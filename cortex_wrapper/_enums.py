"""Runtime enum drift: warn once per (enum, value) when a response carries an unknown value.

The generated enums record every unknown value they parse in
``cortex_api_client.types.UNKNOWN_ENUM_VALUES``; after each page the client reports
what is new there, so no model is walked and a page with no drift costs one ``len``.
"""

from __future__ import annotations

import logging
import threading
import warnings

from cortex_api_client.types import UNKNOWN_ENUM_VALUES

from ._errors import UnknownEnumValueWarning

logger = logging.getLogger("cortex_wrapper")

_reported: set[tuple[str, object]] = set()
_lock = threading.Lock()


def report_unknown_enums(context: str) -> None:
    """Warn (``UnknownEnumValueWarning``) and log each unknown enum value parsed since the last report, once."""
    if len(UNKNOWN_ENUM_VALUES) == len(_reported):
        return
    with _lock:
        new = UNKNOWN_ENUM_VALUES - _reported
        _reported.update(new)
    for enum_name, value in sorted(new, key=repr):
        text = (
            f"{context}: a response carried {value!r} for {enum_name}, which no vendored Cortex doc version "
            "lists; kept as an unknown member"
        )
        logger.warning(text)
        warnings.warn(text, UnknownEnumValueWarning, stacklevel=2)


def reset_seen() -> None:
    """Forget which unknown values were seen and reported (for tests)."""
    with _lock:
        UNKNOWN_ENUM_VALUES.clear()
        _reported.clear()
