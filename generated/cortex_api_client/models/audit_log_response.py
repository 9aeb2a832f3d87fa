from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, BinaryIO, Generator, TextIO, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.audit_action import AuditAction
from ..types import UNSET, Unset, parse_datetime

T = TypeVar("T", bound="AuditLogResponse")


@_attrs_define
class AuditLogResponse:
    """
    Attributes:
        action (AuditAction):
        object_identifier (str): Readable identifier of the object acted upon
        object_type (str): Type of object acted upon
        timestamp (datetime.datetime):
        actor_identifier (str | Unset): Readable identifier of the authenticated actor. This could an be OAuth user
            email, API key identifier, attributed webhook, etc.
        ip_address (str | Unset): IP address of the actor
    """

    action: AuditAction
    object_identifier: str
    object_type: str
    timestamp: datetime.datetime
    actor_identifier: str | Unset = UNSET
    ip_address: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        action = self.action.value

        object_identifier = self.object_identifier

        object_type = self.object_type

        timestamp = self.timestamp.isoformat()

        actor_identifier = self.actor_identifier

        ip_address = self.ip_address

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
                "objectIdentifier": object_identifier,
                "objectType": object_type,
                "timestamp": timestamp,
            }
        )
        if actor_identifier is not UNSET:
            field_dict["actorIdentifier"] = actor_identifier
        if ip_address is not UNSET:
            field_dict["ipAddress"] = ip_address

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        action = AuditAction.parse(d.pop("action"))

        object_identifier = d.pop("objectIdentifier")

        object_type = d.pop("objectType")

        timestamp = parse_datetime(d.pop("timestamp"))

        actor_identifier = d.pop("actorIdentifier", UNSET)

        ip_address = d.pop("ipAddress", UNSET)

        audit_log_response = cls(
            action=action,
            object_identifier=object_identifier,
            object_type=object_type,
            timestamp=timestamp,
            actor_identifier=actor_identifier,
            ip_address=ip_address,
        )

        audit_log_response.additional_properties = d
        return audit_log_response

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
