from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, BinaryIO, Generator, TextIO, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.git_ops_operation import GitOpsOperation
from ..types import UNSET, Unset, parse_datetime

T = TypeVar("T", bound="GitOpsLogScorecardChange")


@_attrs_define
class GitOpsLogScorecardChange:
    """
    Attributes:
        name (str):
        operation (GitOpsOperation):
        tag (str):
    """

    name: str
    operation: GitOpsOperation
    tag: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        operation = self.operation.value

        tag = self.tag

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "operation": operation,
                "tag": tag,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        operation = GitOpsOperation.parse(d.pop("operation"))

        tag = d.pop("tag")

        git_ops_log_scorecard_change = cls(
            name=name,
            operation=operation,
            tag=tag,
        )

        git_ops_log_scorecard_change.additional_properties = d
        return git_ops_log_scorecard_change

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
