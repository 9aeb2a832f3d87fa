"""Contains all the data models used in inputs/outputs.

Each model is imported on first use (PEP 562), so importing the package costs only what is used;
type checkers see every name through the ``TYPE_CHECKING`` imports.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .audit_log_response import AuditLogResponse
    from .audit_log_response_action import AuditLogResponseAction
    from .get_audit_logs_actions_item import GetAuditLogsActionsItem
    from .get_audit_logs_actor_request_types_item import (
        GetAuditLogsActorRequestTypesItem,
    )
    from .get_audit_logs_actor_types_item import GetAuditLogsActorTypesItem
    from .list_notification_logs_failed_reasons_item import (
        ListNotificationLogsFailedReasonsItem,
    )
    from .list_notification_logs_ignored_reasons_item import (
        ListNotificationLogsIgnoredReasonsItem,
    )
    from .list_notification_logs_mediums_item import ListNotificationLogsMediumsItem
    from .list_notification_logs_notification_types_item import (
        ListNotificationLogsNotificationTypesItem,
    )
    from .list_notification_logs_order_by import ListNotificationLogsOrderBy
    from .list_notification_logs_recipient_types_item import (
        ListNotificationLogsRecipientTypesItem,
    )
    from .list_notification_logs_statuses_item import ListNotificationLogsStatusesItem
    from .list_notification_runs_failed_reasons_item import (
        ListNotificationRunsFailedReasonsItem,
    )
    from .list_notification_runs_ignored_reasons_item import (
        ListNotificationRunsIgnoredReasonsItem,
    )
    from .list_notification_runs_mediums_item import ListNotificationRunsMediumsItem
    from .list_notification_runs_notification_types_item import (
        ListNotificationRunsNotificationTypesItem,
    )
    from .list_notification_runs_order_by import ListNotificationRunsOrderBy
    from .list_notification_runs_statuses_item import ListNotificationRunsStatusesItem
    from .notification_log import NotificationLog
    from .notification_log_failed_reason import NotificationLogFailedReason
    from .notification_log_ignored_reason import NotificationLogIgnoredReason
    from .notification_log_medium import NotificationLogMedium
    from .notification_log_recipient_type import NotificationLogRecipientType
    from .notification_log_status import NotificationLogStatus
    from .notification_log_type import NotificationLogType
    from .notification_object import NotificationObject
    from .notification_object_type import NotificationObjectType
    from .notification_run import NotificationRun
    from .notification_run_failed_reason import NotificationRunFailedReason
    from .notification_run_ignored_reason import NotificationRunIgnoredReason
    from .notification_run_medium import NotificationRunMedium
    from .notification_run_notification_type import NotificationRunNotificationType
    from .notification_run_status import NotificationRunStatus

_MODULES = {
    "AuditLogResponse": ".audit_log_response",
    "AuditLogResponseAction": ".audit_log_response_action",
    "GetAuditLogsActionsItem": ".get_audit_logs_actions_item",
    "GetAuditLogsActorRequestTypesItem": ".get_audit_logs_actor_request_types_item",
    "GetAuditLogsActorTypesItem": ".get_audit_logs_actor_types_item",
    "ListNotificationLogsFailedReasonsItem": ".list_notification_logs_failed_reasons_item",
    "ListNotificationLogsIgnoredReasonsItem": ".list_notification_logs_ignored_reasons_item",
    "ListNotificationLogsMediumsItem": ".list_notification_logs_mediums_item",
    "ListNotificationLogsNotificationTypesItem": ".list_notification_logs_notification_types_item",
    "ListNotificationLogsOrderBy": ".list_notification_logs_order_by",
    "ListNotificationLogsRecipientTypesItem": ".list_notification_logs_recipient_types_item",
    "ListNotificationLogsStatusesItem": ".list_notification_logs_statuses_item",
    "ListNotificationRunsFailedReasonsItem": ".list_notification_runs_failed_reasons_item",
    "ListNotificationRunsIgnoredReasonsItem": ".list_notification_runs_ignored_reasons_item",
    "ListNotificationRunsMediumsItem": ".list_notification_runs_mediums_item",
    "ListNotificationRunsNotificationTypesItem": ".list_notification_runs_notification_types_item",
    "ListNotificationRunsOrderBy": ".list_notification_runs_order_by",
    "ListNotificationRunsStatusesItem": ".list_notification_runs_statuses_item",
    "NotificationLog": ".notification_log",
    "NotificationLogFailedReason": ".notification_log_failed_reason",
    "NotificationLogIgnoredReason": ".notification_log_ignored_reason",
    "NotificationLogMedium": ".notification_log_medium",
    "NotificationLogRecipientType": ".notification_log_recipient_type",
    "NotificationLogStatus": ".notification_log_status",
    "NotificationLogType": ".notification_log_type",
    "NotificationObject": ".notification_object",
    "NotificationObjectType": ".notification_object_type",
    "NotificationRun": ".notification_run",
    "NotificationRunFailedReason": ".notification_run_failed_reason",
    "NotificationRunIgnoredReason": ".notification_run_ignored_reason",
    "NotificationRunMedium": ".notification_run_medium",
    "NotificationRunNotificationType": ".notification_run_notification_type",
    "NotificationRunStatus": ".notification_run_status",
}


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_MODULES))


__all__ = (
    "AuditLogResponse",
    "AuditLogResponseAction",
    "GetAuditLogsActionsItem",
    "GetAuditLogsActorRequestTypesItem",
    "GetAuditLogsActorTypesItem",
    "ListNotificationLogsFailedReasonsItem",
    "ListNotificationLogsIgnoredReasonsItem",
    "ListNotificationLogsMediumsItem",
    "ListNotificationLogsNotificationTypesItem",
    "ListNotificationLogsOrderBy",
    "ListNotificationLogsRecipientTypesItem",
    "ListNotificationLogsStatusesItem",
    "ListNotificationRunsFailedReasonsItem",
    "ListNotificationRunsIgnoredReasonsItem",
    "ListNotificationRunsMediumsItem",
    "ListNotificationRunsNotificationTypesItem",
    "ListNotificationRunsOrderBy",
    "ListNotificationRunsStatusesItem",
    "NotificationLog",
    "NotificationLogFailedReason",
    "NotificationLogIgnoredReason",
    "NotificationLogMedium",
    "NotificationLogRecipientType",
    "NotificationLogStatus",
    "NotificationLogType",
    "NotificationObject",
    "NotificationObjectType",
    "NotificationRun",
    "NotificationRunFailedReason",
    "NotificationRunIgnoredReason",
    "NotificationRunMedium",
    "NotificationRunNotificationType",
    "NotificationRunStatus",
)
