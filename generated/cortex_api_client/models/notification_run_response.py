from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, BinaryIO, Generator, TextIO, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, parse_datetime

if TYPE_CHECKING:
    from ..models.notification_run import NotificationRun


T = TypeVar("T", bound="NotificationRunResponse")


@_attrs_define
class NotificationRunResponse:
    """
    Attributes:
        page (int): Current page number, 0-indexed
        runs (list[NotificationRun]):
        total (int): Total number of results
        total_pages (int): Total number of pages
    """

    page: int
    runs: list[NotificationRun]
    total: int
    total_pages: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.notification_run import NotificationRun  # noqa: PLC0415

        page = self.page

        runs = []
        for runs_item_data in self.runs:
            runs_item = runs_item_data.to_dict()
            runs.append(runs_item)

        total = self.total

        total_pages = self.total_pages

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "page": page,
                "runs": runs,
                "total": total,
                "totalPages": total_pages,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.notification_run import NotificationRun  # noqa: PLC0415

        d = dict(src_dict)
        page = d.pop("page")

        runs = []
        _runs = d.pop("runs")
        for runs_item_data in _runs:
            runs_item = NotificationRun.from_dict(runs_item_data)

            runs.append(runs_item)

        total = d.pop("total")

        total_pages = d.pop("totalPages")

        notification_run_response = cls(
            page=page,
            runs=runs,
            total=total,
            total_pages=total_pages,
        )

        notification_run_response.additional_properties = d
        return notification_run_response

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
