"""One enum class per concept: which enum sites of the spec hold the same thing, and what to call it.

The docs declare each enum inline, so the generator would make one class per site: ``NotificationLogMedium``,
``NotificationRunMedium``, ``ListNotificationLogsMediumsItem`` and ``ListNotificationRunsMediumsItem`` for
the one concept of a medium. ``regenerate.py`` gives each concept below one component, holding the union of
its sites' values, and points every site at it; a site not listed keeps the generator's own name, so a new
enum needs no edit here. The reconciled spec keeps every site's own values: the drift judgement is per site.

The names of release 0.1.0 stay importable as deprecated aliases for one minor version (``LEGACY``).
"""

from __future__ import annotations

CONCEPTS: dict[str, tuple[str, ...]] = {
    "AuditAction": ("AuditLogResponse.action", "getAuditLogs.actions"),
    "ActorType": ("getAuditLogs.actorTypes",),
    "ActorRequestType": ("getAuditLogs.actorRequestTypes",),
    "Medium": ("NotificationLog.medium", "NotificationRun.medium", "listNotificationLogs.mediums",
               "listNotificationRuns.mediums"),
    "NotificationType": ("NotificationLog.type", "NotificationRun.notificationType",
                         "listNotificationLogs.notificationTypes", "listNotificationRuns.notificationTypes"),
    "NotificationStatus": ("NotificationLog.status", "listNotificationLogs.statuses"),
    "NotificationRunStatus": ("NotificationRun.status", "listNotificationRuns.statuses"),
    "RecipientType": ("NotificationLog.recipientType", "listNotificationLogs.recipientTypes"),
    "NotificationFailedReason": ("NotificationLog.failedReason", "listNotificationLogs.failedReasons"),
    "NotificationIgnoredReason": ("NotificationLog.ignoredReason", "listNotificationLogs.ignoredReasons"),
    "NotificationRunFailedReason": ("NotificationRun.failedReason", "listNotificationRuns.failedReasons"),
    "NotificationRunIgnoredReason": ("NotificationRun.ignoredReason", "listNotificationRuns.ignoredReasons"),
    "NotificationObjectType": ("NotificationObject.type",),
    "OrderBy": ("listNotificationLogs.orderBy", "listNotificationRuns.orderBy"),
    "GitOpsOperation": ("GitOpsLogEntityChange.operation", "GitOpsLogScorecardChange.operation",
                        "GitOpsLogWorkflowChange.operation", "listGitOpsLogs.operation"),
}
"""Concept name -> the enum sites (``Schema.field`` or ``operationId.parameter``) it names."""

LEGACY_RELEASE = "0.1.0"
"""The release whose per-site class names stay importable, deprecated, until 0.3.0 (the minor version after the one that deprecated them)."""


def concept_of(site: str) -> str | None:
    """The concept a site belongs to, if one is declared."""
    return next((name for name, sites in CONCEPTS.items() if site in sites), None)
