from enum import StrEnum
from typing import Any

from ..types import UNKNOWN_ENUM_VALUES


class GitOpsOperation(StrEnum):
    """GitOpsOperation: a string enum that tolerates values it does not list.

    A value outside the listed members parses to an instance of this class
    with ``is_unknown`` true; it equals, and serialises back to, the raw value.
    """

    ARCHIVED = "ARCHIVED"
    CREATED = "CREATED"
    NO_CHANGE = "NO_CHANGE"
    UPDATED = "UPDATED"

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        UNKNOWN_ENUM_VALUES.add(cls.__name__, value)
        return member

    @classmethod
    def parse(cls, value: Any) -> "GitOpsOperation":
        """The member for ``value`` (a dict look-up), else an unknown member keeping it."""
        member = cls._value2member_map_.get(value)
        if isinstance(member, cls):
            return member
        return cls(value)

    @property
    def is_unknown(self) -> bool:
        """True when the value is not one this enum lists (drift since generation)."""
        return type(self).__members__.get(self._name_) is not self
