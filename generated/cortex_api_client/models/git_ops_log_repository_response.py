from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, BinaryIO, Generator, TextIO, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.git_ops_log_repository_response_provider import (
    GitOpsLogRepositoryResponseProvider,
)
from ..types import UNSET, Unset, parse_datetime

T = TypeVar("T", bound="GitOpsLogRepositoryResponse")


@_attrs_define
class GitOpsLogRepositoryResponse:
    """
    Attributes:
        provider (GitOpsLogRepositoryResponseProvider): Git provider (GitHub, GitLab, etc.)
        repository_name (str): Repository name as defined in your Git provider Example: cortexapps/catalog.
    """

    provider: GitOpsLogRepositoryResponseProvider
    repository_name: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        provider = self.provider.value

        repository_name = self.repository_name

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "provider": provider,
                "repositoryName": repository_name,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        provider = GitOpsLogRepositoryResponseProvider.parse(d.pop("provider"))

        repository_name = d.pop("repositoryName")

        git_ops_log_repository_response = cls(
            provider=provider,
            repository_name=repository_name,
        )

        git_ops_log_repository_response.additional_properties = d
        return git_ops_log_repository_response

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
