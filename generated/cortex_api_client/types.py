"""Contains some shared types for properties"""

import datetime
import threading
from typing import Literal


class Unset:
    """The type of ``UNSET``: a field the response did not carry (falsy; shown as ``UNSET``)."""

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Unset = Unset()


def parse_datetime(value: str) -> datetime.datetime:
    """An ISO-8601 timestamp as an aware datetime; one without an offset is UTC, as the docs' examples are.

    The one parser of wire timestamps: the models use it, and so does everything built on them.
    """
    moment = datetime.datetime.fromisoformat(value)
    return (
        moment
        if moment.tzinfo is not None
        else moment.replace(tzinfo=datetime.timezone.utc)
    )


class UnknownEnumValues:
    """The enum values parsed since import that their enum does not list, bounded in memory.

    Per enum class it keeps the first ``limit`` distinct values (each cut to ``max_chars``) and counts
    the rest in ``overflow``, so a field that drifts into free text costs a fixed amount of memory.
    ``changes`` grows whenever something is recorded: a consumer compares it with the last value it saw
    to notice news without walking any model.
    """

    def __init__(self, limit: int = 64, max_chars: int = 200) -> None:
        self.limit = limit
        self.max_chars = max_chars
        self.changes = 0
        self._values: dict[str, dict[object, None]] = {}
        self._overflow: dict[str, int] = {}
        self._lock = threading.Lock()

    def add(self, enum_name: str, value: object) -> None:
        """Record one unknown ``value`` of ``enum_name``."""
        if isinstance(value, str) and len(value) > self.max_chars:
            value = value[: self.max_chars] + "..."
        with self._lock:
            seen = self._values.setdefault(enum_name, {})
            if value in seen:
                return
            if len(seen) < self.limit:
                seen[value] = None
            else:
                self._overflow[enum_name] = self._overflow.get(enum_name, 0) + 1
            self.changes += 1

    def values(self, enum_name: str) -> tuple[object, ...]:
        """The unknown values kept for ``enum_name``, in the order first seen."""
        with self._lock:
            return tuple(self._values.get(enum_name, ()))

    def snapshot(self) -> tuple[dict[str, tuple[object, ...]], dict[str, int]]:
        """Every enum's kept values, and how many further distinct values each saw beyond ``limit``."""
        with self._lock:
            return {name: tuple(values) for name, values in self._values.items()}, dict(
                self._overflow
            )

    def __len__(self) -> int:
        with self._lock:
            return sum(len(values) for values in self._values.values())

    def clear(self) -> None:
        """Forget everything (for tests)."""
        with self._lock:
            self._values.clear()
            self._overflow.clear()
            self.changes += 1


UNKNOWN_ENUM_VALUES = UnknownEnumValues()
"""Every unknown enum value parsed since import, bounded (filled by the custom enum templates)."""


__all__ = [
    "UNKNOWN_ENUM_VALUES",
    "UNSET",
    "UnknownEnumValues",
    "Unset",
    "parse_datetime",
]
