"""Rate limits and retries, for both clients; waits go through the injected sleep."""

from __future__ import annotations

import email.utils
import random
import time

import httpx
import pytest
from cortex_api_client.operations import AUDIT_LOGS

from cortex_wrapper import CortexAPIError, CortexConnectionError, CortexTimeoutError, RateLimitError, ServerError
from cortex_wrapper._defaults import BACKOFF_MAX
from cortex_wrapper._ratelimit import RateLimiter
from cortex_wrapper._retry import Retry, RetryPolicy, doubled, parse_retry_after

from .support.api import Harness, ScriptedFake, audit_record, error_response

PROBLEM = "application/problem+json"


def too_many(retry_after: int | None, header: str | None = None, html: bool = False) -> httpx.Response:
    headers = {"Retry-After": header} if header is not None else {}
    if html:
        return httpx.Response(429, text="<html><body><h1>429 Too Many Requests</h1></body></html>",
                              headers={**headers, "content-type": "text/html"})
    body = {"type": "about:blank", "title": "Too Many Requests", "status": 429, "detail": "slow down"}
    if retry_after is not None:
        body["retryAfter"] = retry_after
    return httpx.Response(429, json=body, headers={**headers, "content-type": PROBLEM})


def one_record_api() -> ScriptedFake:
    return ScriptedFake("audit_logs", [audit_record(1)])


def test_429_with_retry_after_seconds(harness: Harness) -> None:
    api = one_record_api()
    api.script = [too_many(7, header="7")]
    assert len(harness.items(harness.client(api), "audit_logs")) == 1
    assert harness.clock.sleeps == [7.0]
    assert len(api.requests) == 2


def test_429_with_retry_after_http_date(harness: Harness) -> None:
    api = one_record_api()
    when = email.utils.formatdate(time.time() + 20, usegmt=True)
    api.script = [too_many(None, header=when)]
    harness.items(harness.client(api), "audit_logs")
    assert len(harness.clock.sleeps) == 1
    assert 18.0 <= harness.clock.sleeps[0] <= 20.0


@pytest.mark.parametrize("form", ["imf", "rfc850", "asctime"])
def test_429_with_retry_after_in_each_http_date_form(harness: Harness, form: str) -> None:
    moment = time.gmtime(time.time() + 20)
    text = {
        "imf": time.strftime("%a, %d %b %Y %H:%M:%S GMT", moment),
        "rfc850": time.strftime("%A, %d-%b-%y %H:%M:%S GMT", moment),
        "asctime": time.strftime("%a %b %e %H:%M:%S %Y", moment),
    }[form]
    api = one_record_api()
    api.script = [too_many(None, header=text)]
    harness.items(harness.client(api), "audit_logs")
    assert len(harness.clock.sleeps) == 1
    assert 17.0 <= harness.clock.sleeps[0] <= 20.0


WALL = 2_000_000_000.0  # 2033-05-18T03:33:20Z: far from the real time, whenever the test runs


def http_date_forms(moment: float) -> dict[str, str]:
    """RFC 9110's three forms of an HTTP date, all GMT."""
    when = time.gmtime(moment)
    return {
        "imf": time.strftime("%a, %d %b %Y %H:%M:%S GMT", when),
        "rfc850": time.strftime("%A, %d-%b-%y %H:%M:%S GMT", when),
        "asctime": time.strftime("%a %b %e %H:%M:%S %Y", when),
    }


@pytest.mark.parametrize("form", ["imf", "rfc850", "asctime"])
def test_an_http_date_retry_after_is_counted_from_the_injected_wall_clock(form: str) -> None:
    header = http_date_forms(WALL + 7)[form]
    assert parse_retry_after(too_many(None, header=header), wall_clock=lambda: WALL) == 7.0
    assert parse_retry_after(too_many(None, header=header), wall_clock=lambda: WALL + 2.5) == 4.5
    assert parse_retry_after(too_many(None, header=header), wall_clock=lambda: WALL + 60) == 0.0  # already past


def test_the_policy_waits_for_an_http_date_on_its_wall_clock_not_the_real_one() -> None:
    header = http_date_forms(WALL + 7)["imf"]
    policy = RetryPolicy(max_retries=3, max_retry_wait=60.0, wall_clock=lambda: WALL)
    assert policy.on_response(AUDIT_LOGS, too_many(None, header=header), attempt=0) == Retry(
        7.0, "429 rate limited", pause_all=True
    )
    busy = httpx.Response(503, headers={"Retry-After": header})
    assert policy.on_response(AUDIT_LOGS, busy, attempt=0) == Retry(7.0, "503 server error")
    late = RetryPolicy(max_retries=3, max_retry_wait=60.0, wall_clock=lambda: WALL - 120)
    with pytest.raises(RateLimitError, match="asks for 127s, over max_retry_wait=60s"):
        late.on_response(AUDIT_LOGS, too_many(None, header=header), attempt=0)


def test_retry_after_ms_wins_over_retry_after(harness: Harness) -> None:
    api = one_record_api()
    response = too_many(9, header="9")
    response.headers["retry-after-ms"] = "1500"
    api.script = [response]
    harness.items(harness.client(api), "audit_logs")
    assert harness.clock.sleeps == [1.5]


def test_429_with_retry_after_only_in_the_body(harness: Harness) -> None:
    api = one_record_api()
    api.script = [too_many(3)]
    harness.items(harness.client(api), "audit_logs")
    assert harness.clock.sleeps == [3.0]


def test_429_with_html_body_backs_off_exponentially(harness: Harness) -> None:
    api = one_record_api()
    api.script = [too_many(None, html=True), too_many(None, html=True), too_many(None, html=True)]
    harness.items(harness.client(api), "audit_logs")
    first, second, third = harness.clock.sleeps
    assert 0.25 <= first <= 0.5 and 0.5 <= second <= 1.0 and 1.0 <= third <= 2.0


def test_wait_over_max_retry_wait_raises_at_once_without_sleeping(harness: Harness) -> None:
    api = one_record_api()
    api.script = [too_many(3600, header="3600")]
    with pytest.raises(RateLimitError) as info:
        harness.items(harness.client(api, max_retry_wait=60), "audit_logs")
    assert info.value.retry_after == 3600
    assert info.value.status_code == 429
    assert harness.clock.sleeps == []
    assert "max_retry_wait" in str(info.value)


@pytest.mark.parametrize("attempt", [1_023, 1_100, 10**9])
def test_the_backoff_of_a_late_retry_is_capped_before_the_power(attempt: int) -> None:
    # max_retries has no upper bound: 2 ** attempt overflowed a float past attempt 1,023
    policy = RetryPolicy(max_retries=10**10, max_retry_wait=3600.0, rng=random.Random(1))
    assert BACKOFF_MAX / 2 <= policy.backoff(attempt) <= BACKOFF_MAX
    retry = policy.on_error(httpx.ConnectError("refused"), attempt)
    assert BACKOFF_MAX / 2 <= retry.wait <= BACKOFF_MAX
    answer = policy.on_response(AUDIT_LOGS, error_response(503, "UNHANDLED_EXCEPTION", "down"), attempt)
    assert answer is not None and BACKOFF_MAX / 2 <= answer.wait <= BACKOFF_MAX


@pytest.mark.parametrize(("initial", "times", "cap", "expected"), [
    (0.5, 0, 30.0, 0.5), (0.5, 3, 30.0, 4.0), (0.5, 6, 30.0, 30.0), (0.5, 10**12, 30.0, 30.0),
    (10.0, 1_100, 600.0, 600.0), (1e-300, 2_000, 1e300, 1e300), (700.0, 5, 600.0, 600.0),
])
def test_doubling_stops_at_the_cap_without_computing_a_huge_power(initial: float, times: int, cap: float,
                                                                  expected: float) -> None:
    assert doubled(initial, times, cap) == expected


def test_exhausted_retries_raise_rate_limit_error(harness: Harness) -> None:
    api = one_record_api()
    api.script = [too_many(1, header="1")] * 4
    with pytest.raises(RateLimitError) as info:
        harness.items(harness.client(api, max_retries=3), "audit_logs")
    assert info.value.retry_after == 1
    assert len(api.requests) == 4
    assert harness.clock.sleeps == [1.0, 1.0, 1.0]


def test_503_then_200_recovers(harness: Harness) -> None:
    api = one_record_api()
    api.script = [error_response(503, "UNHANDLED_EXCEPTION", "unavailable")]
    assert len(harness.items(harness.client(api), "audit_logs")) == 1
    assert len(harness.clock.sleeps) == 1


def test_dropped_connection_then_200_recovers(harness: Harness) -> None:
    api = one_record_api()
    api.script = [httpx.RemoteProtocolError("Server disconnected without sending a response.")]
    assert len(harness.items(harness.client(api), "audit_logs")) == 1
    assert len(api.requests) == 2


def test_timeouts_are_retried_then_raise_timeout_error(harness: Harness) -> None:
    api = one_record_api()
    api.script = [httpx.ReadTimeout("timed out")] * 3
    with pytest.raises(CortexTimeoutError):
        harness.items(harness.client(api, max_retries=2), "audit_logs")
    assert len(api.requests) == 3


def test_connection_refused_after_retries(harness: Harness) -> None:
    api = one_record_api()
    api.script = [httpx.ConnectError("refused")] * 2
    with pytest.raises(CortexConnectionError) as info:
        harness.items(harness.client(api, max_retries=1), "audit_logs")
    assert not isinstance(info.value, CortexTimeoutError)


def test_500_after_retries_is_a_server_error(harness: Harness) -> None:
    api = one_record_api()
    api.script = [error_response(500, "UNHANDLED_EXCEPTION", "boom", "req-500")] * 3
    with pytest.raises(ServerError) as info:
        harness.items(harness.client(api, max_retries=2), "audit_logs")
    assert (info.value.status_code, info.value.error_type, info.value.request_id) == (500, "UNHANDLED_EXCEPTION", "req-500")
    assert len(api.requests) == 3


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409])
def test_other_4xx_are_never_retried(harness: Harness, status: int) -> None:
    api = one_record_api()
    api.script = [error_response(status, "BAD_REQUEST", "no")]
    with pytest.raises(CortexAPIError):
        harness.items(harness.client(api), "audit_logs")
    assert len(api.requests) == 1
    assert harness.clock.sleeps == []


def test_one_429_pauses_every_request_of_the_client(harness: Harness) -> None:
    api = ScriptedFake("audit_logs", [audit_record(i) for i in range(50)])
    times: list[float] = []
    limited_at: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        with api.lock:
            times.append(harness.clock.now)
            if len(times) == 3:
                limited_at.append(harness.clock.now)
                return too_many(5, header="5")
        return api(request)

    client = harness.client(handler, page_size=5, concurrency=4)
    items = harness.items(client, "audit_logs")
    assert len(items) == 50
    later = times[3:]
    early = [t for t in later if t < limited_at[0] + 5.0]
    assert len(early) <= 3, (limited_at, later)  # at most the other requests already in flight
    assert len(later) > len(early)


def test_rate_limiter_allows_the_limit_per_sliding_minute_and_honours_pauses() -> None:
    now = [0.0]
    limiter = RateLimiter(3, clock=lambda: now[0])
    assert [limiter.reserve() for _ in range(3)] == [0.0, 0.0, 0.0]  # a burst up to the limit
    assert limiter.reserve() == 60.0  # the 4th waits until the 1st leaves the window
    now[0] = 30.0
    assert limiter.reserve() == 30.0
    now[0] = 200.0
    assert limiter.reserve() == 0.0
    limiter.pause(5.0)
    assert limiter.reserve() == pytest.approx(5.0)
    assert RateLimiter(None, clock=lambda: 0.0).reserve() == 0.0


def test_no_sixty_second_window_ever_exceeds_the_limit() -> None:
    now = [0.0]
    limiter = RateLimiter(10, clock=lambda: now[0])
    starts = []
    for step in range(200):
        now[0] = step * 0.7
        starts.append(now[0] + limiter.reserve())
    for start in starts:
        assert sum(start <= s < start + 60 for s in starts) <= 10


def test_requests_per_minute_throttles_the_client(harness: Harness) -> None:
    api = ScriptedFake("audit_logs", [audit_record(i) for i in range(10)])
    harness.items(harness.client(api, page_size=1, requests_per_minute=4, concurrency=1), "audit_logs")
    assert len(api.requests) == 10
    assert sum(harness.clock.sleeps) == pytest.approx(120.0)  # requests 5-8 wait a minute, 9-10 two


def test_each_retry_is_logged_with_reason_and_wait(harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    api = one_record_api()
    api.script = [too_many(2, header="2")]
    harness.items(harness.client(api), "audit_logs")
    messages = [r.getMessage() for r in caplog.records if r.name == "cortex_wrapper"]
    assert any("429" in m and "2.00s" in m for m in messages)


@pytest.mark.parametrize("derived", [False, True])
def test_clients_count_an_http_date_retry_after_from_their_wall_clock(harness: Harness, derived: bool) -> None:
    api = one_record_api()
    api.script = [too_many(None, header=http_date_forms(WALL + 7)["imf"])]
    client = harness.client(api, wall_clock=lambda: WALL)
    if derived:
        client = client.with_options(max_retries=2)
    assert len(harness.items(client, "audit_logs")) == 1
    assert harness.clock.sleeps == [7.0]
