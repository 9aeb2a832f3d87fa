"""Auto-pagination: the crawl policy (shared) and the sync and async pagers (I/O only)."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import queue
import threading
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Generator, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from itertools import islice, repeat
from operator import attrgetter
from typing import Any, Generic, TypeVar

import httpx
from cortex_api_client.operations import OperationSpec

from ._defaults import DEDUPE_WINDOW_PAGES, PROBE_PAGE_DISTANCE
from ._enums import report_unknown_enums, warn_unknown
from ._errors import BadRequestError, NotFoundError
from ._events import Event, PageFetched
from ._params import Pairs
from ._response import Page, parse_page, parse_raw_page
from ._wire import RawRecord, column

T = TypeVar("T")
R = TypeVar("R")
logger = logging.getLogger("cortex_wrapper")


OUT_OF_RANGE = (BadRequestError, NotFoundError)
"""How a server that reads ``page`` may refuse a page past the end (400 and 422 are ``BadRequestError``)."""


Parse = Callable[[OperationSpec[Any], httpx.Response], Page[T]]
"""A page parser of ``_response`` (``parse_page``, ``parse_raw_page``): what the pager passes its crawl."""


class Cancelled(Exception):
    """Raised inside a fetch whose crawl was abandoned by its consumer; never reaches the caller."""


@dataclass(frozen=True)
class Probe:
    """``Crawl.judge_page``'s request to fetch page ``number`` before judging a page that repeats the previous one."""

    number: int


@dataclass(frozen=True)
class Fetched:
    """A page's accepted (2xx) response, as a fetch hands it to the pager (which parses it).

    ``retries``: how many it took; ``elapsed``: seconds from the page's first attempt to this response.
    """

    response: httpx.Response
    retries: int
    elapsed: float


class Crawl(Generic[T]):
    """One pass over every page of a query: which pages to fetch, what to yield, when to stop.

    * its query carries an upper time bound (the client freezes one at the start when the caller gave
      none), so records arriving during the crawl neither repeat nor shift page boundaries;
    * after page 0 the pages ``1 .. totalPages-1`` are planned, fetched up to
      ``concurrency`` at a time and yielded in order;
    * it stops at ``page + 1 >= totalPages``, an empty page, ``max_pages``, or a page the
      server numbers wrongly (page 0's records are still yielded);
    * a page identical to the previous one is legitimate (audit entries have no id, and the same
      bot can read the same object twice in one millisecond) unless the server ignores ``page``:
      the first such repeat makes the crawl probe a page past the end once. A server that pages
      correctly answers it empty, and the repeated page is kept; one that ignores ``page`` answers
      the same records again under the number asked for, and the crawl stops (a refusal, 400/404/422,
      or the last page under its own number, mean it reads ``page``). So no record of a correct server is dropped, a
      broken one costs at most three requests, and only the previous page is remembered;
    * nonsense totals (negative, zero with items) switch to one page at a time
      until an empty page;
    * records with an id are deduplicated within a bounded window of recent ids;
    * ``cancelled`` is set when the consumer stops: fetches check it before every attempt and wake
      from their waits.
    """

    def __init__(
        self, operation: OperationSpec[Any], pairs: Pairs, *, page_size: int, max_pages: int | None, concurrency: int,
        parse: Parse[T] = parse_page, emit: Callable[[Event], None] | None = None,
    ) -> None:
        self.operation = operation
        self._emit = emit
        self.parse = parse
        """The page parser the pager passed in: models (``parse_page``), or ``RawRecord`` items (``parse_raw_page``)."""
        self._keys: Callable[[list[Any]], list[Any]] | None = None
        """The ids of a page's items (None: records without ids)."""
        id_field, wire_id = operation.id_field, operation.id_wire
        if id_field is not None and wire_id is not None:
            by_attribute = attrgetter(id_field)

            def keys(items: list[Any]) -> list[Any]:
                if items and type(items[0]) is RawRecord:
                    return column([item.data for item in items], wire_id, None)
                return list(map(by_attribute, items))

            self._keys = keys
        self._pairs = pairs
        self.page_size = page_size
        self.max_pages = max_pages
        self.concurrency = concurrency
        self.done = False
        self.cancelled = threading.Event()
        self.last_page: int | None = None  # planned last page number; None: one at a time
        self._previous: list[T] | None = None  # the items of the last page taken, before deduplication
        self._paging_verified = False
        self._recent_ids: deque[Any] = deque()
        self._recent_set: set[Any] = set()
        self._id_window = page_size * (concurrency + DEDUPE_WINDOW_PAGES)
        self._first_totals: tuple[int, int] | None = None

    def received(self, number: int, fetched: Fetched) -> Page[T]:
        """The page of an accepted response: parsed, its drift warned about and reported (``PageFetched``).

        The one home of parsing and drift warnings, called by the pagers in the consumer's thread or task as each
        page is handed over, with the parse function the pager passed in (``self.parse``): fetches only send, wait
        and retry, so they overlap better, and a drift warning points at the consumer's line.
        ``CortexResponseError`` when the body is not what the spec says.
        """
        name = self.operation.operation_id
        page = dataclasses.replace(self.parse(self.operation, fetched.response), retries=fetched.retries,
                                   elapsed=fetched.elapsed)
        warn_unknown(report_unknown_enums(name))
        if self._emit is not None:
            self._emit(PageFetched(name, number, len(page.items), page.elapsed, page.request_id, page.retries))
        return page

    def params(self, page: int) -> tuple[tuple[str, str], ...]:
        """The query of one page."""
        return (*self._pairs, ("page", str(page)), ("pageSize", str(self.page_size)))

    def window(self) -> int:
        """How many pages may be in flight at once."""
        return self.concurrency if self.last_page is not None else 1

    def next_page_numbers(self) -> Iterator[int]:
        """The page numbers after page 0, lazily, until the crawl is done."""
        number = 1
        while not self.done and (self.max_pages is None or number < self.max_pages):
            if self.last_page is not None and number > self.last_page:
                return
            yield number
            number += 1

    def judge_page(self, number: int, page: Page[T]) -> Page[T] | Probe | None:
        """Accept the page fetched as ``number``: the page to yield, a ``Probe`` to fetch first, or None to stop."""
        if self.done:
            return None
        name = self.operation.operation_id
        if page.page != number:
            logger.warning("%s: asked for page %d, the server answered page %d; stopping", name, number, page.page)
            self._stop()
            return self._accept(number, page) if number == 0 else None
        if number == 0:
            self._plan(page)
        elif (page.total, page.total_pages) != self._first_totals:
            logger.warning(
                "%s: totals changed mid-crawl (total, pages: %s -> %s); finishing the planned pages",
                name, self._first_totals, (page.total, page.total_pages),
            )
            self._first_totals = (page.total, page.total_pages)
        if not page.items:
            self._stop()
            return page if number == 0 else None
        if not self._paging_verified and page.items == self._previous:
            return Probe(self.last_page + 1 if self.last_page is not None else number + PROBE_PAGE_DISTANCE)
        return self._accept(number, page)

    def judge_probe(self, number: int, page: Page[T], probe: Probe, answer: Page[T] | None) -> Page[T] | None:
        """Page ``number`` repeated the previous page; ``answer`` is the server's to ``probe``. Keep it, or stop.

        ``answer`` is None when the server refused the page past the end (400, 404, 422): it reads
        ``page``. So does one that answers under another page number (it clamps to its last page).
        Only the same records under the number asked for mean that the server ignores ``page``.
        """
        if answer is not None and answer.page == probe.number and answer.items and answer.items == page.items:
            logger.warning(
                "%s: page %d repeats the previous page and a page past the end does too: the server ignores "
                "'page'; stopping", self.operation.operation_id, number,
            )
            self._stop()
            return None
        self._paging_verified = True
        return self._accept(number, page)

    def _accept(self, number: int, page: Page[T]) -> Page[T]:
        self._previous = page.items
        items = self._dedupe(page.items)
        if self.last_page is not None and number >= self.last_page:
            self._stop()
        if self.max_pages is not None and number + 1 >= self.max_pages:
            self._stop()
        if items is page.items:
            return page
        return dataclasses.replace(page, items=items)

    def _plan(self, first: Page[T]) -> None:
        self._first_totals = (first.total, first.total_pages)
        if first.total < 0 or first.total_pages < 0 or (first.total_pages == 0 and first.items):
            logger.warning(
                "%s: nonsense totals (total %d, totalPages %d); reading one page at a time until an empty page",
                self.operation.operation_id, first.total, first.total_pages,
            )
            self.last_page = None
        else:
            self.last_page = max(first.total_pages - 1, 0)

    def _dedupe(self, items: list[T]) -> list[T]:
        """``items`` without the records whose id came among the last ``_id_window`` ids kept (ids from the items)."""
        if self._keys is None:
            return items
        keys = self._keys(items)
        recent_ids, recent = self._recent_ids, self._recent_set
        if not recent.isdisjoint(keys) or len(set(keys)) != len(keys):
            return self._dedupe_each(items, keys)
        # the usual page: every id is new (whatever leaves the window meanwhile), so all are kept
        recent_ids.extend(keys)
        recent.update(keys)
        if (excess := len(recent_ids) - self._id_window) > 0:  # the oldest ids leave the window
            recent.difference_update(map(deque.popleft, repeat(recent_ids, excess)))
        return items

    def _dedupe_each(self, items: list[T], keys: list[Any]) -> list[T]:
        """``_dedupe`` one item at a time, for a page that repeats an id."""
        recent_ids, recent = self._recent_ids, self._recent_set
        kept = []
        for item, key in zip(items, keys, strict=True):
            if key in recent:
                logger.info("%s: dropped a repeated record (%s=%r)", self.operation.operation_id,
                            self.operation.id_field, key)
                continue
            kept.append(item)
            recent_ids.append(key)
            recent.add(key)
            if len(recent_ids) > self._id_window:  # evicted before the next item is judged
                recent.discard(recent_ids.popleft())
        return kept

    def _stop(self) -> None:
        self.done = True


Fetch = Callable[[Crawl[R], int], Fetched]
"""A client's fetch of one page: sends, waits and retries until the response is accepted (the pager parses it)."""
AsyncFetch = Callable[[Crawl[R], int], Awaitable[Fetched]]


class _Fetcher:
    """Daemon threads that run one crawl's fetches, ``size`` at a time.

    Daemon threads, not a ``ThreadPoolExecutor``: the interpreter joins executor threads at exit, so a
    fetch blocked in a socket read would hold up the exit of a process interrupted with Ctrl-C.
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._jobs: queue.SimpleQueue[tuple[Future[Any], Callable[[], Any]] | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []

    def submit(self, job: Callable[[], R]) -> Future[R]:
        """Run ``job`` on a worker; its future."""
        future: Future[R] = Future()
        self._jobs.put((future, job))
        if len(self._threads) < self._size:
            thread = threading.Thread(target=self._work, name="cortex-page", daemon=True)
            self._threads.append(thread)
            thread.start()
        return future

    def _work(self) -> None:
        while (item := self._jobs.get()) is not None:
            future, job = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = job()
            except BaseException as exc:  # handed to whoever reads the future
                future.set_exception(exc)
            else:
                future.set_result(result)

    def shutdown(self) -> None:
        """Let every worker exit once its current job is done (queued jobs were cancelled by the caller)."""
        for _ in self._threads:
            self._jobs.put(None)


class SyncPager(Generic[T]):
    """A lazy, re-iterable view of every record of a query; no request until iterated.

    Iterate it for the records across all pages, in server order, or call
    ``pages()`` for ``Page`` objects. Each iteration is a fresh crawl. When the
    consumer stops early (``break``, an exception, ``close()`` of the iterator),
    no further request starts and every wait of the crawl ends at once.
    """

    def __init__(self, make_crawl: Callable[[Parse[Any]], Crawl[Any]], fetch: Fetch[Any], label: str = "") -> None:
        self._make_crawl = make_crawl
        self._fetch = fetch
        self._label = label

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._label}>"

    def __iter__(self) -> Iterator[T]:
        with contextlib.closing(self.pages()) as pages:
            for page in pages:
                yield from page.items

    def pages(self) -> Generator[Page[T], None, None]:
        """Yield each page in order: the first at once, then the rest fetched ``concurrency`` at a time."""
        return self._crawl(self._make_crawl(parse_page))

    def raw_pages(self) -> Generator[Page[RawRecord], None, None]:
        """``pages()``, with each record as the API sent it (``RawRecord``: its JSON text and decoded data).

        Every record is validated as ``pages()`` validates it (against the operation table); none is built.
        For exporters that must keep records exactly as sent (keys, order, timestamp text, unknown fields and
        values).
        """
        return self._crawl(self._make_crawl(parse_raw_page))

    def _judged(self, crawl: Crawl[R], number: int, fetched: Fetched) -> Page[R] | None:
        page = crawl.received(number, fetched)
        verdict = crawl.judge_page(number, page)
        if isinstance(verdict, Probe):
            try:
                answer: Page[R] | None = crawl.received(verdict.number, self._fetch(crawl, verdict.number))
            except OUT_OF_RANGE:
                answer = None
            return crawl.judge_probe(number, page, verdict, answer)
        return verdict

    def _crawl(self, crawl: Crawl[R]) -> Generator[Page[R], None, None]:
        pending: deque[tuple[int, Future[Fetched]]] = deque()
        fetcher = _Fetcher(crawl.concurrency)
        try:
            first = self._judged(crawl, 0, self._fetch(crawl, 0))
            if first is None:
                return
            yield first
            numbers = crawl.next_page_numbers()
            while not crawl.done:
                while len(pending) < crawl.window() and (number := next(numbers, None)) is not None:
                    pending.append((number, fetcher.submit(lambda n=number: self._fetch(crawl, n))))  # type: ignore[misc]
                if not pending:
                    return
                number, future = pending.popleft()
                page = self._judged(crawl, number, future.result())
                if page is None:
                    return
                yield page
        finally:
            crawl.cancelled.set()
            for _, future in pending:
                future.cancel()
            fetcher.shutdown()


class AsyncPager(Generic[T]):
    """The async mirror of ``SyncPager``: ``async for`` records, or ``async for`` over ``pages()``.

    Runs on any event loop anyio supports (asyncio, trio). Pages are fetched a window of up to
    ``concurrency`` at a time, in a task group that ends before any page of the window is yielded: no
    task runs while the consumer holds a page, so stopping (``break``, ``aclose()``, an exception, a
    cancelled scope) leaves no task behind and starts no further request.
    """

    def __init__(self, make_crawl: Callable[[Parse[Any]], Crawl[Any]], fetch: AsyncFetch[Any], label: str = "") -> None:
        self._make_crawl = make_crawl
        self._fetch = fetch
        self._label = label

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._label}>"

    async def __aiter__(self) -> AsyncIterator[T]:
        pages = self.pages()
        try:
            async for page in pages:
                for item in page.items:
                    yield item
        finally:
            await pages.aclose()

    def pages(self) -> AsyncGenerator[Page[T], None]:
        """Yield each page in order: the first at once, then the rest fetched ``concurrency`` at a time."""
        return self._crawl(self._make_crawl(parse_page))

    def raw_pages(self) -> AsyncGenerator[Page[RawRecord], None]:
        """``pages()``, with each record as the API sent it (``RawRecord``), validated as ``pages()`` validates it."""
        return self._crawl(self._make_crawl(parse_raw_page))

    async def _judged(self, crawl: Crawl[R], number: int, fetched: Fetched) -> Page[R] | None:
        page = crawl.received(number, fetched)
        verdict = crawl.judge_page(number, page)
        if isinstance(verdict, Probe):
            try:
                answer: Page[R] | None = crawl.received(verdict.number, await self._fetch(crawl, verdict.number))
            except OUT_OF_RANGE:
                answer = None
            return crawl.judge_probe(number, page, verdict, answer)
        return verdict

    async def _fetch_window(self, crawl: Crawl[R], numbers: list[int]) -> list[Fetched | Exception]:
        """Fetch ``numbers`` concurrently; each page, or the exception its fetch raised, in order.

        Returns only once every fetch has ended. A failed page cancels the fetches of the pages after it
        (they would never be yielded); the pages before it are still awaited, to be yielded first.
        """
        import anyio  # here, not at module level: a sync-only user never pays for importing it

        outcomes: list[Fetched | Exception | None] = [None] * len(numbers)
        scopes = [anyio.CancelScope() for _ in numbers]

        async def fetch(index: int) -> None:
            with scopes[index]:
                try:
                    outcomes[index] = await self._fetch(crawl, numbers[index])
                except Exception as exc:  # raised to the consumer in page order, not as an ExceptionGroup
                    outcomes[index] = exc
                    for later in scopes[index + 1:]:
                        later.cancel()

        async with anyio.create_task_group() as group:
            for index in range(len(numbers)):
                group.start_soon(fetch, index)
        # a page cancelled by an earlier failure has no outcome; the loop below stops at that failure first
        return [outcome for outcome in outcomes if outcome is not None]

    async def _crawl(self, crawl: Crawl[R]) -> AsyncGenerator[Page[R], None]:
        try:
            first = await self._judged(crawl, 0, await self._fetch(crawl, 0))
            if first is None:
                return
            yield first
            numbers = crawl.next_page_numbers()
            while not crawl.done:
                window = list(islice(numbers, crawl.window()))
                if not window:
                    return
                # the window's task group has ended here: nothing runs while a page is yielded
                for number, outcome in zip(window, await self._fetch_window(crawl, window), strict=False):
                    if isinstance(outcome, Exception):
                        raise outcome
                    page = await self._judged(crawl, number, outcome)
                    if page is None:
                        return
                    yield page
        finally:
            crawl.cancelled.set()
