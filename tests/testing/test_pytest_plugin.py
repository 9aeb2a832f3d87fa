"""The pytest plugin shipped with the package: its fixtures and markers, run by pytester as a user's suite would."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
import textwrap

import pytest

from cortex_wrapper.testing import VirtualClock

pytest_plugins = ["pytester"]

USER_SUITE = '''
import pytest

from cortex_wrapper import AsyncCortexClient, CortexClient
from cortex_wrapper.testing import FakeCortex, Faults, RateLimit, VirtualClock

pytestmark = pytest.mark.cortex_fake(seed=5, audit_log_count=120)  # the module's fake; closer marks win, key by key


@pytest.mark.cortex_client(page_size=50)
def test_a_started_fake_and_a_client_bound_to_it(cortex_fake: FakeCortex, cortex_client: CortexClient) -> None:
    assert cortex_fake.url.startswith("http://127.0.0.1:") and cortex_fake.seed == 5
    assert len(list(cortex_client.audit_logs())) == 120
    assert sorted(request.params("page")[0] for request in cortex_fake.requests) == ["0", "1", "2"]  # 1, 2 at once


@pytest.mark.cortex_fake(script=[429, "drop"])
@pytest.mark.cortex_client(page_size=40)
def test_scripted_faults_are_waited_out_on_the_virtual_clock(
    cortex_fake: FakeCortex, cortex_client: CortexClient, cortex_clock: VirtualClock
) -> None:
    assert len(list(cortex_client.audit_logs())) == 120
    assert cortex_fake.stats.by_status[429] == 1 and cortex_fake.stats.dropped == 1
    assert cortex_clock.sleeps and cortex_clock() > 1000.0


@pytest.mark.cortex_fake(notification_run_count=10, rate_limit=RateLimit(2, per_seconds=60))
@pytest.mark.cortex_client(page_size=2, concurrency=1, requests_per_minute=None)
def test_a_rate_limit_costs_no_real_time(
    cortex_fake: FakeCortex, cortex_client: CortexClient, cortex_clock: VirtualClock
) -> None:
    assert len(list(cortex_client.notification_runs(delivered_only=False))) == 10
    assert cortex_fake.stats.rate_limited >= 2
    assert cortex_clock() - 1000.0 >= 60  # five pages at two a minute: two minutes of virtual time


@pytest.mark.parametrize("cortex_fake", [
    {"seed": 1, "notification_log_count": 40},
    {"seed": 2, "notification_log_count": 40, "faults": Faults(seed=9, error_rate=0.2, drop_rate=0.1)},
], indirect=True)
@pytest.mark.cortex_client(page_size=5, max_retries=10)
def test_fixture_parameters_override_the_marker(cortex_fake: FakeCortex, cortex_client: CortexClient) -> None:
    assert cortex_fake.seed in (1, 2) and cortex_fake.total("audit_logs") == 120  # the module mark's count stays
    assert len(list(cortex_client.notification_logs())) == 40
    assert (cortex_fake.stats.injected > 0) == (cortex_fake.seed == 2)


def test_state_left_behind(cortex_fake: FakeCortex, cortex_client: CortexClient, cortex_clock: VirtualClock) -> None:
    cortex_fake.insert_newest("audit_logs", 5)
    cortex_fake.script(503, 503)
    next(iter(cortex_client.audit_logs()))
    cortex_clock.advance(3600)
    assert cortex_fake.total("audit_logs") == 125 and cortex_fake.stats.by_status[503] == 2


def test_the_next_test_starts_clean(
    cortex_fake: FakeCortex, cortex_client: CortexClient, cortex_clock: VirtualClock
) -> None:
    assert cortex_fake.total("audit_logs") == 120 and cortex_fake.requests == []
    assert cortex_clock() == 1000.0 and cortex_clock.sleeps == []
    next(iter(cortex_client.audit_logs()))
    assert cortex_fake.stats.by_status == {200: 1}  # no scripted 503 left over


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
@pytest.mark.cortex_fake(script=[429, "drop"])
@pytest.mark.cortex_client(page_size=25)
async def test_the_async_client_on_any_event_loop(
    anyio_backend: str, cortex_fake: FakeCortex, cortex_async_client: AsyncCortexClient
) -> None:
    assert len([record async for record in cortex_async_client.audit_logs()]) == 120
    assert cortex_fake.stats.by_status[429] == 1 and cortex_fake.stats.dropped == 1


@pytest.mark.cortex_fake(7)
def test_a_positional_marker_argument_is_refused(cortex_fake: FakeCortex) -> None:
    raise AssertionError("not reached")
'''


@pytest.mark.slow
def test_the_fixtures_and_markers_in_a_users_suite(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_service=USER_SUITE)
    result = pytester.runpytest_inprocess("--strict-markers", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=9, errors=1)
    result.stdout.fnmatch_lines(["*cortex_fake takes keyword arguments only*"])


@pytest.mark.slow
def test_the_markers_are_registered(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_inprocess("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.cortex_fake(**options):*", "@pytest.mark.cortex_client(**options):*"])


@pytest.mark.slow
def test_loading_the_plugin_imports_no_fake_and_starts_nothing() -> None:
    [entry] = [e for e in importlib.metadata.entry_points(group="pytest11") if e.name == "cortex_wrapper"]
    assert entry.value == "cortex_wrapper.testing.pytest_plugin"
    probe = textwrap.dedent("""
        import sys, threading
        import cortex_wrapper.testing.pytest_plugin
        print(threading.active_count(), sorted(m for m in sys.modules if m.startswith("cortex_wrapper.testing.")))
    """)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.split(" ", 1) == ["1", "['cortex_wrapper.testing.pytest_plugin']\n"]


def test_the_virtual_clock_advances_only_when_slept_on() -> None:
    clock = VirtualClock(50.0)
    assert clock() == 50.0 and clock() == 50.0
    clock.sleep(2.5)
    clock.advance(1.0)
    assert clock() == 53.5 and clock.sleeps == [2.5]
    with pytest.raises(ValueError, match="seconds must be >= 0"):
        clock.advance(-1)
