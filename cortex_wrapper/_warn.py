"""Warnings that point at the caller's line, not into this package."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import cortex_api_client

_OURS = tuple(str(Path(p).resolve().parent) + "/" for p in (__file__, cortex_api_client.__file__))


def warn_at_caller(message: str | Warning, category: type[Warning] | None = None) -> None:
    """``warnings.warn`` with the stack level of the first frame outside ``cortex_wrapper`` and the models.

    ``message`` is a text (of ``category``) or a warning instance (its fields reach the handler).
    """
    frame = sys._getframe(1)
    level = 2  # stacklevel 1 is this function; 2 its caller, the first frame looked at
    while frame is not None and str(Path(frame.f_code.co_filename).resolve()).startswith(_OURS):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    warnings.warn(message, category, stacklevel=level)
