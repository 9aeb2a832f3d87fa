"""Auto-pagination: the crawl policy (shared) and the sync and async pagers (I/O only)."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Generic, TypeVar

from ._defaults import DEDUPE_WINDOW_PAGES
from ._operations import Operation
from ._params import Pairs
from ._response import Page

T = TypeVar("T")
logger = logging.getLogger("cortex_wrapper")


class Crawl(Generic[T]):
    """One pass over every page of a query: which pages to fetch, what to yield, when to stop.

    * its query carries an upper time bound (the client freezes one at the start when the caller gave
      none), so records arriving during the crawl neither repeat nor shift page boundaries;
    * after page 0 the pages ``1 .. totalPages-1`` are planned, fetched up to
      ``concurrency`` at a time and yielded in order;
    * it stops at ``page + 1 >= totalPages``, an empty page, ``max_pages``, a page
      that repeats an earlier one, or a page the server numbers wrongly;
    * nonsense totals (negative, zero with items) switch to one page at a time
      until an empty or repeated page;
    * records with an id are deduplicated within a bounded window of recent ids.
    """

    def __init__(
        self, operation: Operation[T], pairs: Pairs, *, page_size: int, max_pages: int | None, concurrency: int
    ) -> None:
        self.operation = operation
        self._pairs = pairs
        self.page_size = page_size
        self.max_pages = max_pages
        self.concurrency = concurrency
        self.done = False
        self.last_page: int | None = None  # planned last page number; None: one at a time
        self._fingerprints: set[tuple[int, str]] = set()
        self._recent_ids: deque[Any] = deque()
        self._recent_set: set[Any] = set()
        self._id_window = page_size * (concurrency + DEDUPE_WINDOW_PAGES)
        self._first_totals: tuple[int, int] | None = None

    def params(self, page: int) -> tuple[tuple[str, str], ...]:
        """The query of one page."""
        return (*self._pairs, ("page", str(page)), ("pageSize", str(self.page_size)))

    def window(self) -> int:
        """How many pages may be in flight at once."""
        return self.concurrency if self.last_page is not None else 1

    def following(self) -> Iterator[int]:
        """The page numbers after page 0, lazily, until the crawl is done."""
        number = 1
        while not self.done and (self.max_pages is None or number < self.max_pages):
            if self.last_page is not None and number > self.last_page:
                return
            yield number
            number += 1

    def take(self, number: int, page: Page[T]) -> Page[T] | None:
        """Accept the page fetched as ``number``; the page to yield, or None to stop the crawl."""
        if self.done:
            return None
        name = self.operation.operation_id
        if page.page != number:
            logger.warning("%s: asked for page %d, the server answered page %d; stopping", name, number, page.page)
            self._stop()
            return None
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
        fingerprint = (len(page.items), repr(page.items[0]) + repr(page.items[-1]))
        if fingerprint in self._fingerprints:
            logger.warning("%s: page %d repeats an earlier page; stopping", name, number)
            self._stop()
            return None
        self._fingerprints.add(fingerprint)
        items = self._dedupe(page.items)
        if self.last_page is not None and number >= self.last_page:
            self._stop()
        if self.max_pages is not None and number + 1 >= self.max_pages:
            self._stop()
        return Page(items, page.page, page.total, page.total_pages)

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
        field = self.operation.id_field
        if field is None:
            return items
        kept = []
        for item in items:
            key = getattr(item, field)
            if key in self._recent_set:
                logger.info("%s: dropped a repeated record (%s=%r)", self.operation.operation_id, field, key)
                continue
            kept.append(item)
            self._recent_ids.append(key)
            self._recent_set.add(key)
            if len(self._recent_ids) > self._id_window:
                self._recent_set.discard(self._recent_ids.popleft())
        return kept

    def _stop(self) -> None:
        self.done = True


Fetch = Callable[[Crawl[T], int], Page[T]]
AsyncFetch = Callable[[Crawl[T], int], Awaitable[Page[T]]]


class SyncPager(Generic[T]):
    """A lazy, re-iterable view of every record of a query; no request until iterated.

    Iterate it for the records across all pages, in server order, or call
    ``pages()`` for ``Page`` objects. Each iteration is a fresh crawl.
    """

    def __init__(self, make_crawl: Callable[[], Crawl[T]], fetch: Fetch[T]) -> None:
        self._make_crawl = make_crawl
        self._fetch = fetch

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page.items

    def pages(self) -> Iterator[Page[T]]:
        """Yield each page in order: the first at once, then the rest fetched ``concurrency`` at a time."""
        crawl = self._make_crawl()
        first = crawl.take(0, self._fetch(crawl, 0))
        if first is None:
            return
        yield first
        if crawl.done:
            return
        pending: deque[tuple[int, Future[Page[T]]]] = deque()
        numbers = crawl.following()
        pool = ThreadPoolExecutor(max_workers=crawl.concurrency, thread_name_prefix="cortex-page")
        try:
            while True:
                while len(pending) < crawl.window() and (number := next(numbers, None)) is not None:
                    pending.append((number, pool.submit(self._fetch, crawl, number)))
                if not pending:
                    return
                number, future = pending.popleft()
                page = crawl.take(number, future.result())
                if page is None:
                    return
                yield page
        finally:
            for _, future in pending:
                future.cancel()
            pool.shutdown(wait=False, cancel_futures=True)


class AsyncPager(Generic[T]):
    """The async mirror of ``SyncPager``: ``async for`` records, or ``async for`` over ``pages()``."""

    def __init__(self, make_crawl: Callable[[], Crawl[T]], fetch: AsyncFetch[T]) -> None:
        self._make_crawl = make_crawl
        self._fetch = fetch

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.items:
                yield item

    async def pages(self) -> AsyncIterator[Page[T]]:
        """Yield each page in order: the first at once, then the rest fetched ``concurrency`` at a time."""
        crawl = self._make_crawl()
        first = crawl.take(0, await self._fetch(crawl, 0))
        if first is None:
            return
        yield first
        if crawl.done:
            return
        pending: deque[tuple[int, asyncio.Task[Page[T]]]] = deque()
        numbers = crawl.following()
        try:
            while True:
                while len(pending) < crawl.window() and (number := next(numbers, None)) is not None:
                    pending.append((number, asyncio.ensure_future(self._fetch(crawl, number))))
                if not pending:
                    return
                number, task = pending.popleft()
                page = crawl.take(number, await task)
                if page is None:
                    return
                yield page
        finally:
            for _, task in pending:
                task.cancel()
            if pending:
                await asyncio.gather(*(task for _, task in pending), return_exceptions=True)
