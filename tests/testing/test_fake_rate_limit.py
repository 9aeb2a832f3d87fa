"""The rate limiter, driven by a fake clock: fixed and sliding windows, per token, Retry-After, stats."""

from __future__ import annotations

from typing import Any

import pytest

from cortex_wrapper.testing import RateLimit

PAGE = {"page": 0, "pageSize": 1}


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def status_and_wait(client: Any, kind: str = "audit_logs", token: Any = None) -> tuple[int, str | None]:
    kwargs = {} if token is None else {"token": token}
    response = client.get(kind, PAGE, **kwargs)  # 429 bodies validated as TooManyRequestsProblemDetail
    if response.status_code == 429:
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["retryAfter"] == int(response.headers["Retry-After"])
    return response.status_code, response.headers.get("Retry-After")


def test_fixed_window(api: Any) -> None:
    clock = Clock()
    client = api(rate_limit=RateLimit(3, per_seconds=10), clock=clock)
    assert [status_and_wait(client)[0] for _ in range(3)] == [200, 200, 200]
    assert status_and_wait(client) == (429, "10")  # window [100, 110)
    clock.now = 104.2
    assert status_and_wait(client, "notification_runs") == (429, "6")  # ceil(5.8); the limit spans operations
    clock.now = 109.99
    assert status_and_wait(client) == (429, "1")  # never 0
    clock.now = 110.0
    assert [status_and_wait(client)[0] for _ in range(4)] == [200, 200, 200, 429]
    stats = client.fake.stats
    assert (stats.rate_limited, stats.by_status[429], stats.by_status[200]) == (4, 4, 6)


def test_sliding_window(api: Any) -> None:
    clock = Clock()
    client = api(rate_limit=RateLimit(2, per_seconds=10, sliding=True), clock=clock)
    clock.now = 0.0
    assert status_and_wait(client)[0] == 200
    clock.now = 6.0
    assert status_and_wait(client)[0] == 200
    clock.now = 7.0
    assert status_and_wait(client) == (429, "3")  # the request at t=0 leaves the window at t=10
    clock.now = 10.0
    assert status_and_wait(client)[0] == 200
    clock.now = 10.5
    assert status_and_wait(client) == (429, "6")  # now the one at t=6 must leave: at t=16
    assert client.fake.stats.rate_limited == 2


def test_limits_are_per_token(api: Any) -> None:
    clock = Clock()
    tokens = {"a": {"audit"}, "b": {"audit"}}
    client = api(tokens=tokens, rate_limit=RateLimit(1, per_seconds=60), clock=clock)
    assert status_and_wait(client, token="a")[0] == 200
    assert status_and_wait(client, token="a")[0] == 429
    assert status_and_wait(client, token="b")[0] == 200


def test_what_counts_against_the_limit(api: Any) -> None:
    clock = Clock()
    client = api(rate_limit=RateLimit(2, per_seconds=60), clock=clock)
    assert client.get("audit_logs", PAGE, token="bad").status_code == 401  # unauthenticated: not counted
    client.fake.script(503)
    assert client.get("audit_logs", PAGE).status_code == 503  # injected before reaching the limiter
    assert client.get("audit_logs", {"page": -1, "pageSize": 1}).status_code == 400  # counted
    assert status_and_wait(client)[0] == 200
    assert status_and_wait(client)[0] == 429


def test_set_rate_limit(api: Any) -> None:
    clock = Clock()
    client = api(clock=clock)
    assert {status_and_wait(client)[0] for _ in range(5)} == {200}
    client.fake.set_rate_limit(RateLimit(1, per_seconds=5))
    assert [status_and_wait(client)[0] for _ in range(2)] == [200, 429]
    client.fake.set_rate_limit(None)
    assert status_and_wait(client)[0] == 200


def test_rate_limit_is_validated() -> None:
    with pytest.raises(ValueError):
        RateLimit(0)
    with pytest.raises(ValueError):
        RateLimit(5, per_seconds=0)
