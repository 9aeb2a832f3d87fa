import datetime
from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.audit_logs_response import AuditLogsResponse
from ...models.error_response import ErrorResponse
from ...models.get_audit_logs_actions_item import GetAuditLogsActionsItem
from ...models.get_audit_logs_actor_request_types_item import (
    GetAuditLogsActorRequestTypesItem,
)
from ...models.get_audit_logs_actor_types_item import GetAuditLogsActorTypesItem
from ...models.too_many_requests_problem_detail import TooManyRequestsProblemDetail
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    start_time: datetime.datetime | Unset = UNSET,
    end_time: datetime.datetime | Unset = UNSET,
    page: int = 0,
    page_size: int = 250,
    actions: list[GetAuditLogsActionsItem] | Unset = UNSET,
    object_identifiers: list[str] | Unset = UNSET,
    object_types: list[str] | Unset = UNSET,
    actor_types: list[GetAuditLogsActorTypesItem] | Unset = UNSET,
    actor_api_key_identifiers: list[str] | Unset = UNSET,
    actor_emails: list[str] | Unset = UNSET,
    actor_ip_addresses: list[str] | Unset = UNSET,
    actor_request_types: list[GetAuditLogsActorRequestTypesItem] | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_start_time: str | Unset = UNSET
    if not isinstance(start_time, Unset):
        json_start_time = start_time.isoformat()
    params["startTime"] = json_start_time

    json_end_time: str | Unset = UNSET
    if not isinstance(end_time, Unset):
        json_end_time = end_time.isoformat()
    params["endTime"] = json_end_time

    params["page"] = page

    params["pageSize"] = page_size

    json_actions: list[str] | Unset = UNSET
    if not isinstance(actions, Unset):
        json_actions = []
        for actions_item_data in actions:
            actions_item = actions_item_data.value
            json_actions.append(actions_item)

    params["actions"] = json_actions

    json_object_identifiers: list[str] | Unset = UNSET
    if not isinstance(object_identifiers, Unset):
        json_object_identifiers = object_identifiers

    params["objectIdentifiers"] = json_object_identifiers

    json_object_types: list[str] | Unset = UNSET
    if not isinstance(object_types, Unset):
        json_object_types = object_types

    params["objectTypes"] = json_object_types

    json_actor_types: list[str] | Unset = UNSET
    if not isinstance(actor_types, Unset):
        json_actor_types = []
        for actor_types_item_data in actor_types:
            actor_types_item = actor_types_item_data.value
            json_actor_types.append(actor_types_item)

    params["actorTypes"] = json_actor_types

    json_actor_api_key_identifiers: list[str] | Unset = UNSET
    if not isinstance(actor_api_key_identifiers, Unset):
        json_actor_api_key_identifiers = actor_api_key_identifiers

    params["actorApiKeyIdentifiers"] = json_actor_api_key_identifiers

    json_actor_emails: list[str] | Unset = UNSET
    if not isinstance(actor_emails, Unset):
        json_actor_emails = actor_emails

    params["actorEmails"] = json_actor_emails

    json_actor_ip_addresses: list[str] | Unset = UNSET
    if not isinstance(actor_ip_addresses, Unset):
        json_actor_ip_addresses = actor_ip_addresses

    params["actorIpAddresses"] = json_actor_ip_addresses

    json_actor_request_types: list[str] | Unset = UNSET
    if not isinstance(actor_request_types, Unset):
        json_actor_request_types = []
        for actor_request_types_item_data in actor_request_types:
            actor_request_types_item = actor_request_types_item_data.value
            json_actor_request_types.append(actor_request_types_item)

    params["actorRequestTypes"] = json_actor_request_types

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/audit-logs",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AuditLogsResponse | ErrorResponse | TooManyRequestsProblemDetail | None:
    if response.status_code == 200:
        response_200 = AuditLogsResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorResponse.from_dict(response.json())

        return response_403

    if response.status_code == 429:
        response_429 = TooManyRequestsProblemDetail.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[AuditLogsResponse | ErrorResponse | TooManyRequestsProblemDetail]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    start_time: datetime.datetime | Unset = UNSET,
    end_time: datetime.datetime | Unset = UNSET,
    page: int = 0,
    page_size: int = 250,
    actions: list[GetAuditLogsActionsItem] | Unset = UNSET,
    object_identifiers: list[str] | Unset = UNSET,
    object_types: list[str] | Unset = UNSET,
    actor_types: list[GetAuditLogsActorTypesItem] | Unset = UNSET,
    actor_api_key_identifiers: list[str] | Unset = UNSET,
    actor_emails: list[str] | Unset = UNSET,
    actor_ip_addresses: list[str] | Unset = UNSET,
    actor_request_types: list[GetAuditLogsActorRequestTypesItem] | Unset = UNSET,
) -> Response[AuditLogsResponse | ErrorResponse | TooManyRequestsProblemDetail]:
    """Retrieve audit logs

     Note: To see the complete list of possible values, please reference the available filter options for
    [audit logs under Settings in the app](https://app.getcortexapp.com/admin/settings/audit-logs).  API
    key must have the `View audit logs` permission.

    Args:
        start_time (datetime.datetime | Unset):
        end_time (datetime.datetime | Unset):
        page (int):  Default: 0.
        page_size (int):  Default: 250.
        actions (list[GetAuditLogsActionsItem] | Unset):
        object_identifiers (list[str] | Unset):
        object_types (list[str] | Unset):
        actor_types (list[GetAuditLogsActorTypesItem] | Unset):
        actor_api_key_identifiers (list[str] | Unset):
        actor_emails (list[str] | Unset):
        actor_ip_addresses (list[str] | Unset):
        actor_request_types (list[GetAuditLogsActorRequestTypesItem] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditLogsResponse | ErrorResponse | TooManyRequestsProblemDetail]
    """

    kwargs = _get_kwargs(
        start_time=start_time,
        end_time=end_time,
        page=page,
        page_size=page_size,
        actions=actions,
        object_identifiers=object_identifiers,
        object_types=object_types,
        actor_types=actor_types,
        actor_api_key_identifiers=actor_api_key_identifiers,
        actor_emails=actor_emails,
        actor_ip_addresses=actor_ip_addresses,
        actor_request_types=actor_request_types,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    start_time: datetime.datetime | Unset = UNSET,
    end_time: datetime.datetime | Unset = UNSET,
    page: int = 0,
    page_size: int = 250,
    actions: list[GetAuditLogsActionsItem] | Unset = UNSET,
    object_identifiers: list[str] | Unset = UNSET,
    object_types: list[str] | Unset = UNSET,
    actor_types: list[GetAuditLogsActorTypesItem] | Unset = UNSET,
    actor_api_key_identifiers: list[str] | Unset = UNSET,
    actor_emails: list[str] | Unset = UNSET,
    actor_ip_addresses: list[str] | Unset = UNSET,
    actor_request_types: list[GetAuditLogsActorRequestTypesItem] | Unset = UNSET,
) -> AuditLogsResponse | ErrorResponse | TooManyRequestsProblemDetail | None:
    """Retrieve audit logs

     Note: To see the complete list of possible values, please reference the available filter options for
    [audit logs under Settings in the app](https://app.getcortexapp.com/admin/settings/audit-logs).  API
    key must have the `View audit logs` permission.

    Args:
        start_time (datetime.datetime | Unset):
        end_time (datetime.datetime | Unset):
        page (int):  Default: 0.
        page_size (int):  Default: 250.
        actions (list[GetAuditLogsActionsItem] | Unset):
        object_identifiers (list[str] | Unset):
        object_types (list[str] | Unset):
        actor_types (list[GetAuditLogsActorTypesItem] | Unset):
        actor_api_key_identifiers (list[str] | Unset):
        actor_emails (list[str] | Unset):
        actor_ip_addresses (list[str] | Unset):
        actor_request_types (list[GetAuditLogsActorRequestTypesItem] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditLogsResponse | ErrorResponse | TooManyRequestsProblemDetail
    """

    return sync_detailed(
        client=client,
        start_time=start_time,
        end_time=end_time,
        page=page,
        page_size=page_size,
        actions=actions,
        object_identifiers=object_identifiers,
        object_types=object_types,
        actor_types=actor_types,
        actor_api_key_identifiers=actor_api_key_identifiers,
        actor_emails=actor_emails,
        actor_ip_addresses=actor_ip_addresses,
        actor_request_types=actor_request_types,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    start_time: datetime.datetime | Unset = UNSET,
    end_time: datetime.datetime | Unset = UNSET,
    page: int = 0,
    page_size: int = 250,
    actions: list[GetAuditLogsActionsItem] | Unset = UNSET,
    object_identifiers: list[str] | Unset = UNSET,
    object_types: list[str] | Unset = UNSET,
    actor_types: list[GetAuditLogsActorTypesItem] | Unset = UNSET,
    actor_api_key_identifiers: list[str] | Unset = UNSET,
    actor_emails: list[str] | Unset = UNSET,
    actor_ip_addresses: list[str] | Unset = UNSET,
    actor_request_types: list[GetAuditLogsActorRequestTypesItem] | Unset = UNSET,
) -> Response[AuditLogsResponse | ErrorResponse | TooManyRequestsProblemDetail]:
    """Retrieve audit logs

     Note: To see the complete list of possible values, please reference the available filter options for
    [audit logs under Settings in the app](https://app.getcortexapp.com/admin/settings/audit-logs).  API
    key must have the `View audit logs` permission.

    Args:
        start_time (datetime.datetime | Unset):
        end_time (datetime.datetime | Unset):
        page (int):  Default: 0.
        page_size (int):  Default: 250.
        actions (list[GetAuditLogsActionsItem] | Unset):
        object_identifiers (list[str] | Unset):
        object_types (list[str] | Unset):
        actor_types (list[GetAuditLogsActorTypesItem] | Unset):
        actor_api_key_identifiers (list[str] | Unset):
        actor_emails (list[str] | Unset):
        actor_ip_addresses (list[str] | Unset):
        actor_request_types (list[GetAuditLogsActorRequestTypesItem] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditLogsResponse | ErrorResponse | TooManyRequestsProblemDetail]
    """

    kwargs = _get_kwargs(
        start_time=start_time,
        end_time=end_time,
        page=page,
        page_size=page_size,
        actions=actions,
        object_identifiers=object_identifiers,
        object_types=object_types,
        actor_types=actor_types,
        actor_api_key_identifiers=actor_api_key_identifiers,
        actor_emails=actor_emails,
        actor_ip_addresses=actor_ip_addresses,
        actor_request_types=actor_request_types,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    start_time: datetime.datetime | Unset = UNSET,
    end_time: datetime.datetime | Unset = UNSET,
    page: int = 0,
    page_size: int = 250,
    actions: list[GetAuditLogsActionsItem] | Unset = UNSET,
    object_identifiers: list[str] | Unset = UNSET,
    object_types: list[str] | Unset = UNSET,
    actor_types: list[GetAuditLogsActorTypesItem] | Unset = UNSET,
    actor_api_key_identifiers: list[str] | Unset = UNSET,
    actor_emails: list[str] | Unset = UNSET,
    actor_ip_addresses: list[str] | Unset = UNSET,
    actor_request_types: list[GetAuditLogsActorRequestTypesItem] | Unset = UNSET,
) -> AuditLogsResponse | ErrorResponse | TooManyRequestsProblemDetail | None:
    """Retrieve audit logs

     Note: To see the complete list of possible values, please reference the available filter options for
    [audit logs under Settings in the app](https://app.getcortexapp.com/admin/settings/audit-logs).  API
    key must have the `View audit logs` permission.

    Args:
        start_time (datetime.datetime | Unset):
        end_time (datetime.datetime | Unset):
        page (int):  Default: 0.
        page_size (int):  Default: 250.
        actions (list[GetAuditLogsActionsItem] | Unset):
        object_identifiers (list[str] | Unset):
        object_types (list[str] | Unset):
        actor_types (list[GetAuditLogsActorTypesItem] | Unset):
        actor_api_key_identifiers (list[str] | Unset):
        actor_emails (list[str] | Unset):
        actor_ip_addresses (list[str] | Unset):
        actor_request_types (list[GetAuditLogsActorRequestTypesItem] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditLogsResponse | ErrorResponse | TooManyRequestsProblemDetail
    """

    return (
        await asyncio_detailed(
            client=client,
            start_time=start_time,
            end_time=end_time,
            page=page,
            page_size=page_size,
            actions=actions,
            object_identifiers=object_identifiers,
            object_types=object_types,
            actor_types=actor_types,
            actor_api_key_identifiers=actor_api_key_identifiers,
            actor_emails=actor_emails,
            actor_ip_addresses=actor_ip_addresses,
            actor_request_types=actor_request_types,
        )
    ).parsed
