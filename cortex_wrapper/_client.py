"""``CortexClient`` and ``AsyncCortexClient``: configuration and operations shared, I/O mirrored."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import logging
import random
import ssl
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Self, TypeVar, overload

import httpx
from cortex_api_client.client_methods import AsyncOperations, ExtraQuery, SyncOperations
from cortex_api_client.operations import DateLike as DateLike  # the public name: defined once, by the table
from cortex_api_client.operations import OperationSpec, Record

from . import _defaults
from ._config import (
    Secret,
    check_callable,
    check_number,
    check_page_size,
    check_proxy,
    check_transport,
    check_verify,
    resolve_base_url,
    resolve_token,
    tls_verify,
)
from ._errors import ClientClosedError, CortexConfigError, CortexError, InvalidParameterError, RateLimitError
from ._events import Event, EventHook, RateLimitPause, Retrying
from ._logs import setup_from_environment
from ._operations import params_of, query, time_bounds
from ._pagination import AsyncPager, Cancelled, Crawl, Fetched, Parse, SyncPager
from ._params import format_datetime, to_utc
from ._ratelimit import RateLimiter
from ._response import undecodable
from ._retry import RetryPolicy
from ._version import __version__

logger = logging.getLogger("cortex_wrapper")

if TYPE_CHECKING:  # imported on first use at run time: the models need attrs
    pass

T = TypeVar("T", bound=Record)
Outcome = httpx.Response | httpx.HTTPError | CortexError
"""What one attempt ended with: a response, a transport failure, or an error already judged (a corrupt body)."""
F = TypeVar("F", bound=Callable[..., Any])

EnumFilter = str | enum.Enum | Iterable[str | enum.Enum] | None
"""One value or several: enum members or their string values."""
TextFilter = str | Iterable[str] | None
IdFilter = int | Iterable[int] | None


def _now() -> dt.datetime:
    """Now, to the millisecond (the wire's precision); to the second would miss that second's records."""
    now = dt.datetime.now(dt.UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def _label(operation: OperationSpec[Any], filters: Mapping[str, Any], page_size: int | None, max_pages: int | None) -> str:
    """What a pager's repr shows: the operation and the arguments given (never the token, which is no argument)."""
    given = {name: value for name, value in filters.items() if value is not None}
    given.update({k: v for k, v in (("page_size", page_size), ("max_pages", max_pages)) if v is not None})
    arguments = ", ".join(f"{name}={value!r}" for name, value in given.items())
    return f"{operation.operation_id}({arguments})"[:500]


@dataclasses.dataclass(frozen=True)
class _Options:
    """The client's configuration: read-only on the client, changed only through ``with_options``."""

    timeout: httpx.Timeout
    max_retries: int
    max_retry_wait: float
    requests_per_minute: int | None
    page_size: int
    concurrency: int
    on_event: EventHook | None
    base_url: httpx.URL

    CHANGEABLE: ClassVar[frozenset[str]] = frozenset(
        {"timeout", "max_retries", "max_retry_wait", "requests_per_minute", "page_size", "concurrency", "on_event"})
    """What ``with_options`` may change (the base URL stays: a copy shares its connections and token)."""

    @classmethod
    def checked(cls, *, timeout: float | httpx.Timeout, max_retries: int, max_retry_wait: float,
                requests_per_minute: int | None, page_size: int, concurrency: int, on_event: EventHook | None,
                base_url: httpx.URL) -> _Options:
        """Check every value (``CortexConfigError`` / ``InvalidParameterError`` naming it) and build the options."""
        if not isinstance(timeout, httpx.Timeout):
            check_number("timeout", timeout, minimum=0.001, maximum=threading.TIMEOUT_MAX)
            timeout = httpx.Timeout(float(timeout))
        check_number("max_retries", max_retries, minimum=0, integer=True)
        check_number("max_retry_wait", max_retry_wait, minimum=0, maximum=threading.TIMEOUT_MAX)
        check_number("requests_per_minute", requests_per_minute, minimum=1, integer=True, allow_none=True)
        check_number("concurrency", concurrency, minimum=1, integer=True)
        check_callable("on_event", on_event, allow_none=True)
        return cls(timeout, max_retries, float(max_retry_wait), requests_per_minute, check_page_size(page_size),
                   concurrency, on_event, base_url)

    def changed(self, changes: Mapping[str, Any]) -> dict[str, Any]:
        """The constructor's options with ``changes`` (those given, ``NOT_GIVEN`` left out) applied."""
        current = {name: getattr(self, name) for name in self.CHANGEABLE}
        return {**current, **{name: value for name, value in changes.items() if value is not NOT_GIVEN}}


class _NotGiven:
    """The default of ``with_options``' arguments: keep the current value (``None`` means something)."""

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Any = _NotGiven()
V = TypeVar("V")


class _Setting(Generic[V]):
    """A read-only setting of a client (``client.timeout``): read from its options; assigning one says what to do.

    A data descriptor, as a property without a setter is, with an ``AttributeError`` that names
    ``with_options``, the way to another value. The client's methods stay ordinary attributes, so that
    ``mock.patch.object(client, "audit_logs")`` works.
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type) -> _Setting[V]: ...
    @overload
    def __get__(self, instance: _BaseClient, owner: type) -> V: ...

    def __get__(self, instance: _BaseClient | None, owner: type) -> _Setting[V] | V:
        if instance is None:
            return self
        value: V = getattr(instance._options, self.name)
        return value

    def __set__(self, instance: _BaseClient, value: object) -> None:
        hint = f"use client.with_options({self.name}=...) for a client with another value (it shares this one's " \
            "connections and rate limit)" if self.name in _Options.CHANGEABLE else "it is fixed when the client is made"
        raise AttributeError(f"{type(instance).__name__}.{self.name} is read-only: {hint}")


class _BaseClient:
    """What the sync and async clients share: configuration, argument checks, the three operations."""

    _transport_method = "handle_request"  # the httpx transport hook this client calls ("handle_async_request")

    def __init__(
        self,
        token: str | None,
        base_url: str | None,
        *,
        timeout: float | httpx.Timeout,
        max_retries: int,
        max_retry_wait: float,
        requests_per_minute: int | None,
        page_size: int,
        concurrency: int,
        clock: Callable[[], float] | None,
        wall_clock: Callable[[], float] | None,
        rng: random.Random | None,
        on_event: EventHook | None,
        limiter: RateLimiter | None,
    ) -> None:
        check_callable("clock", clock, allow_none=True)
        check_callable("wall_clock", wall_clock, allow_none=True)
        if rng is not None:
            check_callable("rng.random", getattr(rng, "random", None))
        self._options = _Options.checked(
            timeout=timeout, max_retries=max_retries, max_retry_wait=max_retry_wait,
            requests_per_minute=requests_per_minute, page_size=page_size, concurrency=concurrency,
            on_event=on_event, base_url=resolve_base_url(base_url),
        )
        self._token: Secret = resolve_token(token)
        self._rng = rng
        self._clock = clock or time.monotonic
        if limiter is None:
            self._limiter = RateLimiter(requests_per_minute, self._clock)
        else:  # a copy made by with_options: the same 429 pauses, and the same window unless the limit differs
            self._limiter = limiter if limiter.limit == requests_per_minute else limiter.with_limit(requests_per_minute)
        self._wall_clock = wall_clock or time.time
        self._policy = RetryPolicy(max_retries, max_retry_wait, rng=rng, wall_clock=self._wall_clock)
        self._owns_http = True
        self._given_http = False  # True: http_client is the caller's (``_closed`` names it)
        setup_from_environment()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={str(self.base_url)!r}, token='***')"

    base_url: _Setting[httpx.URL] = _Setting()
    """The Cortex API this client talks to."""
    timeout: _Setting[httpx.Timeout] = _Setting()
    """Connect, read, write and pool timeouts of each request."""
    max_retries: _Setting[int] = _Setting()
    """Retries after the first attempt, for 429, 500/502/503/504, timeouts and dropped connections."""
    max_retry_wait: _Setting[float] = _Setting()
    """The longest single wait accepted; a longer ``Retry-After`` raises ``RateLimitError`` at once."""
    requests_per_minute: _Setting[int | None] = _Setting()
    """The client's own pacing (``None``: off)."""
    page_size: _Setting[int] = _Setting()
    """Records per request, unless a call says otherwise."""
    concurrency: _Setting[int] = _Setting()
    """Pages fetched at once after the first."""
    on_event: _Setting[EventHook | None] = _Setting()
    """The function called with each ``Event`` (None: none)."""

    def with_options(
        self,
        *,
        timeout: float | httpx.Timeout = NOT_GIVEN,
        max_retries: int = NOT_GIVEN,
        max_retry_wait: float = NOT_GIVEN,
        requests_per_minute: int | None = NOT_GIVEN,
        page_size: int = NOT_GIVEN,
        concurrency: int = NOT_GIVEN,
        on_event: EventHook | None = NOT_GIVEN,
    ) -> Self:
        """A client with other options for one job, sharing this one's connection pool, token and 429 pauses.

        A 429 seen by either pauses both: it is the same token and the same budget. With another
        ``requests_per_minute`` it paces its own requests apart. Closing it leaves the pool open;
        close the client it came from.
        """
        copy = self._copy(self._options.changed({
            "timeout": timeout, "max_retries": max_retries, "max_retry_wait": max_retry_wait,
            "requests_per_minute": requests_per_minute, "page_size": page_size, "concurrency": concurrency,
            "on_event": on_event,
        }))
        copy._given_http = self._given_http  # the pool is this client's: its own, or one the caller gave it
        return copy

    def _copy(self, options: dict[str, Any]) -> Self:
        """A new client of this type, through its constructor, with ``options`` and this one's pool, token and limiter."""
        raise NotImplementedError

    def _http_client(self, http_client: Any, client_class: type[httpx.Client] | type[httpx.AsyncClient], transport: Any,
                     verify: ssl.SSLContext | str | bool, proxy: str | None) -> Any:
        """The user's ``http_client`` (never closed nor changed by this client), else one of our own."""
        if http_client is None:
            return client_class(**self._httpx_options(transport, verify, proxy))
        if not isinstance(http_client, client_class):
            raise CortexConfigError(f"http_client must be an httpx.{client_class.__name__}, not {type(http_client).__name__}")
        if transport is not None or verify is not True or proxy is not None:
            raise CortexConfigError("pass transport, verify and proxy to your http_client, not beside it")
        self._owns_http = False
        self._given_http = True
        if http_client.is_closed:
            raise self._closed()
        return http_client

    def _request(self, http: httpx.Client | httpx.AsyncClient, path: str, params: tuple[tuple[str, str], ...]
                 ) -> httpx.Request:
        """One GET, with everything this client adds per request: URL, headers, timeout (the httpx client is not changed)."""
        headers = {"Authorization": f"Bearer {self._token.reveal()}", "Accept": "application/json",
                   "User-Agent": f"cortex-wrapper/{__version__}"}
        url = self.base_url.copy_with(raw_path=(self.base_url.raw_path.rstrip(b"/") + path.encode("ascii")))
        return http.build_request("GET", url, params=params, headers=headers, timeout=self.timeout)

    def _httpx_options(self, transport: Any, verify: ssl.SSLContext | str | bool, proxy: str | None) -> dict[str, Any]:
        check_transport(transport, self._transport_method)
        check_verify(verify)
        check_proxy(proxy)
        return {
            "timeout": self.timeout,
            "transport": transport,
            "verify": tls_verify(verify),
            "proxy": proxy,
            "follow_redirects": False,
            "limits": httpx.Limits(max_connections=max(self.concurrency * 2, 10)),
        }

    def _closed(self) -> ClientClosedError:
        """The error for a request through a closed pool: the caller's ``http_client``, or this client's own."""
        if self._given_http:
            return ClientClosedError("the given http_client is closed (its owner closed it; this client never "
                                     "does): pass an open one")
        return ClientClosedError(f"this {type(self).__name__} is closed; create a new one to send requests")

    def _emit(self, event: Event) -> None:
        if (hook := self._options.on_event) is not None:
            hook(event)

    def _paced(self, crawl: Crawl[Any], number: int) -> float:
        """Book the next request's slot: the seconds to wait before sending it (reported when not 0)."""
        delay = self._limiter.reserve()
        if delay > 0:
            self._emit(RateLimitPause(crawl.operation.operation_id, number, delay))
        return delay

    def _judge_attempt(self, crawl: Crawl[T], number: int, outcome: Outcome, attempt: int, started: float
                       ) -> Fetched | float:
        """Judge one attempt: the accepted response (the pager parses it), or the seconds it waits before retrying.

        Raises the typed error when the policy gives up. A 429 pauses the whole client (every
        request's next ``reserve()`` waits), so its own wait here is 0. ``started`` is when the
        page's first attempt began, on the client's clock.
        """
        if isinstance(outcome, CortexError):
            raise outcome
        if isinstance(outcome, httpx.Response):
            try:
                retry = self._policy.on_response(crawl.operation, outcome, attempt)
            except RateLimitError as error:  # out of retries: the token is still limited, for every request
                if error.retry_after is not None and error.retry_after <= self.max_retry_wait:
                    self._limiter.pause(error.retry_after)
                raise
            if retry is None:
                return Fetched(outcome, attempt, self._clock() - started)
            status: int | None = outcome.status_code
        else:
            retry = self._policy.on_error(outcome, attempt)
            status = None
        event = Retrying(crawl.operation.operation_id, number, retry.reason, status, attempt + 1, retry.wait)
        logger.warning(
            "%s page %d: %s; retry %d/%d in %.2fs",
            crawl.operation.operation_id, number, retry.reason, attempt + 1, self.max_retries, retry.wait,
            extra={"cortex_event": event},
        )
        self._emit(event)
        if retry.pause_all:
            self._limiter.pause(retry.wait)
            return 0.0
        return retry.wait

    def _crawl(self, operation: OperationSpec[T], filters: Mapping[str, Any], page_size: int | None,
               max_pages: int | None, extra_query: Mapping[str, Any] | None = None) -> Callable[[Parse[Any]], Crawl[Any]]:
        """Check every argument now; return a factory of crawls (the upper bound is frozen when one starts)."""
        size = self.page_size if page_size is None else check_page_size(page_size)
        if max_pages is not None and (isinstance(max_pages, bool) or not isinstance(max_pages, int) or max_pages < 1):
            raise InvalidParameterError("max_pages", f"must be an int >= 1 or None, got {max_pages!r}")
        bounds = time_bounds(operation)  # None: no time bounds, so nothing to freeze (the operation is paged in full)
        lower, upper = (filters.get(bounds[0]), filters.get(bounds[1])) if bounds is not None else (None, None)
        frozen_wire = params_of(operation)[bounds[1]].wire if bounds is not None and upper is None else None
        pairs = query(operation, filters, extra_query, self._where(operation), frozen=frozen_wire is not None)
        if bounds is not None and lower is not None and upper is not None:
            low, high = to_utc(bounds[0], lower), to_utc(bounds[1], upper)
            if low > high:
                raise InvalidParameterError(
                    bounds[0], f"{format_datetime(low)} is after {bounds[1]} {format_datetime(high)}: the window is empty",
                )
        concurrency = self.concurrency

        def make(parse: Parse[Any]) -> Crawl[Any]:
            extra = [(frozen_wire, format_datetime(_now()))] if frozen_wire is not None else []
            return Crawl(operation, pairs + extra, page_size=size, max_pages=max_pages, concurrency=concurrency,
                         parse=parse, emit=self._emit)

        return make

    def _where(self, operation: OperationSpec[Any]) -> str:
        """The public method an error names: ``CortexClient.audit_logs``."""
        return f"{type(self).__name__}.{operation.method_name}"


class CortexClient(SyncOperations, _BaseClient):
    """The synchronous client. Thread-safe; use as a context manager or call ``close()``.

    ``token``: else ``CORTEX_API_TOKEN``, else ``CORTEX_API_KEY``. ``base_url``: else
    ``CORTEX_BASE_URL``, else ``https://api.getcortexapp.com`` (plain http only to loopback).
    ``transport``, ``verify`` (a CA bundle path or ``ssl.SSLContext``) and ``proxy`` go to httpx; or pass
    your own ``http_client`` (mounts, event hooks, limits, HTTP/2): this client adds its URL, headers and
    timeout to each request, never changes that client's configuration, and never closes it.
    ``sleep``, ``clock`` (monotonic), ``wall_clock`` (Unix time, for ``Retry-After`` HTTP dates) and ``rng`` are
    injectable for tests (the default sleep ends at once when the
    pager's consumer stops, so a ``break`` or Ctrl-C never waits out a ``Retry-After``).
    Defaults: ``cortex_wrapper._defaults``.
    """

    def __init__(
        self,
        token: str | None = None,
        base_url: str | None = None,
        *,
        timeout: float | httpx.Timeout = _defaults.DEFAULT_TIMEOUT,
        max_retries: int = _defaults.DEFAULT_MAX_RETRIES,
        max_retry_wait: float = _defaults.DEFAULT_MAX_RETRY_WAIT,
        requests_per_minute: int | None = _defaults.DEFAULT_REQUESTS_PER_MINUTE,
        page_size: int = _defaults.DEFAULT_PAGE_SIZE,
        concurrency: int = _defaults.DEFAULT_CONCURRENCY,
        transport: httpx.BaseTransport | None = None,
        verify: ssl.SSLContext | str | bool = True,
        proxy: str | None = None,
        http_client: httpx.Client | None = None,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
        wall_clock: Callable[[], float] | None = None,
        rng: random.Random | None = None,
        on_event: EventHook | None = None,
        _limiter: RateLimiter | None = None,
    ) -> None:
        super().__init__(
            token, base_url, timeout=timeout, max_retries=max_retries, max_retry_wait=max_retry_wait,
            requests_per_minute=requests_per_minute, page_size=page_size, concurrency=concurrency,
            clock=clock, wall_clock=wall_clock, rng=rng, on_event=on_event, limiter=_limiter,
        )
        check_callable("sleep", sleep, allow_none=True)
        self._sleep = sleep
        self._http: httpx.Client = self._http_client(http_client, httpx.Client, transport, verify, proxy)

    def __enter__(self) -> CortexClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool (a client made by ``with_options`` leaves it to the client it came from)."""
        if self._owns_http:
            self._http.close()

    def _copy(self, options: dict[str, Any]) -> Self:
        return type(self)(self._token.reveal(), str(self.base_url), **options, http_client=self._http,
                          sleep=self._sleep, clock=self._clock, wall_clock=self._wall_clock, rng=self._rng,
                          _limiter=self._limiter)

    def _pager(self, operation: OperationSpec[T], filters: Mapping[str, Any], page_size: int | None,
               max_pages: int | None, extra_query: ExtraQuery | None) -> SyncPager[T]:
        """The lazy pager of ``operation`` (the generated operation methods call it; arguments are checked now)."""
        return SyncPager(self._crawl(operation, filters, page_size, max_pages, extra_query), self._fetch,
                         _label(operation, filters, page_size, max_pages))

    def _wait(self, crawl: Crawl[Any], seconds: float) -> None:
        """Wait ``seconds`` (ended early when the crawl is cancelled); raise ``Cancelled`` if it is."""
        if seconds > 0:
            if self._sleep is None:
                crawl.cancelled.wait(seconds)
            else:
                self._sleep(seconds)
        if crawl.cancelled.is_set():
            raise Cancelled

    def _send(self, path: str, params: tuple[tuple[str, str], ...]) -> Outcome:
        if self._http.is_closed:
            return self._closed()
        try:
            response = self._http.send(self._request(self._http, path, params), stream=True, follow_redirects=False)
        except httpx.HTTPError as exc:
            return exc
        try:
            response.read()
        except httpx.DecodingError as exc:
            return undecodable(response, exc)
        except httpx.HTTPError as exc:
            return exc
        finally:
            response.close()
        return response

    def _fetch(self, crawl: Crawl[T], number: int) -> Fetched:
        params = crawl.params(number)
        attempt, started = 0, self._clock()
        while True:
            self._wait(crawl, self._paced(crawl, number))
            step = self._judge_attempt(crawl, number, self._send(crawl.operation.path, params), attempt, started)
            if isinstance(step, Fetched):
                return step
            self._wait(crawl, step)
            attempt += 1


class AsyncCortexClient(AsyncOperations, _BaseClient):
    """The async client, mirroring ``CortexClient``: ``async with``, ``async for``, ``await aclose()``.

    Runs under asyncio or trio (through anyio, as httpx does). Cancelling the task or scope that iterates a
    pager stops the crawl: no further request starts and every wait ends.
    """

    _transport_method = "handle_async_request"

    def __init__(
        self,
        token: str | None = None,
        base_url: str | None = None,
        *,
        timeout: float | httpx.Timeout = _defaults.DEFAULT_TIMEOUT,
        max_retries: int = _defaults.DEFAULT_MAX_RETRIES,
        max_retry_wait: float = _defaults.DEFAULT_MAX_RETRY_WAIT,
        requests_per_minute: int | None = _defaults.DEFAULT_REQUESTS_PER_MINUTE,
        page_size: int = _defaults.DEFAULT_PAGE_SIZE,
        concurrency: int = _defaults.DEFAULT_CONCURRENCY,
        transport: httpx.AsyncBaseTransport | None = None,
        verify: ssl.SSLContext | str | bool = True,
        proxy: str | None = None,
        http_client: httpx.AsyncClient | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        clock: Callable[[], float] | None = None,
        wall_clock: Callable[[], float] | None = None,
        rng: random.Random | None = None,
        on_event: EventHook | None = None,
        _limiter: RateLimiter | None = None,
    ) -> None:
        super().__init__(
            token, base_url, timeout=timeout, max_retries=max_retries, max_retry_wait=max_retry_wait,
            requests_per_minute=requests_per_minute, page_size=page_size, concurrency=concurrency,
            clock=clock, wall_clock=wall_clock, rng=rng, on_event=on_event, limiter=_limiter,
        )
        check_callable("sleep", sleep, allow_none=True)
        if sleep is None:
            import anyio  # here, not at module level: a sync-only user never pays for importing it

            sleep = anyio.sleep  # asyncio's or trio's, whichever loop runs the crawl
        self._sleep = sleep
        self._http: httpx.AsyncClient = self._http_client(http_client, httpx.AsyncClient, transport, verify, proxy)

    async def __aenter__(self) -> AsyncCortexClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the connection pool (a client made by ``with_options`` leaves it to the client it came from)."""
        if self._owns_http:
            await self._http.aclose()

    def _copy(self, options: dict[str, Any]) -> Self:
        return type(self)(self._token.reveal(), str(self.base_url), **options, http_client=self._http,
                          sleep=self._sleep, clock=self._clock, wall_clock=self._wall_clock, rng=self._rng,
                          _limiter=self._limiter)

    aclose = close

    def _pager(self, operation: OperationSpec[T], filters: Mapping[str, Any], page_size: int | None,
               max_pages: int | None, extra_query: ExtraQuery | None) -> AsyncPager[T]:
        """The lazy pager of ``operation`` (the generated operation methods call it; arguments are checked now)."""
        return AsyncPager(self._crawl(operation, filters, page_size, max_pages, extra_query), self._fetch,
                         _label(operation, filters, page_size, max_pages))

    async def _send(self, path: str, params: tuple[tuple[str, str], ...]) -> Outcome:
        if self._http.is_closed:
            return self._closed()
        try:
            response = await self._http.send(self._request(self._http, path, params), stream=True,
                                             follow_redirects=False)
        except httpx.HTTPError as exc:
            return exc
        try:
            await response.aread()
        except httpx.DecodingError as exc:
            return undecodable(response, exc)
        except httpx.HTTPError as exc:
            return exc
        finally:
            await response.aclose()
        return response

    async def _fetch(self, crawl: Crawl[T], number: int) -> Fetched:
        params = crawl.params(number)
        attempt, started = 0, self._clock()
        while True:
            delay = self._paced(crawl, number)
            if delay > 0:
                await self._sleep(delay)
            step = self._judge_attempt(crawl, number, await self._send(crawl.operation.path, params), attempt, started)
            if isinstance(step, Fetched):
                return step
            if step > 0:
                await self._sleep(step)
            attempt += 1
