"""The progress line on stderr, and the console handler for the ``cortex_wrapper`` logger.

The line shows records so far / total (known after the first page), records per second, and
rate-limit or retry waits, which it learns from the client's ``on_event`` hook (``Retrying`` and
``RateLimitPause`` events), never from log text. It is drawn only when stderr is a terminal,
without ``--quiet``, and not while the records themselves go to that terminal.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import TextIO

from .._events import Event, RateLimitPause, Retrying

_CLEAR = "\r\x1b[K"
MIN_SECRET_LENGTH = 6  # shorter "tokens" would redact ordinary words; the API refuses them anyway


def _seconds(wait: float) -> str:
    return f"{wait:.0f}s" if wait >= 1 or wait == 0 else f"{wait:.1f}s"


def _why(reason: str) -> str:
    if reason.startswith("429"):
        return "rate limited"
    return reason


class Progress:
    """A single self-overwriting status line; a no-op unless ``enabled`` (stderr is a TTY and not --quiet)."""

    def __init__(self, stream: TextIO, enabled: bool, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.enabled = enabled
        self._clock = clock
        self._lock = threading.Lock()
        self._label = ""
        self._done = 0
        self._total: int | None = None
        self._started = clock()
        self._waiting = ""
        self._shown = False
        self._last_draw = float("-inf")
        self._ended = False

    def start(self, label: str) -> None:
        """Start counting records of ``label`` (e.g. ``audit log entries``)."""
        with self._lock:
            self._label, self._done, self._total, self._waiting = label, 0, None, ""
            self._started = self._clock()
            self._draw(force=True)

    def advance(self, records: int, total: int | None = None) -> None:
        """``records`` more arrived; ``total`` is the server's count for the whole query."""
        with self._lock:
            self._done += records
            if total is not None:
                self._total = total
            self._waiting = ""
            self._draw(force=False)

    def waiting(self, seconds: float, reason: str) -> None:
        """Show a wait before a retry (``waiting 5s (rate limited)``)."""
        with self._lock:
            self._waiting = f"waiting {_seconds(seconds)} ({_why(reason)})"
            self._draw(force=True)

    def on_event(self, event: Event) -> None:
        """The client's hook: show retry and rate-limit waits (pages are counted by the export loop)."""
        if isinstance(event, Retrying):
            self.waiting(event.wait, event.reason)
        elif isinstance(event, RateLimitPause):
            self.waiting(event.seconds, "rate limited")

    def end(self) -> None:
        """The command has said how it ended: print nothing more (a page fetch still in flight may log a retry)."""
        with self._lock:
            self._ended = True

    def note(self, line: str) -> None:
        """Print ``line`` on its own (a warning), keeping the progress line below it; nothing once ``end()`` ran."""
        with self._lock:
            if self._ended:
                return
            if self._shown:
                self.stream.write(_CLEAR)
            self.stream.write(line + "\n")
            self._shown = False
            self._draw(force=True)

    def finish(self) -> None:
        """Replace the line with a final count, on its own line."""
        with self._lock:
            if self.enabled and self._label:
                self.stream.write(_CLEAR + self._text(final=True) + "\n")
                self.stream.flush()
            self._shown = False
            self._label = ""

    def clear(self) -> None:
        """Erase the line (before an error message)."""
        with self._lock:
            if self._shown:
                self.stream.write(_CLEAR)
                self.stream.flush()
            self._shown = False

    def _text(self, *, final: bool = False) -> str:
        elapsed = max(self._clock() - self._started, 1e-6)
        total = f"/{self._total:,}" if self._total is not None and not final else ""
        share = f" ({100 * self._done / self._total:.0f}%)" if self._total and not final else ""
        text = f"{self._label}: {self._done:,}{total} records{share}, {self._done / elapsed:,.0f} rec/s"
        if final:
            text += f", done in {elapsed:.1f}s"
        elif self._waiting:
            text += f", {self._waiting}"
        return text

    def _draw(self, *, force: bool) -> None:
        if not self.enabled or not self._label:
            return
        now = self._clock()
        if not force and now - self._last_draw < 0.1:
            return
        self._last_draw = now
        self.stream.write(_CLEAR + self._text())
        self.stream.flush()
        self._shown = True


class ConsoleHandler(logging.Handler):
    """Routes ``cortex_wrapper`` log records to the console: retry waits to the progress line, warnings as lines.

    Every message is redacted of ``secrets`` first. ``quiet`` drops warnings; ``debug`` shows everything.
    """

    def __init__(self, progress: Progress, *, quiet: bool, debug: bool, secrets: Iterable[str]) -> None:
        super().__init__(logging.DEBUG if debug else logging.WARNING)
        self.progress = progress
        self.quiet = quiet
        self.debug = debug
        self.secrets = tuple(s for s in secrets if len(s) >= MIN_SECRET_LENGTH)

    def redact(self, text: str) -> str:
        """``text`` with every secret replaced by ``***``."""
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text

    def emit(self, record: logging.LogRecord) -> None:
        """Show one log record, as the options say."""
        try:
            message = self.redact(record.getMessage())
            if getattr(record, "cortex_event", None) is not None and self.progress.enabled and not self.debug:
                return  # a retry: the progress line shows it, from the client's on_event hook
            if self.quiet and not self.debug:
                return
            level = "warning" if record.levelno >= logging.WARNING else "debug"
            origin = "" if record.name == "cortex_wrapper" else f"{record.name}: "
            self.progress.note(f"cortex-logs: {level}: {origin}{message}")
        except Exception:
            self.handleError(record)
