"""``--follow`` (issue 13, item 1): polls, the late-arrival window, rotation, transient failures, status, signals."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import random
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cortex_wrapper import CortexClient, RateLimitError, ServerError, _client
from cortex_wrapper._defaults import FOLLOW_MAX_BACKOFF_SECONDS, FOLLOW_MAX_RETRY_AFTER_SECONDS
from cortex_wrapper.cli._commands import COMMANDS
from cortex_wrapper.cli._follow import Stopped, backoff, follow
from cortex_wrapper.cli._progress import Progress
from cortex_wrapper.testing import FakeCortex, Faults, Outcome

from ..support.cli import (
    NO_RECORDS,
    TOKEN,
    cli_argv,
    connection,
    jsonl,
    make_fake,
    notification_log,
)
from ..support.servers import InvertedWindowRefused


def _stamp(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Script:
    """The follower's ``wait``: runs one step per poll (instead of sleeping), then stops it."""

    def __init__(self, *steps: Callable[[], None]) -> None:
        self.steps = list(steps)
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        if not self.steps:
            raise Stopped
        self.steps.pop(0)()


def run_follow(fake: FakeCortex, output: Path, script: Script, **options: Any) -> tuple[int, list[str]]:
    """Follow notification logs; ``transport`` (a misbehaving server around ``fake``) and ``now`` are optional."""
    notes: list[str] = []
    transport = options.pop("transport", None)
    where = {"base_url": "https://cortex.fake", "transport": transport} if transport else {"base_url": fake.url}
    now = {"now": options.pop("now")} if "now" in options else {}
    with CortexClient(fake.token, **where, requests_per_minute=None, max_retries=options.pop("max_retries", 0),
                      sleep=lambda seconds: None, concurrency=1) as client:
        code = follow(client, COMMANDS["notifications"], {}, fmt="jsonl", output=str(output),
                      checkpoint=f"{output}.ckpt", since=None, page_size=options.pop("page_size", None),
                      progress=Progress(io.StringIO(), enabled=False), notify=notes.append, redact=str,
                      lag=dt.timedelta(minutes=5), with_id=False, interval=options.pop("interval", 60.0),
                      status_file=options.pop("status_file", None), wait=script,
                      clock=lambda: 1000.0, **now)  # polls take no time: every wait is the whole interval
    assert not options, f"unknown options {options}"
    return code, notes


def test_each_poll_exports_what_is_new_late_arrivals_once_across_a_rotation(tmp_path: Path) -> None:
    now = dt.datetime.now(dt.UTC)
    output = tmp_path / "logs.jsonl"
    first = [notification_log(i, _stamp(now - dt.timedelta(minutes=30 - i))) for i in range(1, 4)]
    with make_fake(**NO_RECORDS, notification_logs=first) as fake:
        def arrive() -> None:  # a new record, and one created two minutes ago that reaches the API late
            fake.insert("notification_logs", [notification_log(4, _stamp(now - dt.timedelta(minutes=1))),
                                              notification_log(5, _stamp(now - dt.timedelta(minutes=29, seconds=30)))])

        def rotate() -> None:  # logrotate: rename, then create
            output.rename(tmp_path / "logs.jsonl.1")
            output.touch()
            fake.insert("notification_logs", [notification_log(6, _stamp(now))])

        script = Script(arrive, lambda: None, rotate, lambda: None)
        code, notes = run_follow(fake, output, script, status_file=str(tmp_path / "status.json"))
    assert code == 0
    before, after = jsonl((tmp_path / "logs.jsonl.1").read_text()), jsonl(output.read_text())
    assert [r["id"] for r in before] == [1, 2, 3, 5, 4] and [r["id"] for r in after] == [6]
    assert script.waits == [60.0] * 5
    assert any("was rotated" in note for note in notes)
    status = json.loads((tmp_path / "status.json").read_text())
    assert status["state"] == "ok" and status["polls"] == 5 and status["records_exported"] == 6
    assert status["last_error"] is None and status["newest_record"].startswith(now.isoformat()[:19])
    assert 0 <= status["lag_seconds"] < 60


def test_transient_failures_back_off_and_the_loop_goes_on(tmp_path: Path) -> None:
    output = tmp_path / "logs.jsonl"
    with make_fake(**NO_RECORDS, notification_logs=[notification_log(1, "2026-05-01T09:00:00Z")]) as fake:
        fake.script(503, 503, Outcome(status=429, retry_after=200), "drop")
        script = Script(*[lambda: None] * 4)
        status_file = tmp_path / "status.json"
        seen: list[dict[str, Any]] = []
        script.steps = [lambda: seen.append(json.loads(status_file.read_text())) for _ in range(4)]
        code, notes = run_follow(fake, output, script, interval=10.0, status_file=str(status_file))
    assert code == 0
    assert script.waits == [10.0, 20.0, 200.0, 80.0, 10.0]  # doubling; at least what the 429 asked for
    assert [s["state"] for s in seen] == ["failing"] * 4
    assert [s["last_error"]["type"] for s in seen] == ["ServerError", "ServerError", "RateLimitError",
                                                      "CortexConnectionError"]
    assert json.loads(status_file.read_text())["state"] == "ok"
    assert [r["id"] for r in jsonl(output.read_text())] == [1]
    assert sum("poll failed" in note for note in notes) == 4


def test_an_authentication_error_ends_the_follower_with_its_code(cli: Any, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORTEX_API_TOKEN", "not-a-token-the-fake-knows")
    with make_fake() as fake:
        result = cli(*connection(fake), "notifications", "--follow", "--output", str(tmp_path / "o.jsonl"),
                     "--checkpoint", str(tmp_path / "o.ckpt"))
    assert result.code == 3 and "401" in result.err


@pytest.mark.parametrize(("argv", "message"), [
    (["--follow"], "--follow needs --checkpoint"),
    (["--interval", "5s"], "--interval needs --follow"),
    (["--status-file", "s.json"], "--status-file needs --follow"),
    (["--follow", "--checkpoint", "c", "--output", "o", "--until", "1d"], "drop --until"),
    (["--follow", "--checkpoint", "c", "--output", "o", "--interval", "0"], "--interval must be longer than 0s"),
])
def test_follow_usage_errors(cli: Any, argv: list[str], message: str) -> None:
    result = cli("--sandbox", "notifications", *argv)
    assert result.code == 2 and message in result.err


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_the_follower_at_once_with_exit_0(tmp_path: Path, signum: int) -> None:
    output = tmp_path / "logs.jsonl"
    with make_fake(**NO_RECORDS, notification_logs=[notification_log(1, "2026-05-01T09:00:00Z")]) as fake:
        process = subprocess.Popen(
            cli_argv(*connection(fake), "notifications", "--follow", "--interval", "1h", "--output", str(output),
                     "--checkpoint", f"{output}.ckpt"),
            stderr=subprocess.PIPE, text=True, env={**os.environ, "CORTEX_API_TOKEN": TOKEN},
        )
        assert process.stderr is not None
        for line in process.stderr:
            if "poll 1:" in line:
                break
        process.send_signal(signum)
        _, err = process.communicate(timeout=10)  # a wait on the exit, far below the 1 h interval it would sleep
    assert process.returncode == 0, err
    assert "stopped; everything exported is committed" in err
    assert [r["id"] for r in jsonl(output.read_text())] == [1]


# -- acceptance: follow under faults, SIGKILLed at random points, its output rotated once ------------------

FAULTS = Faults(seed=13, error_rate=0.08, rate_limit_rate=0.12, retry_after=(0, 1), drop_rate=0.04)
KILLS = 6


class Arrivals:
    """Records created while the follower runs: a few with every request, and now and then one that reaches
    the API late (stamped 40 s ago, inside the 5 minute window).

    Audit entries arrive late only with the first page of a crawl: one stamped inside a window that a poll is
    paging through shifts the later pages under it, and with no id to tell a repeat, the entry at a page boundary
    is read twice (docs/cli.md says so). Notification logs, which have ids, arrive late with any request.
    """

    def __init__(self, fake: FakeCortex, command: str, seed: int) -> None:
        self.fake, self.command, self.rng = fake, command, random.Random(seed)
        self.made: list[dict[str, Any]] = []
        self.late: set[str] = set()
        self.open = True

    def __call__(self, request: Any) -> None:
        if not self.open:
            return
        now = dt.datetime.now(dt.UTC)
        starts_a_crawl = dict(request.query).get("page", "0") == "0"
        batch: list[dict[str, Any]] = []
        for _ in range(self.rng.randint(0, 8)):
            late = self.rng.random() < 0.15 and (self.command != "audit" or starts_a_crawl)
            moment = now - dt.timedelta(seconds=40) if late else now
            batch.append(self.record(len(self.made) + len(batch) + 1, _stamp(moment)))
            if late:
                self.late.add(self.key(batch[-1]))
        self.made += batch
        if batch:
            self.fake.insert(KIND_OF[self.command], batch)

    def record(self, number: int, stamp: str) -> dict[str, Any]:
        if self.command == "audit":
            return {"action": "UPDATE", "objectIdentifier": f"svc-{number}", "objectType": "SERVICE", "timestamp": stamp}
        return notification_log(number, stamp)

    def key(self, record: dict[str, Any]) -> str:
        return str(record["objectIdentifier"] if self.command == "audit" else record["id"])


KIND_OF = {"notifications": "notification_logs", "audit": "audit_logs"}


@pytest.mark.slow
@pytest.mark.parametrize(("command", "seed"), [("notifications", 31), ("audit", 32)])
def test_follow_under_faults_sigkilled_and_rotated_exports_every_record_once_in_order(
        tmp_path: Path, command: str, seed: int) -> None:
    rng = random.Random(seed)
    output = tmp_path / "out.jsonl"
    with make_fake(**NO_RECORDS, faults=FAULTS) as fake:
        arrivals = Arrivals(fake, command, seed)
        fake.on_request = arrivals
        argv = cli_argv(*connection(fake), "--max-retries", "10", command, "--follow", "--interval", "200ms",
                        "--page-size", "20", "--output", str(output), "--checkpoint", f"{output}.ckpt")
        env = {**os.environ, "CORTEX_API_TOKEN": TOKEN}
        for kill in range(KILLS):
            before = fake.stats.requests
            killed = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 30
            while fake.stats.requests < before + rng.randint(2, 12) and time.monotonic() < deadline:
                time.sleep(0.005)
            killed.send_signal(signal.SIGKILL)
            killed.wait(timeout=30)
            if kill == KILLS // 2:  # logrotate, between two runs: rename, then create
                output.rename(tmp_path / "out.jsonl.1")
                output.touch()
        arrivals.open = False
        fake.set_faults(Faults())
        process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        assert process.stderr is not None
        for line in process.stderr:  # the first poll with nothing new: it has caught up
            if " 0 new " in line:
                break
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=20)
        assert process.returncode == 0, err
    exported = jsonl((tmp_path / "out.jsonl.1").read_text()) + jsonl(output.read_text())
    keys = [arrivals.key(record) for record in exported]
    assert len(arrivals.made) > 30 and arrivals.late, "records arrived, some of them late, during the run"
    assert sorted(keys) == sorted(arrivals.key(r) for r in arrivals.made), "every record exactly once"
    on_time = [record for record in exported if arrivals.key(record) not in arrivals.late]
    field = "timestamp" if command == "audit" else "dateCreated"
    assert [r[field] for r in on_time] == sorted(r[field] for r in on_time), "in order, late arrivals aside"


# -- issue 22: a follower that does not die --------------------------------------------------------------------


def test_a_429_asking_for_ages_waits_a_capped_time_and_the_loop_goes_on(tmp_path: Path) -> None:
    # 300000000000 s is past what a datetime or time.sleep can hold: the wait is capped, not honoured
    output, status_file = tmp_path / "logs.jsonl", tmp_path / "status.json"
    with make_fake(**NO_RECORDS, notification_logs=[notification_log(1, "2026-05-01T09:00:00Z")]) as fake:
        fake.script(Outcome(status=429, retry_after=300_000_000_000))
        seen: list[dict[str, Any]] = []
        script = Script(lambda: seen.append(json.loads(status_file.read_text())))
        code, notes = run_follow(fake, output, script, interval=10.0, status_file=str(status_file))
    assert code == 0
    assert script.waits == [FOLLOW_MAX_RETRY_AFTER_SECONDS, 10.0], "the 429's wait, capped; then the interval"
    [failing] = seen
    assert failing["state"] == "failing" and failing["last_error"]["type"] == "RateLimitError"
    waited = dt.datetime.fromisoformat(failing["next_poll_at"]) - dt.datetime.fromisoformat(failing["last_poll_at"])
    assert abs(waited.total_seconds() - FOLLOW_MAX_RETRY_AFTER_SECONDS) < 5
    assert [r["id"] for r in jsonl(output.read_text())] == [1], "the next poll exported the record"
    assert any(f"next in {FOLLOW_MAX_RETRY_AFTER_SECONDS:g}s" in note for note in notes)


@pytest.mark.parametrize("interval", [10.0, 60.0, 3600.0])
def test_the_backoff_is_capped_before_the_power_so_a_week_of_failures_never_overflows(interval: float) -> None:
    error = ServerError(503, "down")
    cap = max(FOLLOW_MAX_BACKOFF_SECONDS, interval)
    waits = [backoff(interval, failures, error) for failures in (1, 2, 1_025, 10_080, 10**9)]
    assert waits[:2] == [min(interval, cap), min(2 * interval, cap)]
    assert waits[2:] == [cap] * 3, "a week of failures a minute apart, and far more: the cap, no OverflowError"
    limited = RateLimitError(429, "slow down", retry_after=1e308)
    assert backoff(interval, 10**9, limited) == max(cap, FOLLOW_MAX_RETRY_AFTER_SECONDS)


def test_an_interval_longer_than_the_longest_wait_is_a_usage_error(cli: Any, tmp_path: Path) -> None:
    result = cli("--sandbox", "notifications", "--follow", "--checkpoint", str(tmp_path / "c"),
                 "--output", str(tmp_path / "o"), "--interval", "999999999d")
    assert result.code == 2 and "--interval" in result.err and "at most 1d" in result.err
    assert list(tmp_path.iterdir()) == [], "refused before anything is written"


def test_a_clock_stepped_back_waits_for_the_clock_instead_of_asking_for_an_inverted_window(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = dt.datetime.now(dt.UTC).replace(microsecond=0)
    clock = [real]
    monkeypatch.setattr(_client, "_now", lambda: clock[0])  # the library's own "now", where a pager freezes its end
    output = tmp_path / "logs.jsonl"
    with make_fake(**NO_RECORDS, notification_logs=[notification_log(1, _stamp(real - dt.timedelta(minutes=10)))]) as fake:
        server = InvertedWindowRefused(fake)

        def step_back() -> None:  # an hour back, far more than --lag (5 minutes)
            clock[0] = real - dt.timedelta(hours=1)

        def still_behind() -> None:
            clock[0] += dt.timedelta(minutes=1)

        def caught_up() -> None:
            clock[0] = real + dt.timedelta(minutes=1)
            fake.insert("notification_logs", [notification_log(2, _stamp(real + dt.timedelta(seconds=30)))])

        script = Script(step_back, still_behind, caught_up)
        code, notes = run_follow(fake, output, script, transport=server, now=lambda: clock[0])
    assert code == 0, notes
    assert [r["id"] for r in jsonl(output.read_text())] == [1, 2]
    asked = server.windows
    assert len(asked) == 2, "two polls asked the server: the two behind the window were skipped"
    assert asked[0][0] is None and asked[1][0] is not None and asked[1][1] is not None
    assert asked[1][0] <= asked[1][1], "no inverted window is ever sent"
    behind = [note for note in notes if "clock" in note]
    assert len(behind) == 1, f"said once, not at every skipped poll: {notes}"
    assert sum(" 0 new " in note for note in notes) == 2, "the skipped polls are idle polls"
