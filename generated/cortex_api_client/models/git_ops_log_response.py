from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, BinaryIO, Generator, TextIO, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, parse_datetime

if TYPE_CHECKING:
    from ..models.git_ops_log_file_response import GitOpsLogFileResponse
    from ..models.git_ops_log_repository_response import GitOpsLogRepositoryResponse


T = TypeVar("T", bound="GitOpsLogResponse")


@_attrs_define
class GitOpsLogResponse:
    """
    Attributes:
        commit (str):
        date_created (datetime.datetime):
        files (list[GitOpsLogFileResponse]):
        repository (GitOpsLogRepositoryResponse):
    """

    commit: str
    date_created: datetime.datetime
    files: list[GitOpsLogFileResponse]
    repository: GitOpsLogRepositoryResponse
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.git_ops_log_file_response import GitOpsLogFileResponse  # noqa: PLC0415
        from ..models.git_ops_log_repository_response import GitOpsLogRepositoryResponse  # noqa: PLC0415

        commit = self.commit

        date_created = self.date_created.isoformat()

        files = []
        for files_item_data in self.files:
            files_item = files_item_data.to_dict()
            files.append(files_item)

        repository = self.repository.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "commit": commit,
                "dateCreated": date_created,
                "files": files,
                "repository": repository,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.git_ops_log_file_response import GitOpsLogFileResponse  # noqa: PLC0415
        from ..models.git_ops_log_repository_response import GitOpsLogRepositoryResponse  # noqa: PLC0415

        d = dict(src_dict)
        commit = d.pop("commit")

        date_created = parse_datetime(d.pop("dateCreated"))

        files = []
        _files = d.pop("files")
        for files_item_data in _files:
            files_item = GitOpsLogFileResponse.from_dict(files_item_data)

            files.append(files_item)

        repository = GitOpsLogRepositoryResponse.from_dict(d.pop("repository"))

        git_ops_log_response = cls(
            commit=commit,
            date_created=date_created,
            files=files,
            repository=repository,
        )

        git_ops_log_response.additional_properties = d
        return git_ops_log_response

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
