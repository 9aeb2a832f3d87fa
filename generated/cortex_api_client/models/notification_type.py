from enum import StrEnum
from typing import Any

from ..types import UNKNOWN_ENUM_VALUES


class NotificationType(StrEnum):
    """NotificationType: a string enum that tolerates values it does not list.

    A value outside the listed members parses to an instance of this class
    with ``is_unknown`` true; it equals, and serialises back to, the raw value.
    """

    AI_ASSISTANT_WELCOME_MESSAGE = "AI_ASSISTANT_WELCOME_MESSAGE"
    BROKEN_OPEN_API_SPEC = "BROKEN_OPEN_API_SPEC"
    ENTITLEMENT_EXPIRATION = "ENTITLEMENT_EXPIRATION"
    ENTITY_SCORE_DROPPED = "ENTITY_SCORE_DROPPED"
    EXPORT_COMPLETED = "EXPORT_COMPLETED"
    INITIATIVE_CREATION = "INITIATIVE_CREATION"
    INITIATIVE_CUSTOM_SCHEDULE = "INITIATIVE_CUSTOM_SCHEDULE"
    INITIATIVE_N_DAYS_LEFT = "INITIATIVE_N_DAYS_LEFT"
    NOTIFY_INVALID_INTEGRATION = "NOTIFY_INVALID_INTEGRATION"
    ONBOARDING_MESSAGE = "ONBOARDING_MESSAGE"
    ONBOARDING_WIZARD_STATE_COMPLETED = "ONBOARDING_WIZARD_STATE_COMPLETED"
    ONCALL_ASSISTANT = "ONCALL_ASSISTANT"
    ONCALL_PERSON_CHANGED = "ONCALL_PERSON_CHANGED"
    ONCALL_STARTS_IN_N_DAYS = "ONCALL_STARTS_IN_N_DAYS"
    PENDING_RULE_EXEMPTION = "PENDING_RULE_EXEMPTION"
    SCHEDULED_SCORECARD_RULE_CREATION = "SCHEDULED_SCORECARD_RULE_CREATION"
    SCORECARD_RULE_ACTIVATES_IN_N_DAYS = "SCORECARD_RULE_ACTIVATES_IN_N_DAYS"
    SERVICE_REEVALUATED = "SERVICE_REEVALUATED"
    TEAM_MEMBER_INVITATION = "TEAM_MEMBER_INVITATION"
    TOKEN_EXPIRES_IN_N_DAYS = "TOKEN_EXPIRES_IN_N_DAYS"
    VERIFICATION_PERIOD_REMINDER = "VERIFICATION_PERIOD_REMINDER"
    VERIFICATION_PERIOD_STARTED = "VERIFICATION_PERIOD_STARTED"
    WEEKLY_REPORT = "WEEKLY_REPORT"
    WORKFLOW_APPROVAL_PENDING = "WORKFLOW_APPROVAL_PENDING"
    WORKFLOW_STATUS_UPDATE = "WORKFLOW_STATUS_UPDATE"

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
    def parse(cls, value: Any) -> "NotificationType":
        """The member for ``value`` (a dict look-up), else an unknown member keeping it."""
        member = cls._value2member_map_.get(value)
        if isinstance(member, cls):
            return member
        return cls(value)

    @property
    def is_unknown(self) -> bool:
        """True when the value is not one this enum lists (drift since generation)."""
        return type(self).__members__.get(self._name_) is not self
