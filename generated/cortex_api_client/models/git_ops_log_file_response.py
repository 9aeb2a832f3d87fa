from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, BinaryIO, Generator, TextIO, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, parse_datetime

if TYPE_CHECKING:
    from ..models.git_ops_log_entity_change import GitOpsLogEntityChange
    from ..models.git_ops_log_file_error_response import GitOpsLogFileErrorResponse
    from ..models.git_ops_log_scorecard_change import GitOpsLogScorecardChange
    from ..models.git_ops_log_workflow_change import GitOpsLogWorkflowChange


T = TypeVar("T", bound="GitOpsLogFileResponse")


@_attrs_define
class GitOpsLogFileResponse:
    """
    Attributes:
        file_name (str):
        is_package_file (bool):
        entity (GitOpsLogEntityChange | Unset):
        error (GitOpsLogFileErrorResponse | Unset):
        scorecard (GitOpsLogScorecardChange | Unset):
        workflow (GitOpsLogWorkflowChange | Unset):
    """

    file_name: str
    is_package_file: bool
    entity: GitOpsLogEntityChange | Unset = UNSET
    error: GitOpsLogFileErrorResponse | Unset = UNSET
    scorecard: GitOpsLogScorecardChange | Unset = UNSET
    workflow: GitOpsLogWorkflowChange | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.git_ops_log_entity_change import GitOpsLogEntityChange  # noqa: PLC0415
        from ..models.git_ops_log_file_error_response import GitOpsLogFileErrorResponse  # noqa: PLC0415
        from ..models.git_ops_log_scorecard_change import GitOpsLogScorecardChange  # noqa: PLC0415
        from ..models.git_ops_log_workflow_change import GitOpsLogWorkflowChange  # noqa: PLC0415

        file_name = self.file_name

        is_package_file = self.is_package_file

        entity: dict[str, Any] | Unset = UNSET
        if not isinstance(self.entity, Unset):
            entity = self.entity.to_dict()

        error: dict[str, Any] | Unset = UNSET
        if not isinstance(self.error, Unset):
            error = self.error.to_dict()

        scorecard: dict[str, Any] | Unset = UNSET
        if not isinstance(self.scorecard, Unset):
            scorecard = self.scorecard.to_dict()

        workflow: dict[str, Any] | Unset = UNSET
        if not isinstance(self.workflow, Unset):
            workflow = self.workflow.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "fileName": file_name,
                "isPackageFile": is_package_file,
            }
        )
        if entity is not UNSET:
            field_dict["entity"] = entity
        if error is not UNSET:
            field_dict["error"] = error
        if scorecard is not UNSET:
            field_dict["scorecard"] = scorecard
        if workflow is not UNSET:
            field_dict["workflow"] = workflow

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.git_ops_log_entity_change import GitOpsLogEntityChange  # noqa: PLC0415
        from ..models.git_ops_log_file_error_response import GitOpsLogFileErrorResponse  # noqa: PLC0415
        from ..models.git_ops_log_scorecard_change import GitOpsLogScorecardChange  # noqa: PLC0415
        from ..models.git_ops_log_workflow_change import GitOpsLogWorkflowChange  # noqa: PLC0415

        d = dict(src_dict)
        file_name = d.pop("fileName")

        is_package_file = d.pop("isPackageFile")

        _entity = d.pop("entity", UNSET)
        entity: GitOpsLogEntityChange | Unset
        if isinstance(_entity, Unset):
            entity = UNSET
        else:
            entity = GitOpsLogEntityChange.from_dict(_entity)

        _error = d.pop("error", UNSET)
        error: GitOpsLogFileErrorResponse | Unset
        if isinstance(_error, Unset):
            error = UNSET
        else:
            error = GitOpsLogFileErrorResponse.from_dict(_error)

        _scorecard = d.pop("scorecard", UNSET)
        scorecard: GitOpsLogScorecardChange | Unset
        if isinstance(_scorecard, Unset):
            scorecard = UNSET
        else:
            scorecard = GitOpsLogScorecardChange.from_dict(_scorecard)

        _workflow = d.pop("workflow", UNSET)
        workflow: GitOpsLogWorkflowChange | Unset
        if isinstance(_workflow, Unset):
            workflow = UNSET
        else:
            workflow = GitOpsLogWorkflowChange.from_dict(_workflow)

        git_ops_log_file_response = cls(
            file_name=file_name,
            is_package_file=is_package_file,
            entity=entity,
            error=error,
            scorecard=scorecard,
            workflow=workflow,
        )

        git_ops_log_file_response.additional_properties = d
        return git_ops_log_file_response

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
