"""The pytest plugin: a started ``FakeCortex`` and clients bound to it, as fixtures.

Installed with the package (entry point ``cortex_wrapper`` in the ``pytest11`` group) and inactive until a
test asks for one of its fixtures: loading it imports nothing of ``FakeCortex``, starts no server and no
thread. Disable it with ``-p no:cortex_wrapper``.

Fixtures (each test gets its own, so nothing carries over between tests: no request, counter, script,
inserted record or rate-limit count):

* ``cortex_fake``: a started ``FakeCortex`` (``fake.url``, ``fake.token``); stopped after the test, which
  fails if the fake hit an internal error;
* ``cortex_client``: a ``CortexClient`` on ``cortex_fake.url`` (closed after the test);
* ``cortex_async_client``: an ``AsyncCortexClient`` served by ``cortex_fake.transport()`` in-process, so it
  works under any event loop (asyncio or trio) and holds no connection to close;
* ``cortex_clock``: the ``VirtualClock`` both clients and the fake share: retries and rate-limit waits
  advance it at once (tests never wait); ``cortex_clock.sleeps`` lists them.

Configure them with markers (the closest wins, key by key; module- and class-level marks apply too)::

    @pytest.mark.cortex_fake(seed=3, audit_log_count=250, rate_limit=RateLimit(60), script=[429, "drop"])
    @pytest.mark.cortex_client(page_size=50, max_retries=2)
    def test_export(cortex_client: CortexClient, cortex_fake: FakeCortex) -> None: ...

``cortex_fake`` takes every ``FakeCortex`` keyword (``seed``, the ``*_count`` options, records, ``tokens``,
``rate_limit``, ``faults``, ``latency`` ...) and ``script`` (outcomes queued with ``fake.script``);
``cortex_client`` takes client keywords. A dict given by indirect parametrisation,
``@pytest.mark.parametrize("cortex_fake", [{"seed": 1}, {"seed": 2}], indirect=True)``, overrides the marker.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from cortex_wrapper import AsyncCortexClient, CortexClient

    from ._clock import VirtualClock
    from ._fake import FakeCortex

FAKE_MARKER = "cortex_fake"
CLIENT_MARKER = "cortex_client"


def pytest_configure(config: pytest.Config) -> None:
    """Register the plugin's markers (so ``--strict-markers`` accepts them)."""
    config.addinivalue_line(
        "markers",
        f"{FAKE_MARKER}(**options): FakeCortex keywords for the cortex_fake fixture (seed, audit_log_count, "
        "notification_log_count, notification_run_count, audit_logs=[...], rate_limit=RateLimit(...), "
        "faults=Faults(...), tokens, latency, ...) and script=[429, 'drop', ...] (queued with fake.script)",
    )
    config.addinivalue_line(
        "markers",
        f"{CLIENT_MARKER}(**options): CortexClient / AsyncCortexClient keywords for the cortex_client and "
        "cortex_async_client fixtures (page_size, concurrency, max_retries, requests_per_minute, ...)",
    )


def _marked(request: pytest.FixtureRequest, name: str) -> dict[str, Any]:
    """The keywords of every ``name`` marker on the test, the closest (function, then class, module) winning."""
    options: dict[str, Any] = {}
    for mark in reversed(list(request.node.iter_markers(name))):
        if mark.args:
            raise pytest.UsageError(f"@pytest.mark.{name} takes keyword arguments only, not {mark.args!r}")
        options.update(mark.kwargs)
    return options


@pytest.fixture
def cortex_clock() -> VirtualClock:
    """The virtual clock ``cortex_fake`` and both clients share: every wait advances it, none takes time."""
    from ._clock import VirtualClock

    return VirtualClock()


@pytest.fixture
def cortex_fake(request: pytest.FixtureRequest, cortex_clock: VirtualClock) -> Iterator[FakeCortex]:
    """A started ``FakeCortex`` configured by ``@pytest.mark.cortex_fake(...)``; stopped after the test."""
    from ._fake import FakeCortex

    options = _marked(request, FAKE_MARKER)
    param = getattr(request, "param", None)
    if param is not None:
        if not isinstance(param, Mapping):
            raise pytest.UsageError(f"cortex_fake parameters are dicts of FakeCortex keywords, not {param!r}")
        options.update(param)
    script = options.pop("script", ())
    if isinstance(script, int | str):
        script = (script,)
    options.setdefault("clock", cortex_clock)
    options.setdefault("sleep", cortex_clock.sleep)
    fake = FakeCortex(**options)
    if script:
        fake.script(*script)
    with fake:
        yield fake
    if fake.errors:
        pytest.fail(f"FakeCortex failed internally:\n{fake.errors[0]}", pytrace=False)


def _client_options(request: pytest.FixtureRequest, fake: FakeCortex, clock: VirtualClock) -> dict[str, Any]:
    return {"token": fake.token, "base_url": fake.url, "clock": clock, **_marked(request, CLIENT_MARKER)}


@pytest.fixture
def cortex_client(
    request: pytest.FixtureRequest, cortex_fake: FakeCortex, cortex_clock: VirtualClock
) -> Iterator[CortexClient]:
    """A ``CortexClient`` on ``cortex_fake`` over HTTP, waiting on ``cortex_clock``; closed after the test."""
    from cortex_wrapper import CortexClient

    options = {"sleep": cortex_clock.sleep, **_client_options(request, cortex_fake, cortex_clock)}
    with CortexClient(**options) as client:
        yield client


@pytest.fixture
def cortex_async_client(
    request: pytest.FixtureRequest, cortex_fake: FakeCortex, cortex_clock: VirtualClock
) -> AsyncCortexClient:
    """An ``AsyncCortexClient`` served by ``cortex_fake`` in-process (any event loop), waiting on ``cortex_clock``.

    Its transport is ``cortex_fake.transport()``: no socket and no connection pool, so nothing is bound to the
    test's event loop and there is nothing to close (``async with`` it all the same if you like).
    """
    from cortex_wrapper import AsyncCortexClient

    options = {"sleep": cortex_clock.asleep, "transport": cortex_fake.transport(),
               **_client_options(request, cortex_fake, cortex_clock)}  # fmt: skip
    return AsyncCortexClient(**options)
