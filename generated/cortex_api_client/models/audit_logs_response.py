from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, BinaryIO, Generator, TextIO, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, parse_datetime

if TYPE_CHECKING:
    from ..models.audit_log_response import AuditLogResponse


T = TypeVar("T", bound="AuditLogsResponse")


@_attrs_define
class AuditLogsResponse:
    """
    Attributes:
        logs (list[AuditLogResponse]):
        page (int): Current page number, 0-indexed
        total (int): Total number of results
        total_pages (int): Total number of pages
    """

    logs: list[AuditLogResponse]
    page: int
    total: int
    total_pages: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.audit_log_response import AuditLogResponse  # noqa: PLC0415

        logs = []
        for logs_item_data in self.logs:
            logs_item = logs_item_data.to_dict()
            logs.append(logs_item)

        page = self.page

        total = self.total

        total_pages = self.total_pages

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "logs": logs,
                "page": page,
                "total": total,
                "totalPages": total_pages,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audit_log_response import AuditLogResponse  # noqa: PLC0415

        d = dict(src_dict)
        logs = []
        _logs = d.pop("logs")
        for logs_item_data in _logs:
            logs_item = AuditLogResponse.from_dict(logs_item_data)

            logs.append(logs_item)

        page = d.pop("page")

        total = d.pop("total")

        total_pages = d.pop("totalPages")

        audit_logs_response = cls(
            logs=logs,
            page=page,
            total=total,
            total_pages=total_pages,
        )

        audit_logs_response.additional_properties = d
        return audit_logs_response

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
