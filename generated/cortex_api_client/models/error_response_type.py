from enum import StrEnum
from typing import Any

from ..types import UNKNOWN_ENUM_VALUES


class ErrorResponseType(StrEnum):
    """ErrorResponseType: a string enum that tolerates values it does not list.

    A value outside the listed members parses to an instance of this class
    with ``is_unknown`` true; it equals, and serialises back to, the raw value.
    """

    BAD_REQUEST = "BAD_REQUEST"
    CONFLICT = "CONFLICT"
    FORBIDDEN = "FORBIDDEN"
    ILLEGAL_ARGUMENT_ERROR = "ILLEGAL_ARGUMENT_ERROR"
    INTEGRATION_BAD_GATEWAY = "INTEGRATION_BAD_GATEWAY"
    INTEGRATION_BAD_REQUEST = "INTEGRATION_BAD_REQUEST"
    INTEGRATION_CACHE_ERROR = "INTEGRATION_CACHE_ERROR"
    INTEGRATION_FORBIDDEN = "INTEGRATION_FORBIDDEN"
    INTEGRATION_GATEWAY_TIMEOUT = "INTEGRATION_GATEWAY_TIMEOUT"
    INTEGRATION_GRAPHQL_ERROR = "INTEGRATION_GRAPHQL_ERROR"
    INTEGRATION_INTERNAL_ERROR = "INTEGRATION_INTERNAL_ERROR"
    INTEGRATION_MISSING = "INTEGRATION_MISSING"
    INTEGRATION_NOT_FOUND = "INTEGRATION_NOT_FOUND"
    INTEGRATION_NOT_IMPLEMENTED = "INTEGRATION_NOT_IMPLEMENTED"
    INTEGRATION_RATE_LIMITED = "INTEGRATION_RATE_LIMITED"
    INTEGRATION_TIMED_OUT = "INTEGRATION_TIMED_OUT"
    INTEGRATION_UNAUTHORIZED = "INTEGRATION_UNAUTHORIZED"
    INTEGRATION_UNAVAILABLE = "INTEGRATION_UNAVAILABLE"
    INTEGRATION_UNEXPECTED_ERROR = "INTEGRATION_UNEXPECTED_ERROR"
    INTEGRATION_UNHANDLED_EXCEPTION = "INTEGRATION_UNHANDLED_EXCEPTION"
    INTEGRATION_UNHANDLED_HTTP_ERROR = "INTEGRATION_UNHANDLED_HTTP_ERROR"
    INTEGRATION_UNPROCESSABLE_CONTENT = "INTEGRATION_UNPROCESSABLE_CONTENT"
    INTEGRATION_UNREGISTERED = "INTEGRATION_UNREGISTERED"
    INTEGRATION_UNSUPPORTED = "INTEGRATION_UNSUPPORTED"
    NOT_FOUND = "NOT_FOUND"
    REQUEST_TIMEOUT = "REQUEST_TIMEOUT"
    SERVICE_CREATOR = "SERVICE_CREATOR"
    TOO_MANY_REQUESTS = "TOO_MANY_REQUESTS"
    UNCATEGORIZED = "UNCATEGORIZED"
    UNHANDLED_EXCEPTION = "UNHANDLED_EXCEPTION"
    UNKNOWN_HOST = "UNKNOWN_HOST"

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
    def parse(cls, value: Any) -> "ErrorResponseType":
        """The member for ``value`` (a dict look-up), else an unknown member keeping it."""
        member = cls._value2member_map_.get(value)
        if isinstance(member, cls):
            return member
        return cls(value)

    @property
    def is_unknown(self) -> bool:
        """True when the value is not one this enum lists (drift since generation)."""
        return type(self).__members__.get(self._name_) is not self
