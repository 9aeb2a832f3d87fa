"""Fixtures for the cortex-logs tests: a FakeCortex, and the CLI run in-process."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from cortex_wrapper.cli import main
from cortex_wrapper.testing import FakeCortex, Faults

from ..support.cli import TOKEN, Result, make_fake


@pytest.fixture
def fake() -> Iterator[FakeCortex]:
    """A fake with unknown enum values and undocumented fields in a few records."""
    with make_fake(faults=Faults(seed=5, unknown_enum_rate=0.05, extra_field_rate=0.05)) as server:
        yield server


@pytest.fixture(autouse=True)
def _retention_covers_the_fixtures(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fixture records are dated around 2026-06-01: keep the 30-day retention rule (tested on its own, with
    ``real_retention``) from calling every checkpoint over them a gap."""
    import cortex_wrapper.cli as cli_package
    from cortex_wrapper.cli import _incremental

    monkeypatch.setattr(_incremental, "NOTIFICATION_RETENTION_DAYS", 36_500)
    monkeypatch.setattr(cli_package, "NOTIFICATION_RETENTION_DAYS", 36_500)


@pytest.fixture
def real_retention(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cortex's real retention, 30 days (``NOTIFICATION_RETENTION_DAYS``), for the tests of the rule itself."""
    import cortex_wrapper.cli as cli_package
    from cortex_wrapper._defaults import NOTIFICATION_RETENTION_DAYS
    from cortex_wrapper.cli import _incremental

    monkeypatch.setattr(_incremental, "NOTIFICATION_RETENTION_DAYS", NOTIFICATION_RETENTION_DAYS)
    monkeypatch.setattr(cli_package, "NOTIFICATION_RETENTION_DAYS", NOTIFICATION_RETENTION_DAYS)


@pytest.fixture(autouse=True)
def _token_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORTEX_API_TOKEN", TOKEN)
    monkeypatch.delenv("CORTEX_API_KEY", raising=False)
    monkeypatch.delenv("CORTEX_BASE_URL", raising=False)


@pytest.fixture(autouse=True)
def _no_cli_token_in_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    yield
    for record in caplog.records:
        assert TOKEN not in record.getMessage()


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """Run ``main(argv)`` in-process; the token must not appear in stdout or stderr."""

    def run(*argv: str) -> Result:
        code = main(list(argv))
        captured = capsys.readouterr()
        assert TOKEN not in captured.out and TOKEN not in captured.err
        return Result(code, captured.out, captured.err)

    return run
