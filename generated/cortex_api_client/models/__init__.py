"""Contains all the data models used in inputs/outputs"""

from .audit_log_response import AuditLogResponse
from .audit_log_response_action import AuditLogResponseAction
from .get_audit_logs_actions_item import GetAuditLogsActionsItem
from .get_audit_logs_actor_request_types_item import GetAuditLogsActorRequestTypesItem
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
