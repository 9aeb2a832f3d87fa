from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, BinaryIO, Generator, TextIO, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.medium import Medium
from ..models.notification_run_failed_reason import NotificationRunFailedReason
from ..models.notification_run_ignored_reason import NotificationRunIgnoredReason
from ..models.notification_run_status import NotificationRunStatus
from ..models.notification_type import NotificationType
from ..types import UNSET, Unset, parse_datetime

if TYPE_CHECKING:
    from ..models.notification_object import NotificationObject


T = TypeVar("T", bound="NotificationRun")


@_attrs_define
class NotificationRun:
    """
    Attributes:
        delivered_count (int): The number of notifications that were delivered during this run.
        id (int): The unique identifier of the notification run. Example: 1.
        medium (Medium):
        notification_type (NotificationType):
        seq_no (int): The order of the run in the sequence of re-runs. 0 if it's the original run.
        status (NotificationRunStatus):
        summary (str): The summary of the notification run.
        date_created (datetime.datetime | Unset): The date and time that this notification run was created.
        date_updated (datetime.datetime | Unset): The date and time that this notification run was updated.
        error_message (str | Unset): An additional error message.
        failed_reason (NotificationRunFailedReason | Unset):
        ignored_reason (NotificationRunIgnoredReason | Unset):
        notification_objects (list[NotificationObject] | Unset): The objects (Entities, Scorecards and Initiatives)
            associated with this run.
        original_run_id (int | Unset): The unique identifier of the original run that this run was re-run from.
    """

    delivered_count: int
    id: int
    medium: Medium
    notification_type: NotificationType
    seq_no: int
    status: NotificationRunStatus
    summary: str
    date_created: datetime.datetime | Unset = UNSET
    date_updated: datetime.datetime | Unset = UNSET
    error_message: str | Unset = UNSET
    failed_reason: NotificationRunFailedReason | Unset = UNSET
    ignored_reason: NotificationRunIgnoredReason | Unset = UNSET
    notification_objects: list[NotificationObject] | Unset = UNSET
    original_run_id: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.notification_object import NotificationObject  # noqa: PLC0415

        delivered_count = self.delivered_count

        id = self.id

        medium = self.medium.value

        notification_type = self.notification_type.value

        seq_no = self.seq_no

        status = self.status.value

        summary = self.summary

        date_created: str | Unset = UNSET
        if not isinstance(self.date_created, Unset):
            date_created = self.date_created.isoformat()

        date_updated: str | Unset = UNSET
        if not isinstance(self.date_updated, Unset):
            date_updated = self.date_updated.isoformat()

        error_message = self.error_message

        failed_reason: str | Unset = UNSET
        if not isinstance(self.failed_reason, Unset):
            failed_reason = self.failed_reason.value

        ignored_reason: str | Unset = UNSET
        if not isinstance(self.ignored_reason, Unset):
            ignored_reason = self.ignored_reason.value

        notification_objects: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.notification_objects, Unset):
            notification_objects = []
            for notification_objects_item_data in self.notification_objects:
                notification_objects_item = notification_objects_item_data.to_dict()
                notification_objects.append(notification_objects_item)

        original_run_id = self.original_run_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "deliveredCount": delivered_count,
                "id": id,
                "medium": medium,
                "notificationType": notification_type,
                "seqNo": seq_no,
                "status": status,
                "summary": summary,
            }
        )
        if date_created is not UNSET:
            field_dict["dateCreated"] = date_created
        if date_updated is not UNSET:
            field_dict["dateUpdated"] = date_updated
        if error_message is not UNSET:
            field_dict["errorMessage"] = error_message
        if failed_reason is not UNSET:
            field_dict["failedReason"] = failed_reason
        if ignored_reason is not UNSET:
            field_dict["ignoredReason"] = ignored_reason
        if notification_objects is not UNSET:
            field_dict["notificationObjects"] = notification_objects
        if original_run_id is not UNSET:
            field_dict["originalRunId"] = original_run_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.notification_object import NotificationObject  # noqa: PLC0415

        d = dict(src_dict)
        delivered_count = d.pop("deliveredCount")

        id = d.pop("id")

        medium = Medium.parse(d.pop("medium"))

        notification_type = NotificationType.parse(d.pop("notificationType"))

        seq_no = d.pop("seqNo")

        status = NotificationRunStatus.parse(d.pop("status"))

        summary = d.pop("summary")

        _date_created = d.pop("dateCreated", UNSET)
        date_created: datetime.datetime | Unset
        if isinstance(_date_created, Unset):
            date_created = UNSET
        else:
            date_created = parse_datetime(_date_created)

        _date_updated = d.pop("dateUpdated", UNSET)
        date_updated: datetime.datetime | Unset
        if isinstance(_date_updated, Unset):
            date_updated = UNSET
        else:
            date_updated = parse_datetime(_date_updated)

        error_message = d.pop("errorMessage", UNSET)

        _failed_reason = d.pop("failedReason", UNSET)
        failed_reason: NotificationRunFailedReason | Unset
        if isinstance(_failed_reason, Unset):
            failed_reason = UNSET
        else:
            failed_reason = NotificationRunFailedReason.parse(_failed_reason)

        _ignored_reason = d.pop("ignoredReason", UNSET)
        ignored_reason: NotificationRunIgnoredReason | Unset
        if isinstance(_ignored_reason, Unset):
            ignored_reason = UNSET
        else:
            ignored_reason = NotificationRunIgnoredReason.parse(_ignored_reason)

        _notification_objects = d.pop("notificationObjects", UNSET)
        notification_objects: list[NotificationObject] | Unset = UNSET
        if _notification_objects is not UNSET:
            notification_objects = []
            for notification_objects_item_data in _notification_objects:
                notification_objects_item = NotificationObject.from_dict(
                    notification_objects_item_data
                )

                notification_objects.append(notification_objects_item)

        original_run_id = d.pop("originalRunId", UNSET)

        notification_run = cls(
            delivered_count=delivered_count,
            id=id,
            medium=medium,
            notification_type=notification_type,
            seq_no=seq_no,
            status=status,
            summary=summary,
            date_created=date_created,
            date_updated=date_updated,
            error_message=error_message,
            failed_reason=failed_reason,
            ignored_reason=ignored_reason,
            notification_objects=notification_objects,
            original_run_id=original_run_id,
        )

        notification_run.additional_properties = d
        return notification_run

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
