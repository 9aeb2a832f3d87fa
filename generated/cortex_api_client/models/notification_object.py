from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, BinaryIO, Generator, TextIO, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.notification_object_type import NotificationObjectType
from ..types import UNSET, Unset, parse_datetime

T = TypeVar("T", bound="NotificationObject")


@_attrs_define
class NotificationObject:
    """The objects (Entities, Scorecards and Initiatives) associated with this run.

    Attributes:
        id (int): The unique internal identifier of the notification object.
        name (str): The name of the notification object.
        type_ (NotificationObjectType):
        cid (str | Unset): Unique, immutable, 18-character auto-generated identifier. Applicable only for entities.
            Example: en2da8159dbeefb974.
        tag (str | Unset): Unique identifier, found in the UI. Applicable for entities and scorecards. Example:
            production-readiness-scorecard.
        url (str | Unset): The URL of the notification object's home page in Cortex.
    """

    id: int
    name: str
    type_: NotificationObjectType
    cid: str | Unset = UNSET
    tag: str | Unset = UNSET
    url: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        type_ = self.type_.value

        cid = self.cid

        tag = self.tag

        url = self.url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "type": type_,
            }
        )
        if cid is not UNSET:
            field_dict["cid"] = cid
        if tag is not UNSET:
            field_dict["tag"] = tag
        if url is not UNSET:
            field_dict["url"] = url

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        type_ = NotificationObjectType.parse(d.pop("type"))

        cid = d.pop("cid", UNSET)

        tag = d.pop("tag", UNSET)

        url = d.pop("url", UNSET)

        notification_object = cls(
            id=id,
            name=name,
            type_=type_,
            cid=cid,
            tag=tag,
            url=url,
        )

        notification_object.additional_properties = d
        return notification_object

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
