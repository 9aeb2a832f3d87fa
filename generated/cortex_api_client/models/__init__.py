"""Contains all the data models used in inputs/outputs.

Each model is imported on first use (PEP 562), so importing the package costs only what is used;
type checkers see every name through the ``TYPE_CHECKING`` imports.
"""

from __future__ import annotations

import importlib
import warnings
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._aliases import *  # noqa: F403 - the deprecated names, for type checkers
    from .actor_request_type import ActorRequestType
    from .actor_type import ActorType
    from .audit_action import AuditAction
    from .audit_log_response import AuditLogResponse
    from .git_ops_log_entity_change import GitOpsLogEntityChange
    from .git_ops_log_file_error_response import GitOpsLogFileErrorResponse
    from .git_ops_log_file_response import GitOpsLogFileResponse
    from .git_ops_log_repository_response import GitOpsLogRepositoryResponse
    from .git_ops_log_repository_response_provider import (
        GitOpsLogRepositoryResponseProvider,
    )
    from .git_ops_log_response import GitOpsLogResponse
    from .git_ops_log_scorecard_change import GitOpsLogScorecardChange
    from .git_ops_log_workflow_change import GitOpsLogWorkflowChange
    from .git_ops_operation import GitOpsOperation
    from .medium import Medium
    from .notification_failed_reason import NotificationFailedReason
    from .notification_ignored_reason import NotificationIgnoredReason
    from .notification_log import NotificationLog
    from .notification_object import NotificationObject
    from .notification_object_type import NotificationObjectType
    from .notification_run import NotificationRun
    from .notification_run_failed_reason import NotificationRunFailedReason
    from .notification_run_ignored_reason import NotificationRunIgnoredReason
    from .notification_run_status import NotificationRunStatus
    from .notification_status import NotificationStatus
    from .notification_type import NotificationType
    from .order_by import OrderBy
    from .recipient_type import RecipientType

_MODULES = {
    "ActorRequestType": ".actor_request_type",
    "ActorType": ".actor_type",
    "AuditAction": ".audit_action",
    "AuditLogResponse": ".audit_log_response",
    "GitOpsLogEntityChange": ".git_ops_log_entity_change",
    "GitOpsLogFileErrorResponse": ".git_ops_log_file_error_response",
    "GitOpsLogFileResponse": ".git_ops_log_file_response",
    "GitOpsLogRepositoryResponse": ".git_ops_log_repository_response",
    "GitOpsLogRepositoryResponseProvider": ".git_ops_log_repository_response_provider",
    "GitOpsLogResponse": ".git_ops_log_response",
    "GitOpsLogScorecardChange": ".git_ops_log_scorecard_change",
    "GitOpsLogWorkflowChange": ".git_ops_log_workflow_change",
    "GitOpsOperation": ".git_ops_operation",
    "Medium": ".medium",
    "NotificationFailedReason": ".notification_failed_reason",
    "NotificationIgnoredReason": ".notification_ignored_reason",
    "NotificationLog": ".notification_log",
    "NotificationObject": ".notification_object",
    "NotificationObjectType": ".notification_object_type",
    "NotificationRun": ".notification_run",
    "NotificationRunFailedReason": ".notification_run_failed_reason",
    "NotificationRunIgnoredReason": ".notification_run_ignored_reason",
    "NotificationRunStatus": ".notification_run_status",
    "NotificationStatus": ".notification_status",
    "NotificationType": ".notification_type",
    "OrderBy": ".order_by",
    "RecipientType": ".recipient_type",
}


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        from ._aliases import ALIASES

        if name in ALIASES:
            warnings.warn(
                f"cortex_api_client.models.{name} is deprecated: use {ALIASES[name]}, the one class of that concept",
                DeprecationWarning,
                stacklevel=2,
            )
            return __getattr__(ALIASES[name])
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_MODULES))


__all__ = (
    "ActorRequestType",
    "ActorType",
    "AuditAction",
    "AuditLogResponse",
    "GitOpsLogEntityChange",
    "GitOpsLogFileErrorResponse",
    "GitOpsLogFileResponse",
    "GitOpsLogRepositoryResponse",
    "GitOpsLogRepositoryResponseProvider",
    "GitOpsLogResponse",
    "GitOpsLogScorecardChange",
    "GitOpsLogWorkflowChange",
    "GitOpsOperation",
    "Medium",
    "NotificationFailedReason",
    "NotificationIgnoredReason",
    "NotificationLog",
    "NotificationObject",
    "NotificationObjectType",
    "NotificationRun",
    "NotificationRunFailedReason",
    "NotificationRunIgnoredReason",
    "NotificationRunStatus",
    "NotificationStatus",
    "NotificationType",
    "OrderBy",
    "RecipientType",
)
