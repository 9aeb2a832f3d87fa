import datetime
from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.list_notification_logs_failed_reasons_item import (
    ListNotificationLogsFailedReasonsItem,
)
from ...models.list_notification_logs_ignored_reasons_item import (
    ListNotificationLogsIgnoredReasonsItem,
)
from ...models.list_notification_logs_mediums_item import (
    ListNotificationLogsMediumsItem,
)
from ...models.list_notification_logs_notification_types_item import (
    ListNotificationLogsNotificationTypesItem,
)
from ...models.list_notification_logs_order_by import ListNotificationLogsOrderBy
from ...models.list_notification_logs_recipient_types_item import (
    ListNotificationLogsRecipientTypesItem,
)
from ...models.list_notification_logs_statuses_item import (
    ListNotificationLogsStatusesItem,
)
from ...models.notification_log_response import NotificationLogResponse
from ...models.too_many_requests_problem_detail import TooManyRequestsProblemDetail
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    notification_run_ids: list[int] | Unset = UNSET,
    notification_types: list[ListNotificationLogsNotificationTypesItem] | Unset = UNSET,
    statuses: list[ListNotificationLogsStatusesItem] | Unset = UNSET,
    recipient_types: list[ListNotificationLogsRecipientTypesItem] | Unset = UNSET,
    recipient_emails: list[str] | Unset = UNSET,
    recipient_entity_ids: list[int] | Unset = UNSET,
    recipient_channels: list[str] | Unset = UNSET,
    mediums: list[ListNotificationLogsMediumsItem] | Unset = UNSET,
    ignored_reasons: list[ListNotificationLogsIgnoredReasonsItem] | Unset = UNSET,
    failed_reasons: list[ListNotificationLogsFailedReasonsItem] | Unset = UNSET,
    from_date: datetime.datetime | Unset = UNSET,
    until_date: datetime.datetime | Unset = UNSET,
    page_size: int = 250,
    page: int = 0,
    order_by: ListNotificationLogsOrderBy | Unset = ListNotificationLogsOrderBy.DESC,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_notification_run_ids: list[int] | Unset = UNSET
    if not isinstance(notification_run_ids, Unset):
        json_notification_run_ids = notification_run_ids

    params["notificationRunIds"] = json_notification_run_ids

    json_notification_types: list[str] | Unset = UNSET
    if not isinstance(notification_types, Unset):
        json_notification_types = []
        for notification_types_item_data in notification_types:
            notification_types_item = notification_types_item_data.value
            json_notification_types.append(notification_types_item)

    params["notificationTypes"] = json_notification_types

    json_statuses: list[str] | Unset = UNSET
    if not isinstance(statuses, Unset):
        json_statuses = []
        for statuses_item_data in statuses:
            statuses_item = statuses_item_data.value
            json_statuses.append(statuses_item)

    params["statuses"] = json_statuses

    json_recipient_types: list[str] | Unset = UNSET
    if not isinstance(recipient_types, Unset):
        json_recipient_types = []
        for recipient_types_item_data in recipient_types:
            recipient_types_item = recipient_types_item_data.value
            json_recipient_types.append(recipient_types_item)

    params["recipientTypes"] = json_recipient_types

    json_recipient_emails: list[str] | Unset = UNSET
    if not isinstance(recipient_emails, Unset):
        json_recipient_emails = recipient_emails

    params["recipientEmails"] = json_recipient_emails

    json_recipient_entity_ids: list[int] | Unset = UNSET
    if not isinstance(recipient_entity_ids, Unset):
        json_recipient_entity_ids = recipient_entity_ids

    params["recipientEntityIds"] = json_recipient_entity_ids

    json_recipient_channels: list[str] | Unset = UNSET
    if not isinstance(recipient_channels, Unset):
        json_recipient_channels = recipient_channels

    params["recipientChannels"] = json_recipient_channels

    json_mediums: list[str] | Unset = UNSET
    if not isinstance(mediums, Unset):
        json_mediums = []
        for mediums_item_data in mediums:
            mediums_item = mediums_item_data.value
            json_mediums.append(mediums_item)

    params["mediums"] = json_mediums

    json_ignored_reasons: list[str] | Unset = UNSET
    if not isinstance(ignored_reasons, Unset):
        json_ignored_reasons = []
        for ignored_reasons_item_data in ignored_reasons:
            ignored_reasons_item = ignored_reasons_item_data.value
            json_ignored_reasons.append(ignored_reasons_item)

    params["ignoredReasons"] = json_ignored_reasons

    json_failed_reasons: list[str] | Unset = UNSET
    if not isinstance(failed_reasons, Unset):
        json_failed_reasons = []
        for failed_reasons_item_data in failed_reasons:
            failed_reasons_item = failed_reasons_item_data.value
            json_failed_reasons.append(failed_reasons_item)

    params["failedReasons"] = json_failed_reasons

    json_from_date: str | Unset = UNSET
    if not isinstance(from_date, Unset):
        json_from_date = from_date.isoformat()
    params["fromDate"] = json_from_date

    json_until_date: str | Unset = UNSET
    if not isinstance(until_date, Unset):
        json_until_date = until_date.isoformat()
    params["untilDate"] = json_until_date

    params["pageSize"] = page_size

    params["page"] = page

    json_order_by: str | Unset = UNSET
    if not isinstance(order_by, Unset):
        json_order_by = order_by.value

    params["orderBy"] = json_order_by

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/notifications/logs",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | NotificationLogResponse | TooManyRequestsProblemDetail | None:
    if response.status_code == 200:
        response_200 = NotificationLogResponse.from_dict(response.json())

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
) -> Response[ErrorResponse | NotificationLogResponse | TooManyRequestsProblemDetail]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    notification_run_ids: list[int] | Unset = UNSET,
    notification_types: list[ListNotificationLogsNotificationTypesItem] | Unset = UNSET,
    statuses: list[ListNotificationLogsStatusesItem] | Unset = UNSET,
    recipient_types: list[ListNotificationLogsRecipientTypesItem] | Unset = UNSET,
    recipient_emails: list[str] | Unset = UNSET,
    recipient_entity_ids: list[int] | Unset = UNSET,
    recipient_channels: list[str] | Unset = UNSET,
    mediums: list[ListNotificationLogsMediumsItem] | Unset = UNSET,
    ignored_reasons: list[ListNotificationLogsIgnoredReasonsItem] | Unset = UNSET,
    failed_reasons: list[ListNotificationLogsFailedReasonsItem] | Unset = UNSET,
    from_date: datetime.datetime | Unset = UNSET,
    until_date: datetime.datetime | Unset = UNSET,
    page_size: int = 250,
    page: int = 0,
    order_by: ListNotificationLogsOrderBy | Unset = ListNotificationLogsOrderBy.DESC,
) -> Response[ErrorResponse | NotificationLogResponse | TooManyRequestsProblemDetail]:
    """Retrieve notification logs

     Retrieve notification logs based on the provided filters. API key must have the `View Notification
    logs` permission.

    Args:
        notification_run_ids (list[int] | Unset):
        notification_types (list[ListNotificationLogsNotificationTypesItem] | Unset):
        statuses (list[ListNotificationLogsStatusesItem] | Unset):
        recipient_types (list[ListNotificationLogsRecipientTypesItem] | Unset):
        recipient_emails (list[str] | Unset):
        recipient_entity_ids (list[int] | Unset):
        recipient_channels (list[str] | Unset):
        mediums (list[ListNotificationLogsMediumsItem] | Unset):
        ignored_reasons (list[ListNotificationLogsIgnoredReasonsItem] | Unset):
        failed_reasons (list[ListNotificationLogsFailedReasonsItem] | Unset):
        from_date (datetime.datetime | Unset):
        until_date (datetime.datetime | Unset):
        page_size (int):  Default: 250.
        page (int):  Default: 0.
        order_by (ListNotificationLogsOrderBy | Unset):  Default:
            ListNotificationLogsOrderBy.DESC.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | NotificationLogResponse | TooManyRequestsProblemDetail]
    """

    kwargs = _get_kwargs(
        notification_run_ids=notification_run_ids,
        notification_types=notification_types,
        statuses=statuses,
        recipient_types=recipient_types,
        recipient_emails=recipient_emails,
        recipient_entity_ids=recipient_entity_ids,
        recipient_channels=recipient_channels,
        mediums=mediums,
        ignored_reasons=ignored_reasons,
        failed_reasons=failed_reasons,
        from_date=from_date,
        until_date=until_date,
        page_size=page_size,
        page=page,
        order_by=order_by,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    notification_run_ids: list[int] | Unset = UNSET,
    notification_types: list[ListNotificationLogsNotificationTypesItem] | Unset = UNSET,
    statuses: list[ListNotificationLogsStatusesItem] | Unset = UNSET,
    recipient_types: list[ListNotificationLogsRecipientTypesItem] | Unset = UNSET,
    recipient_emails: list[str] | Unset = UNSET,
    recipient_entity_ids: list[int] | Unset = UNSET,
    recipient_channels: list[str] | Unset = UNSET,
    mediums: list[ListNotificationLogsMediumsItem] | Unset = UNSET,
    ignored_reasons: list[ListNotificationLogsIgnoredReasonsItem] | Unset = UNSET,
    failed_reasons: list[ListNotificationLogsFailedReasonsItem] | Unset = UNSET,
    from_date: datetime.datetime | Unset = UNSET,
    until_date: datetime.datetime | Unset = UNSET,
    page_size: int = 250,
    page: int = 0,
    order_by: ListNotificationLogsOrderBy | Unset = ListNotificationLogsOrderBy.DESC,
) -> ErrorResponse | NotificationLogResponse | TooManyRequestsProblemDetail | None:
    """Retrieve notification logs

     Retrieve notification logs based on the provided filters. API key must have the `View Notification
    logs` permission.

    Args:
        notification_run_ids (list[int] | Unset):
        notification_types (list[ListNotificationLogsNotificationTypesItem] | Unset):
        statuses (list[ListNotificationLogsStatusesItem] | Unset):
        recipient_types (list[ListNotificationLogsRecipientTypesItem] | Unset):
        recipient_emails (list[str] | Unset):
        recipient_entity_ids (list[int] | Unset):
        recipient_channels (list[str] | Unset):
        mediums (list[ListNotificationLogsMediumsItem] | Unset):
        ignored_reasons (list[ListNotificationLogsIgnoredReasonsItem] | Unset):
        failed_reasons (list[ListNotificationLogsFailedReasonsItem] | Unset):
        from_date (datetime.datetime | Unset):
        until_date (datetime.datetime | Unset):
        page_size (int):  Default: 250.
        page (int):  Default: 0.
        order_by (ListNotificationLogsOrderBy | Unset):  Default:
            ListNotificationLogsOrderBy.DESC.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | NotificationLogResponse | TooManyRequestsProblemDetail
    """

    return sync_detailed(
        client=client,
        notification_run_ids=notification_run_ids,
        notification_types=notification_types,
        statuses=statuses,
        recipient_types=recipient_types,
        recipient_emails=recipient_emails,
        recipient_entity_ids=recipient_entity_ids,
        recipient_channels=recipient_channels,
        mediums=mediums,
        ignored_reasons=ignored_reasons,
        failed_reasons=failed_reasons,
        from_date=from_date,
        until_date=until_date,
        page_size=page_size,
        page=page,
        order_by=order_by,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    notification_run_ids: list[int] | Unset = UNSET,
    notification_types: list[ListNotificationLogsNotificationTypesItem] | Unset = UNSET,
    statuses: list[ListNotificationLogsStatusesItem] | Unset = UNSET,
    recipient_types: list[ListNotificationLogsRecipientTypesItem] | Unset = UNSET,
    recipient_emails: list[str] | Unset = UNSET,
    recipient_entity_ids: list[int] | Unset = UNSET,
    recipient_channels: list[str] | Unset = UNSET,
    mediums: list[ListNotificationLogsMediumsItem] | Unset = UNSET,
    ignored_reasons: list[ListNotificationLogsIgnoredReasonsItem] | Unset = UNSET,
    failed_reasons: list[ListNotificationLogsFailedReasonsItem] | Unset = UNSET,
    from_date: datetime.datetime | Unset = UNSET,
    until_date: datetime.datetime | Unset = UNSET,
    page_size: int = 250,
    page: int = 0,
    order_by: ListNotificationLogsOrderBy | Unset = ListNotificationLogsOrderBy.DESC,
) -> Response[ErrorResponse | NotificationLogResponse | TooManyRequestsProblemDetail]:
    """Retrieve notification logs

     Retrieve notification logs based on the provided filters. API key must have the `View Notification
    logs` permission.

    Args:
        notification_run_ids (list[int] | Unset):
        notification_types (list[ListNotificationLogsNotificationTypesItem] | Unset):
        statuses (list[ListNotificationLogsStatusesItem] | Unset):
        recipient_types (list[ListNotificationLogsRecipientTypesItem] | Unset):
        recipient_emails (list[str] | Unset):
        recipient_entity_ids (list[int] | Unset):
        recipient_channels (list[str] | Unset):
        mediums (list[ListNotificationLogsMediumsItem] | Unset):
        ignored_reasons (list[ListNotificationLogsIgnoredReasonsItem] | Unset):
        failed_reasons (list[ListNotificationLogsFailedReasonsItem] | Unset):
        from_date (datetime.datetime | Unset):
        until_date (datetime.datetime | Unset):
        page_size (int):  Default: 250.
        page (int):  Default: 0.
        order_by (ListNotificationLogsOrderBy | Unset):  Default:
            ListNotificationLogsOrderBy.DESC.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | NotificationLogResponse | TooManyRequestsProblemDetail]
    """

    kwargs = _get_kwargs(
        notification_run_ids=notification_run_ids,
        notification_types=notification_types,
        statuses=statuses,
        recipient_types=recipient_types,
        recipient_emails=recipient_emails,
        recipient_entity_ids=recipient_entity_ids,
        recipient_channels=recipient_channels,
        mediums=mediums,
        ignored_reasons=ignored_reasons,
        failed_reasons=failed_reasons,
        from_date=from_date,
        until_date=until_date,
        page_size=page_size,
        page=page,
        order_by=order_by,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    notification_run_ids: list[int] | Unset = UNSET,
    notification_types: list[ListNotificationLogsNotificationTypesItem] | Unset = UNSET,
    statuses: list[ListNotificationLogsStatusesItem] | Unset = UNSET,
    recipient_types: list[ListNotificationLogsRecipientTypesItem] | Unset = UNSET,
    recipient_emails: list[str] | Unset = UNSET,
    recipient_entity_ids: list[int] | Unset = UNSET,
    recipient_channels: list[str] | Unset = UNSET,
    mediums: list[ListNotificationLogsMediumsItem] | Unset = UNSET,
    ignored_reasons: list[ListNotificationLogsIgnoredReasonsItem] | Unset = UNSET,
    failed_reasons: list[ListNotificationLogsFailedReasonsItem] | Unset = UNSET,
    from_date: datetime.datetime | Unset = UNSET,
    until_date: datetime.datetime | Unset = UNSET,
    page_size: int = 250,
    page: int = 0,
    order_by: ListNotificationLogsOrderBy | Unset = ListNotificationLogsOrderBy.DESC,
) -> ErrorResponse | NotificationLogResponse | TooManyRequestsProblemDetail | None:
    """Retrieve notification logs

     Retrieve notification logs based on the provided filters. API key must have the `View Notification
    logs` permission.

    Args:
        notification_run_ids (list[int] | Unset):
        notification_types (list[ListNotificationLogsNotificationTypesItem] | Unset):
        statuses (list[ListNotificationLogsStatusesItem] | Unset):
        recipient_types (list[ListNotificationLogsRecipientTypesItem] | Unset):
        recipient_emails (list[str] | Unset):
        recipient_entity_ids (list[int] | Unset):
        recipient_channels (list[str] | Unset):
        mediums (list[ListNotificationLogsMediumsItem] | Unset):
        ignored_reasons (list[ListNotificationLogsIgnoredReasonsItem] | Unset):
        failed_reasons (list[ListNotificationLogsFailedReasonsItem] | Unset):
        from_date (datetime.datetime | Unset):
        until_date (datetime.datetime | Unset):
        page_size (int):  Default: 250.
        page (int):  Default: 0.
        order_by (ListNotificationLogsOrderBy | Unset):  Default:
            ListNotificationLogsOrderBy.DESC.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | NotificationLogResponse | TooManyRequestsProblemDetail
    """

    return (
        await asyncio_detailed(
            client=client,
            notification_run_ids=notification_run_ids,
            notification_types=notification_types,
            statuses=statuses,
            recipient_types=recipient_types,
            recipient_emails=recipient_emails,
            recipient_entity_ids=recipient_entity_ids,
            recipient_channels=recipient_channels,
            mediums=mediums,
            ignored_reasons=ignored_reasons,
            failed_reasons=failed_reasons,
            from_date=from_date,
            until_date=until_date,
            page_size=page_size,
            page=page,
            order_by=order_by,
        )
    ).parsed
