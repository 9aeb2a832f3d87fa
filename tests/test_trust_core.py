"""Issue 10: the library's leak, crash and wrong-type defects found by outside testing."""

from __future__ import annotations

import copy
import datetime as dt
import gzip
import multiprocessing
import pickle
import threading
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from cortex_wrapper import (
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    CortexAPIError,
    CortexClient,
    CortexConfigError,
    CortexConnectionError,
    CortexError,
    CortexResponseError,
    CortexTimeoutError,
    InvalidParameterError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RetentionGapError,
    ServerError,
)

from .support.api import BASE, TOKEN, Harness, ScriptedFake, audit_record

ROOT = Path(__file__).resolve().parent.parent

# --- item 6: a token echoed by the server never reaches an exception ---


def _echo(status: int, kind: str) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        auth = request.headers["authorization"]
        if kind == "json":
            return httpx.Response(status, json={"type": "UNCATEGORIZED", "message": f"bad credentials: {auth}",
                                                "details": f"token was {auth.split()[1]}", "requestId": auth})
        if kind == "problem":
            return httpx.Response(status, json={"title": f"denied {auth}", "weird": auth})
        return httpx.Response(status, text=f"<html><body>upstream said: {auth}</body></html>",
                              headers={"content-type": "text/html", "x-request-id": auth.split()[1]})
    return handler


def _chain(error: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


@pytest.mark.parametrize(("status", "kind"), [(401, "json"), (403, "json"), (400, "problem"), (502, "html"),
                                              (418, "html"), (200, "html")])
def test_a_token_echoed_by_the_server_is_masked(harness: Harness, status: int, kind: str) -> None:
    client = harness.client(_echo(status, kind), max_retries=0)
    with pytest.raises(CortexError) as info:
        harness.items(client, "audit_logs")
    error = info.value
    for text in (str(error), repr(error), repr(vars(error)), pickle.dumps(error).decode("latin-1")):
        assert TOKEN not in text
    assert "***" in str(error) or "***" in repr(vars(error))


def test_a_connection_error_exposes_no_request(harness: Harness) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"refused while sending {request.headers['authorization']}", request=request)

    client = harness.client(refuse, max_retries=1)
    with pytest.raises(CortexConnectionError) as info:
        harness.items(client, "audit_logs")
    for error in _chain(info.value):
        assert not hasattr(error, "request"), f"{type(error).__name__} carries the request"
        assert TOKEN not in str(error) and TOKEN not in repr(error)
    assert info.value.__cause__ is None


# --- item 7: the sync pager stops when its consumer does ---


def _threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("cortex-page")]


def test_no_request_starts_after_the_consumer_breaks() -> None:
    requests: list[int] = []
    lock = threading.Lock()
    later_page_asked = threading.Event()

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        with lock:
            requests.append(page)
        if page >= 2:
            later_page_asked.set()
        if page <= 1:  # pages 0 and 1 answer; the pages planned after them wait out a 30 s 429
            return ScriptedFake("audit_logs", [audit_record(i) for i in range(40)])(request)
        return httpx.Response(429, headers={"Retry-After": "30"}, json={"title": "Too Many Requests"})

    before = set(_threads())
    client = CortexClient(TOKEN, BASE, transport=httpx.MockTransport(handler), page_size=10, concurrency=3,
                          requests_per_minute=None)  # the default, interruptible sleep
    for count, _ in enumerate(client.audit_logs(), start=1):
        if count == 11:  # the first record of page 1: pages 2 and 3 are in flight
            # one of them is sent by now, however slowly the worker threads are scheduled (not always page 2:
            # a 429 on page 3 pauses the whole client, so page 2 may be waiting out that pause instead)
            assert later_page_asked.wait(timeout=5)
            break
    workers = [t for t in _threads() if t not in before]
    for thread in workers:
        thread.join(timeout=5)
    # joined within 5 s: the 30 s Retry-After wait was cut short (a wait on the threads, not a wall-clock bound)
    assert not [t for t in workers if t.is_alive()], "pager threads still running after the consumer stopped"
    with lock:
        after_break = list(requests)
    assert {0, 1} < set(after_break) <= {0, 1, 2, 3}  # a later page was asked, none beyond those planned
    assert len(after_break) <= 4 + 2  # each page once, and at most one retry started before the break
    client.close()


def _two_pages_then_busy(calls: list[int], page_2_asked: threading.Event) -> CortexClient:
    """A client whose server answers pages 0 and 1, then 503 with a 20 s ``Retry-After``; pages asked go in ``calls``.

    ``page_2_asked`` is set once page 2 was requested.
    """

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(int(request.url.params["page"]))
        if calls[-1] == 2:
            page_2_asked.set()
        if calls[-1] <= 1:
            return ScriptedFake("audit_logs", [audit_record(i) for i in range(40)])(request)
        return httpx.Response(503, headers={"Retry-After": "20"}, json={"message": "busy"})

    return CortexClient(TOKEN, BASE, transport=httpx.MockTransport(handler), page_size=10, concurrency=2,
                        requests_per_minute=None)


def test_closing_the_page_iterator_stops_fetching() -> None:
    calls: list[int] = []
    page_2_asked = threading.Event()
    client = _two_pages_then_busy(calls, page_2_asked)
    pages = client.audit_logs().pages()
    next(pages)
    next(pages)  # page 1: page 2 is now in flight, waiting out a 20 s 503
    assert page_2_asked.wait(timeout=5)  # sent by now, however slowly the worker threads are scheduled
    pages.close()
    for thread in _threads():
        thread.join(timeout=5)
    assert not _threads()
    assert {0, 1, 2} <= set(calls) <= {0, 1, 2, 3}
    assert len(calls) <= 4 + 1
    client.close()


def test_an_exception_in_the_consumer_stops_fetching() -> None:
    calls: list[int] = []
    page_2_asked = threading.Event()
    before = set(_threads())
    client = _two_pages_then_busy(calls, page_2_asked)
    with pytest.raises(ZeroDivisionError):
        for count, _ in enumerate(client.audit_logs(), start=1):
            if count == 11:  # the first record of page 1: page 2 is in flight, waiting out a 20 s 503
                assert page_2_asked.wait(timeout=5)  # sent by now, however slowly the worker threads are scheduled
                _ = 1 / 0
    workers = [t for t in _threads() if t not in before]
    for thread in workers:
        thread.join(timeout=5)
    # joined within 5 s: the 20 s wait was cut short
    assert not [t for t in workers if t.is_alive()], "pager threads still running after the consumer raised"
    assert {0, 1, 2} <= set(calls) <= {0, 1, 2, 3}
    assert len(calls) <= 4 + 1
    client.close()


# --- item 9: every public exception pickles and deep-copies with its fields ---

ERRORS: list[CortexError] = [
    CortexError("plain"),
    CortexConfigError("no token"),
    InvalidParameterError("statuses", "bad value", ("A", "B")),
    CortexAPIError(418, "teapot", error_type="UNCATEGORIZED", request_id="r1", details="d"),
    BadRequestError(400, "bad", error_type="BAD_REQUEST", request_id="r2"),
    AuthenticationError(401, "who", request_id="r3"),
    PermissionDeniedError(403, "no", permission="View audit logs", request_id="r4"),
    NotFoundError(404, "where"),
    RateLimitError(429, "slow down", retry_after=12.5, request_id="r5"),
    ServerError(503, "down", details="maintenance"),
    CortexConnectionError("refused"),
    CortexTimeoutError("slow"),
    CortexResponseError("not JSON", status_code=200, excerpt="<html>"),
    RetentionGapError("a gap", dt.datetime(2026, 1, 1, tzinfo=dt.UTC), dt.datetime(2026, 2, 1, tzinfo=dt.UTC)),
    ClientClosedError("closed"),
]


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: type(e).__name__)
def test_every_public_exception_round_trips(error: CortexError) -> None:
    for copied in (pickle.loads(pickle.dumps(error)), copy.deepcopy(error), copy.copy(error)):
        assert type(copied) is type(error)
        assert str(copied) == str(error)
        assert vars(copied) == vars(error)
        assert copied.args == error.args


def test_the_round_trip_list_covers_every_public_exception_and_warning() -> None:
    import cortex_wrapper

    public = {getattr(cortex_wrapper, name) for name in cortex_wrapper.__all__}
    raised = {cls for cls in public if isinstance(cls, type) and issubclass(cls, BaseException)}
    warning_classes = {cls for cls in raised if issubclass(cls, Warning)}
    assert {type(error) for error in ERRORS} == raised - warning_classes
    for cls in warning_classes:  # warnings carry a message only
        warning = cls("a value", "NotificationLog.medium")
        copied = pickle.loads(pickle.dumps(warning))
        assert type(copied) is cls and copied.args == warning.args


def _raise_permission_denied() -> None:
    raise PermissionDeniedError(403, "no", permission="View audit logs", request_id="r9")


@pytest.mark.slow  # a fresh interpreter: about a second
def test_an_exception_raised_in_a_process_pool_worker_reaches_the_caller() -> None:
    # a thread runs meanwhile, as the pager's workers (or a test runner's) may: the pool must not fork this process
    stop = threading.Event()
    busy = threading.Thread(target=stop.wait, name="busy-meanwhile", daemon=True)
    busy.start()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")  # an "error" filter would hide it: CPython drops a fork warning it cannot raise
            # "spawn": a fresh interpreter, not a fork() of this multi-threaded one (Linux's default start method
            # until Python 3.14, and unsafe: a lock held by another thread at the fork stays held in the child)
            with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
                future = pool.submit(_raise_permission_denied)
                with pytest.raises(PermissionDeniedError) as info:
                    future.result(timeout=60)
    finally:
        stop.set()
        busy.join()
    assert [str(w.message) for w in caught] == []  # Python 3.12+: "multi-threaded, use of fork() may lead to deadlocks"
    assert info.value.permission == "View audit logs"
    assert info.value.request_id == "r9" and info.value.status_code == 403


# --- item 10: a closed client raises a CortexError ---


def test_using_a_closed_client_raises_client_closed_error(harness: Harness) -> None:
    client = harness.client(ScriptedFake("audit_logs", [audit_record(1)]))
    pager = client.audit_logs()
    if harness.mode == "sync":
        client.close()
    else:
        harness.run(client.close)
    with pytest.raises(ClientClosedError) as info:
        harness.items(client, "audit_logs")
    assert isinstance(info.value, CortexError) and "closed" in str(info.value)
    with pytest.raises(ClientClosedError):
        if harness.mode == "sync":
            list(pager)
        else:
            harness.items(client, "audit_logs")


# --- item 11: a corrupt gzip body is a response error, not a network failure ---


class RawBody(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body handed over undecoded, as a socket would: httpx decodes it only when it is read."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __iter__(self) -> Any:
        yield self.data

    async def __aiter__(self) -> Any:
        yield self.data


def test_an_invalid_gzip_body_is_a_response_error(harness: Harness) -> None:
    def corrupt(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-encoding": "gzip"}, stream=RawBody(b"this is not gzip at all"))

    with pytest.raises(CortexResponseError) as info:
        harness.items(harness.client(corrupt), "audit_logs")
    assert info.value.status_code == 200
    assert "gzip" in str(info.value)


def test_a_valid_gzip_body_still_parses(harness: Harness) -> None:
    plain = ScriptedFake("audit_logs", [audit_record(1)])

    def gzipped(request: httpx.Request) -> httpx.Response:
        body = plain(request).content
        return httpx.Response(200, headers={"content-encoding": "gzip"}, stream=RawBody(gzip.compress(body)))

    assert len(harness.items(harness.client(gzipped), "audit_logs")) == 1


# --- item 12: a JSON error body that is not an ErrorResponse is not called non-JSON ---


def test_a_json_error_body_that_is_not_an_error_response(harness: Harness) -> None:
    def odd(request: httpx.Request) -> httpx.Response:
        return httpx.Response(418, json={"error": "short and stout"})

    with pytest.raises(CortexAPIError) as info:
        harness.items(harness.client(odd), "audit_logs")
    assert "non-JSON" not in str(info.value)
    assert "not an ErrorResponse" in str(info.value) and "short and stout" in str(info.value)
