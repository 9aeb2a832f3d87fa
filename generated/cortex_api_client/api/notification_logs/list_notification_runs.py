import datetime
from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.list_notification_runs_failed_reasons_item import (
    ListNotificationRunsFailedReasonsItem,
)
from ...models.list_notification_runs_ignored_reasons_item import (
    ListNotificationRunsIgnoredReasonsItem,
)
from ...models.list_notification_runs_mediums_item import (
    ListNotificationRunsMediumsItem,
)
from ...models.list_notification_runs_notification_types_item import (
    ListNotificationRunsNotificationTypesItem,
)
from ...models.list_notification_runs_order_by import ListNotificationRunsOrderBy
from ...models.list_notification_runs_statuses_item import (
    ListNotificationRunsStatusesItem,
)
from ...models.notification_run_response import NotificationRunResponse
from ...models.too_many_requests_problem_detail import TooManyRequestsProblemDetail
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    notification_types: list[ListNotificationRunsNotificationTypesItem] | Unset = UNSET,
    statuses: list[ListNotificationRunsStatusesItem] | Unset = UNSET,
    mediums: list[ListNotificationRunsMediumsItem] | Unset = UNSET,
    ignored_reasons: list[ListNotificationRunsIgnoredReasonsItem] | Unset = UNSET,
    failed_reasons: list[ListNotificationRunsFailedReasonsItem] | Unset = UNSET,
    include_objects: bool | Unset = False,
    from_date: datetime.datetime | Unset = UNSET,
    until_date: datetime.datetime | Unset = UNSET,
    delivered_only: bool | Unset = True,
    page_size: int = 250,
    page: int = 0,
    order_by: ListNotificationRunsOrderBy | Unset = ListNotificationRunsOrderBy.DESC,
    search_query: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

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

    params["includeObjects"] = include_objects

    json_from_date: str | Unset = UNSET
    if not isinstance(from_date, Unset):
        json_from_date = from_date.isoformat()
    params["fromDate"] = json_from_date

    json_until_date: str | Unset = UNSET
    if not isinstance(until_date, Unset):
        json_until_date = until_date.isoformat()
    params["untilDate"] = json_until_date

    params["deliveredOnly"] = delivered_only

    params["pageSize"] = page_size

    params["page"] = page

    json_order_by: str | Unset = UNSET
    if not isinstance(order_by, Unset):
        json_order_by = order_by.value

    params["orderBy"] = json_order_by

    params["searchQuery"] = search_query

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/notifications/logs/run",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | NotificationRunResponse | TooManyRequestsProblemDetail | None:
    if response.status_code == 200:
        response_200 = NotificationRunResponse.from_dict(response.json())

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
) -> Response[ErrorResponse | NotificationRunResponse | TooManyRequestsProblemDetail]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    notification_types: list[ListNotificationRunsNotificationTypesItem] | Unset = UNSET,
    statuses: list[ListNotificationRunsStatusesItem] | Unset = UNSET,
    mediums: list[ListNotificationRunsMediumsItem] | Unset = UNSET,
    ignored_reasons: list[ListNotificationRunsIgnoredReasonsItem] | Unset = UNSET,
    failed_reasons: list[ListNotificationRunsFailedReasonsItem] | Unset = UNSET,
    include_objects: bool | Unset = False,
    from_date: datetime.datetime | Unset = UNSET,
    until_date: datetime.datetime | Unset = UNSET,
    delivered_only: bool | Unset = True,
    page_size: int = 250,
    page: int = 0,
    order_by: ListNotificationRunsOrderBy | Unset = ListNotificationRunsOrderBy.DESC,
    search_query: str | Unset = UNSET,
) -> Response[ErrorResponse | NotificationRunResponse | TooManyRequestsProblemDetail]:
    """Retrieve notification runs

     Retrieve notification runs based on the provided filters. API key must have the `View Notification
    logs` permission.

    Args:
        notification_types (list[ListNotificationRunsNotificationTypesItem] | Unset):
        statuses (list[ListNotificationRunsStatusesItem] | Unset):
        mediums (list[ListNotificationRunsMediumsItem] | Unset):
        ignored_reasons (list[ListNotificationRunsIgnoredReasonsItem] | Unset):
        failed_reasons (list[ListNotificationRunsFailedReasonsItem] | Unset):
        include_objects (bool | Unset):  Default: False.
        from_date (datetime.datetime | Unset):
        until_date (datetime.datetime | Unset):
        delivered_only (bool | Unset):  Default: True.
        page_size (int):  Default: 250.
        page (int):  Default: 0.
        order_by (ListNotificationRunsOrderBy | Unset):  Default:
            ListNotificationRunsOrderBy.DESC.
        search_query (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | NotificationRunResponse | TooManyRequestsProblemDetail]
    """

    kwargs = _get_kwargs(
        notification_types=notification_types,
        statuses=statuses,
        mediums=mediums,
        ignored_reasons=ignored_reasons,
        failed_reasons=failed_reasons,
        include_objects=include_objects,
        from_date=from_date,
        until_date=until_date,
        delivered_only=delivered_only,
        page_size=page_size,
        page=page,
        order_by=order_by,
        search_query=search_query,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    notification_types: list[ListNotificationRunsNotificationTypesItem] | Unset = UNSET,
    statuses: list[ListNotificationRunsStatusesItem] | Unset = UNSET,
    mediums: list[ListNotificationRunsMediumsItem] | Unset = UNSET,
    ignored_reasons: list[ListNotificationRunsIgnoredReasonsItem] | Unset = UNSET,
    failed_reasons: list[ListNotificationRunsFailedReasonsItem] | Unset = UNSET,
    include_objects: bool | Unset = False,
    from_date: datetime.datetime | Unset = UNSET,
    until_date: datetime.datetime | Unset = UNSET,
    delivered_only: bool | Unset = True,
    page_size: int = 250,
    page: int = 0,
    order_by: ListNotificationRunsOrderBy | Unset = ListNotificationRunsOrderBy.DESC,
    search_query: str | Unset = UNSET,
) -> ErrorResponse | NotificationRunResponse | TooManyRequestsProblemDetail | None:
    """Retrieve notification runs

     Retrieve notification runs based on the provided filters. API key must have the `View Notification
    logs` permission.

    Args:
        notification_types (list[ListNotificationRunsNotificationTypesItem] | Unset):
        statuses (list[ListNotificationRunsStatusesItem] | Unset):
        mediums (list[ListNotificationRunsMediumsItem] | Unset):
        ignored_reasons (list[ListNotificationRunsIgnoredReasonsItem] | Unset):
        failed_reasons (list[ListNotificationRunsFailedReasonsItem] | Unset):
        include_objects (bool | Unset):  Default: False.
        from_date (datetime.datetime | Unset):
        until_date (datetime.datetime | Unset):
        delivered_only (bool | Unset):  Default: True.
        page_size (int):  Default: 250.
        page (int):  Default: 0.
        order_by (ListNotificationRunsOrderBy | Unset):  Default:
            ListNotificationRunsOrderBy.DESC.
        search_query (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | NotificationRunResponse | TooManyRequestsProblemDetail
    """

    return sync_detailed(
        client=client,
        notification_types=notification_types,
        statuses=statuses,
        mediums=mediums,
        ignored_reasons=ignored_reasons,
        failed_reasons=failed_reasons,
        include_objects=include_objects,
        from_date=from_date,
        until_date=until_date,
        delivered_only=delivered_only,
        page_size=page_size,
        page=page,
        order_by=order_by,
        search_query=search_query,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    notification_types: list[ListNotificationRunsNotificationTypesItem] | Unset = UNSET,
    statuses: list[ListNotificationRunsStatusesItem] | Unset = UNSET,
    mediums: list[ListNotificationRunsMediumsItem] | Unset = UNSET,
    ignored_reasons: list[ListNotificationRunsIgnoredReasonsItem] | Unset = UNSET,
    failed_reasons: list[ListNotificationRunsFailedReasonsItem] | Unset = UNSET,
    include_objects: bool | Unset = False,
    from_date: datetime.datetime | Unset = UNSET,
    until_date: datetime.datetime | Unset = UNSET,
    delivered_only: bool | Unset = True,
    page_size: int = 250,
    page: int = 0,
    order_by: ListNotificationRunsOrderBy | Unset = ListNotificationRunsOrderBy.DESC,
    search_query: str | Unset = UNSET,
) -> Response[ErrorResponse | NotificationRunResponse | TooManyRequestsProblemDetail]:
    """Retrieve notification runs

     Retrieve notification runs based on the provided filters. API key must have the `View Notification
    logs` permission.

    Args:
        notification_types (list[ListNotificationRunsNotificationTypesItem] | Unset):
        statuses (list[ListNotificationRunsStatusesItem] | Unset):
        mediums (list[ListNotificationRunsMediumsItem] | Unset):
        ignored_reasons (list[ListNotificationRunsIgnoredReasonsItem] | Unset):
        failed_reasons (list[ListNotificationRunsFailedReasonsItem] | Unset):
        include_objects (bool | Unset):  Default: False.
        from_date (datetime.datetime | Unset):
        until_date (datetime.datetime | Unset):
        delivered_only (bool | Unset):  Default: True.
        page_size (int):  Default: 250.
        page (int):  Default: 0.
        order_by (ListNotificationRunsOrderBy | Unset):  Default:
            ListNotificationRunsOrderBy.DESC.
        search_query (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | NotificationRunResponse | TooManyRequestsProblemDetail]
    """

    kwargs = _get_kwargs(
        notification_types=notification_types,
        statuses=statuses,
        mediums=mediums,
        ignored_reasons=ignored_reasons,
        failed_reasons=failed_reasons,
        include_objects=include_objects,
        from_date=from_date,
        until_date=until_date,
        delivered_only=delivered_only,
        page_size=page_size,
        page=page,
        order_by=order_by,
        search_query=search_query,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    notification_types: list[ListNotificationRunsNotificationTypesItem] | Unset = UNSET,
    statuses: list[ListNotificationRunsStatusesItem] | Unset = UNSET,
    mediums: list[ListNotificationRunsMediumsItem] | Unset = UNSET,
    ignored_reasons: list[ListNotificationRunsIgnoredReasonsItem] | Unset = UNSET,
    failed_reasons: list[ListNotificationRunsFailedReasonsItem] | Unset = UNSET,
    include_objects: bool | Unset = False,
    from_date: datetime.datetime | Unset = UNSET,
    until_date: datetime.datetime | Unset = UNSET,
    delivered_only: bool | Unset = True,
    page_size: int = 250,
    page: int = 0,
    order_by: ListNotificationRunsOrderBy | Unset = ListNotificationRunsOrderBy.DESC,
    search_query: str | Unset = UNSET,
) -> ErrorResponse | NotificationRunResponse | TooManyRequestsProblemDetail | None:
    """Retrieve notification runs

     Retrieve notification runs based on the provided filters. API key must have the `View Notification
    logs` permission.

    Args:
        notification_types (list[ListNotificationRunsNotificationTypesItem] | Unset):
        statuses (list[ListNotificationRunsStatusesItem] | Unset):
        mediums (list[ListNotificationRunsMediumsItem] | Unset):
        ignored_reasons (list[ListNotificationRunsIgnoredReasonsItem] | Unset):
        failed_reasons (list[ListNotificationRunsFailedReasonsItem] | Unset):
        include_objects (bool | Unset):  Default: False.
        from_date (datetime.datetime | Unset):
        until_date (datetime.datetime | Unset):
        delivered_only (bool | Unset):  Default: True.
        page_size (int):  Default: 250.
        page (int):  Default: 0.
        order_by (ListNotificationRunsOrderBy | Unset):  Default:
            ListNotificationRunsOrderBy.DESC.
        search_query (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | NotificationRunResponse | TooManyRequestsProblemDetail
    """

    return (
        await asyncio_detailed(
            client=client,
            notification_types=notification_types,
            statuses=statuses,
            mediums=mediums,
            ignored_reasons=ignored_reasons,
            failed_reasons=failed_reasons,
            include_objects=include_objects,
            from_date=from_date,
            until_date=until_date,
            delivered_only=delivered_only,
            page_size=page_size,
            page=page,
            order_by=order_by,
            search_query=search_query,
        )
    ).parsed
