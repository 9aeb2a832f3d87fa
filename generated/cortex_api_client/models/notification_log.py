from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, BinaryIO, Generator, TextIO, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.medium import Medium
from ..models.notification_failed_reason import NotificationFailedReason
from ..models.notification_ignored_reason import NotificationIgnoredReason
from ..models.notification_status import NotificationStatus
from ..models.notification_type import NotificationType
from ..models.recipient_type import RecipientType
from ..types import UNSET, Unset, parse_datetime

T = TypeVar("T", bound="NotificationLog")


@_attrs_define
class NotificationLog:
    """
    Attributes:
        id (int): The unique identifier of the notification log.
        medium (Medium):
        recipient_type (RecipientType):
        run_id (int): The unique identifier of the notification run that this log is associated with.
        status (NotificationStatus):
        type_ (NotificationType):
        date_created (datetime.datetime | Unset): The date and time that this notification was created.
        date_delivered (datetime.datetime | Unset): The date and time that this notification was delivered.
        date_updated (datetime.datetime | Unset): The date and time that this notification was updated.
        error_message (str | Unset): An additional error message.
        failed_reason (NotificationFailedReason | Unset):
        ignored_reason (NotificationIgnoredReason | Unset):
        recipient_channel (str | Unset): The channel in Slack or MS Teams that this notification was sent to. Example:
            #general.
        recipient_email (str | Unset): The email address that this notification was sent to.
        recipient_entity_id (int | Unset): The unique identifier of the entity that this notification was sent to.
        recipient_user_id (int | Unset): The unique identifier of the Cortex user that this notification was sent to.
    """

    id: int
    medium: Medium
    recipient_type: RecipientType
    run_id: int
    status: NotificationStatus
    type_: NotificationType
    date_created: datetime.datetime | Unset = UNSET
    date_delivered: datetime.datetime | Unset = UNSET
    date_updated: datetime.datetime | Unset = UNSET
    error_message: str | Unset = UNSET
    failed_reason: NotificationFailedReason | Unset = UNSET
    ignored_reason: NotificationIgnoredReason | Unset = UNSET
    recipient_channel: str | Unset = UNSET
    recipient_email: str | Unset = UNSET
    recipient_entity_id: int | Unset = UNSET
    recipient_user_id: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        medium = self.medium.value

        recipient_type = self.recipient_type.value

        run_id = self.run_id

        status = self.status.value

        type_ = self.type_.value

        date_created: str | Unset = UNSET
        if not isinstance(self.date_created, Unset):
            date_created = self.date_created.isoformat()

        date_delivered: str | Unset = UNSET
        if not isinstance(self.date_delivered, Unset):
            date_delivered = self.date_delivered.isoformat()

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

        recipient_channel = self.recipient_channel

        recipient_email = self.recipient_email

        recipient_entity_id = self.recipient_entity_id

        recipient_user_id = self.recipient_user_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "medium": medium,
                "recipientType": recipient_type,
                "runId": run_id,
                "status": status,
                "type": type_,
            }
        )
        if date_created is not UNSET:
            field_dict["dateCreated"] = date_created
        if date_delivered is not UNSET:
            field_dict["dateDelivered"] = date_delivered
        if date_updated is not UNSET:
            field_dict["dateUpdated"] = date_updated
        if error_message is not UNSET:
            field_dict["errorMessage"] = error_message
        if failed_reason is not UNSET:
            field_dict["failedReason"] = failed_reason
        if ignored_reason is not UNSET:
            field_dict["ignoredReason"] = ignored_reason
        if recipient_channel is not UNSET:
            field_dict["recipientChannel"] = recipient_channel
        if recipient_email is not UNSET:
            field_dict["recipientEmail"] = recipient_email
        if recipient_entity_id is not UNSET:
            field_dict["recipientEntityId"] = recipient_entity_id
        if recipient_user_id is not UNSET:
            field_dict["recipientUserId"] = recipient_user_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        medium = Medium.parse(d.pop("medium"))

        recipient_type = RecipientType.parse(d.pop("recipientType"))

        run_id = d.pop("runId")

        status = NotificationStatus.parse(d.pop("status"))

        type_ = NotificationType.parse(d.pop("type"))

        _date_created = d.pop("dateCreated", UNSET)
        date_created: datetime.datetime | Unset
        if isinstance(_date_created, Unset):
            date_created = UNSET
        else:
            date_created = parse_datetime(_date_created)

        _date_delivered = d.pop("dateDelivered", UNSET)
        date_delivered: datetime.datetime | Unset
        if isinstance(_date_delivered, Unset):
            date_delivered = UNSET
        else:
            date_delivered = parse_datetime(_date_delivered)

        _date_updated = d.pop("dateUpdated", UNSET)
        date_updated: datetime.datetime | Unset
        if isinstance(_date_updated, Unset):
            date_updated = UNSET
        else:
            date_updated = parse_datetime(_date_updated)

        error_message = d.pop("errorMessage", UNSET)

        _failed_reason = d.pop("failedReason", UNSET)
        failed_reason: NotificationFailedReason | Unset
        if isinstance(_failed_reason, Unset):
            failed_reason = UNSET
        else:
            failed_reason = NotificationFailedReason.parse(_failed_reason)

        _ignored_reason = d.pop("ignoredReason", UNSET)
        ignored_reason: NotificationIgnoredReason | Unset
        if isinstance(_ignored_reason, Unset):
            ignored_reason = UNSET
        else:
            ignored_reason = NotificationIgnoredReason.parse(_ignored_reason)

        recipient_channel = d.pop("recipientChannel", UNSET)

        recipient_email = d.pop("recipientEmail", UNSET)

        recipient_entity_id = d.pop("recipientEntityId", UNSET)

        recipient_user_id = d.pop("recipientUserId", UNSET)

        notification_log = cls(
            id=id,
            medium=medium,
            recipient_type=recipient_type,
            run_id=run_id,
            status=status,
            type_=type_,
            date_created=date_created,
            date_delivered=date_delivered,
            date_updated=date_updated,
            error_message=error_message,
            failed_reason=failed_reason,
            ignored_reason=ignored_reason,
            recipient_channel=recipient_channel,
            recipient_email=recipient_email,
            recipient_entity_id=recipient_entity_id,
            recipient_user_id=recipient_user_id,
        )

        notification_log.additional_properties = d
        return notification_log

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
