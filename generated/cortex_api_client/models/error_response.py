from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, BinaryIO, Generator, TextIO, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.error_response_type import ErrorResponseType
from ..types import UNSET, Unset, parse_datetime

T = TypeVar("T", bound="ErrorResponse")


@_attrs_define
class ErrorResponse:
    """
    Attributes:
        message (str):
        type_ (ErrorResponseType):
        details (str | Unset):
        gateway_http_status (int | Unset):
        http_status (int | Unset):
        request_id (str | Unset):
    """

    message: str
    type_: ErrorResponseType
    details: str | Unset = UNSET
    gateway_http_status: int | Unset = UNSET
    http_status: int | Unset = UNSET
    request_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        message = self.message

        type_ = self.type_.value

        details = self.details

        gateway_http_status = self.gateway_http_status

        http_status = self.http_status

        request_id = self.request_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "message": message,
                "type": type_,
            }
        )
        if details is not UNSET:
            field_dict["details"] = details
        if gateway_http_status is not UNSET:
            field_dict["gatewayHttpStatus"] = gateway_http_status
        if http_status is not UNSET:
            field_dict["httpStatus"] = http_status
        if request_id is not UNSET:
            field_dict["requestId"] = request_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        message = d.pop("message")

        type_ = ErrorResponseType.parse(d.pop("type"))

        details = d.pop("details", UNSET)

        gateway_http_status = d.pop("gatewayHttpStatus", UNSET)

        http_status = d.pop("httpStatus", UNSET)

        request_id = d.pop("requestId", UNSET)

        error_response = cls(
            message=message,
            type_=type_,
            details=details,
            gateway_http_status=gateway_http_status,
            http_status=http_status,
            request_id=request_id,
        )

        error_response.additional_properties = d
        return error_response

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
