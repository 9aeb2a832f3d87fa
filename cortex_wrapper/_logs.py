"""``CORTEX_LOG=debug|info``: the library's logging to stderr without code (as ``OPENAI_LOG`` does)."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

from ._defaults import LOG_ENV_VAR

_FORMAT = "[%(asctime)s %(levelname)s %(name)s] %(message)s"

# A library's logger stays silent unless the application (or CORTEX_LOG) configures logging: without a
# handler of its own, Python's last-resort handler would print every warning to stderr.
logging.getLogger("cortex_wrapper").addHandler(logging.NullHandler())


def setup_from_environment(environ: Mapping[str, str] = os.environ) -> None:
    """Send ``cortex_wrapper`` (and, at debug, ``httpx``) log records to stderr when ``CORTEX_LOG`` asks; once."""
    level = {"debug": logging.DEBUG, "info": logging.INFO}.get(environ.get(LOG_ENV_VAR, "").strip().lower())
    if level is None:
        return
    for name in ("cortex_wrapper", "httpx") if level == logging.DEBUG else ("cortex_wrapper",):
        logger = logging.getLogger(name)
        if not any(getattr(handler, "cortex_log", False) for handler in logger.handlers):
            handler = logging.StreamHandler()
            handler.setFormatter(logging.Formatter(_FORMAT))
            handler.cortex_log = True  # type: ignore[attr-defined]
            logger.addHandler(handler)
        logger.setLevel(level if name == "cortex_wrapper" else logging.INFO)
