"""Exit codes, one-line errors, tracebacks only under --debug, and a token that never shows."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from cortex_wrapper.cli import EXIT_CODES
from cortex_wrapper.testing import FakeCortex, Outcome

from ..support.cli import TOKEN, cli_argv, connection, make_fake, run_subprocess
from ..support.operations import ROOT
from ..support.servers import verbatim


def one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith("cortex-logs: error:")]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_exit_codes_are_documented(cli: Any) -> None:
    assert set(EXIT_CODES) == {0, 1, 2, 3, 4, 5, 6, 7, 8, 130}
    result = cli("--help")
    assert result.code == 0
    for code, meaning in EXIT_CODES.items():
        assert f"{code:<4} {meaning}" in result.out


def test_usage_error_is_one_line_exit_2(cli: Any) -> None:
    result = cli("audit", "--format", "xml")
    assert result.code == 2
    assert result.err.count("\n") == 1
    assert result.err.startswith("cortex-logs: error: argument --format: invalid choice: 'xml'")


def test_bad_date_is_usage_error(cli: Any) -> None:
    result = cli("notifications", "--since", "last tuesday")
    assert result.code == 2 and "is not a date" in one_error_line(result.err)


def test_bad_enum_value_names_the_option(cli: Any, fake: FakeCortex) -> None:
    result = cli(*connection(fake), "notifications", "--status", "FAILD")
    assert result.code == 2
    line = one_error_line(result.err)
    assert line.startswith("cortex-logs: error: --status: 'FAILD'") and "did you mean FAILED?" in line
    assert fake.stats.requests == 0, "nothing is sent"


def test_bad_page_size_is_usage_error(cli: Any, fake: FakeCortex) -> None:
    result = cli(*connection(fake), "audit", "--page-size", "5000")
    assert result.code == 2 and "argument --page-size: invalid page size (1 to 1000) value: '5000'" in one_error_line(result.err)


def test_top_must_be_positive(cli: Any) -> None:
    result = cli("summary", "--top", "0")
    assert result.code == 2 and "argument --top: invalid positive int value: '0'" in one_error_line(result.err)


def test_deprecated_filter_value_is_sent_with_a_warning(cli: Any, fake: FakeCortex) -> None:
    result = cli(*connection(fake), "runs", "--failed-reason", "MISSING_RECIPIENTS")
    assert result.code == 0
    assert "cortex-logs: warning: --failed-reason: 'MISSING_RECIPIENTS' is listed only by doc version(s)" in result.err
    assert "failed_reasons" not in result.err  # the CLI names its option, not the library's keyword
    assert fake.requests[-1].params("failedReasons") == ["MISSING_RECIPIENTS"]
    assert "warning" not in cli(*connection(fake), "--quiet", "runs", "--failed-reason", "MISSING_RECIPIENTS").err


def test_a_bad_filter_value_names_the_option(cli: Any, fake: FakeCortex) -> None:
    result = cli(*connection(fake), "notifications", "--failed-reason", "NOPE")
    line = one_error_line(result.err)
    assert result.code == 2
    assert line.startswith("cortex-logs: error: --failed-reason: 'NOPE' is not a value any Cortex doc version lists")
    assert "failed_reasons" not in result.err


def test_no_token_is_usage_error(cli: Any, fake: FakeCortex, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CORTEX_API_TOKEN")
    result = cli(*connection(fake), "audit")
    assert result.code == 2 and "no API token" in one_error_line(result.err)


def test_unreadable_token_file_is_usage_error(cli: Any, fake: FakeCortex, tmp_path: Path) -> None:
    result = cli(*connection(fake), "--token-file", str(tmp_path / "missing"), "audit")
    assert result.code == 2 and "cannot read --token-file" in one_error_line(result.err)


def test_token_file_is_read(cli: Any, fake: FakeCortex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORTEX_API_TOKEN", "an-env-token-that-is-wrong")
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    result = cli(*connection(fake), "--token-file", str(token_file), "audit", "--max-pages", "1")
    assert result.code == 0, result.err


def test_insecure_base_url_is_usage_error(cli: Any) -> None:
    result = cli("--base-url", "http://cortex.example.com", "audit")
    assert result.code == 2 and "plain http" in one_error_line(result.err)


def test_unknown_token_exits_3(cli: Any, fake: FakeCortex, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORTEX_API_TOKEN", "not-a-token-the-fake-knows")
    result = cli(*connection(fake), "audit")
    assert result.code == 3 and "401" in one_error_line(result.err)


def test_missing_permission_exits_3(cli: Any) -> None:
    with make_fake(tokens={TOKEN: ("notifications",)}) as server:
        result = cli(*connection(server), "audit")
    assert result.code == 3
    assert "View audit logs" in one_error_line(result.err)


def test_rate_limit_over_max_wait_exits_4(cli: Any, fake: FakeCortex) -> None:
    fake.script(Outcome(429, retry_after=3600))
    result = cli(*connection(fake), "runs")
    assert result.code == 4 and "429" in one_error_line(result.err)


def test_rate_limit_retries_spent_exits_4(cli: Any, fake: FakeCortex) -> None:
    fake.script(Outcome(429, retry_after=0), Outcome(429, retry_after=0))
    result = cli(*connection(fake), "--max-retries", "1", "notifications")
    assert result.code == 4 and "gave up after 1 retries" in one_error_line(result.err)
    assert "retry 1/1" in result.err, "the retry is visible as a warning when there is no progress line"


def test_retries_recover(cli: Any, fake: FakeCortex) -> None:
    fake.script(Outcome(429, retry_after=0), Outcome(503, retry_after=0))
    result = cli(*connection(fake), "--max-retries", "3", "audit", "--max-pages", "1")
    assert result.code == 0


def test_quiet_hides_warnings(cli: Any, fake: FakeCortex) -> None:
    fake.script(Outcome(429, retry_after=0))
    result = cli(*connection(fake), "--quiet", "audit")
    assert result.code == 0 and result.err == ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_unreachable_server_exits_5(cli: Any) -> None:
    result = cli("--base-url", f"http://127.0.0.1:{free_port()}", "--max-retries", "0", "audit")
    assert result.code == 5 and "connection failed" in one_error_line(result.err)


def test_timeout_exits_5(cli: Any, fake: FakeCortex) -> None:
    fake.script(Outcome(delay=0.2))
    result = cli(*connection(fake), "--timeout", "0.05", "--max-retries", "0", "audit")
    assert result.code == 5 and "no answer in time" in one_error_line(result.err)


@pytest.mark.parametrize("outcome", [500, "html", 400])
def test_api_errors_exit_6(cli: Any, fake: FakeCortex, outcome: int | str) -> None:
    fake.script(outcome)
    result = cli(*connection(fake), "--max-retries", "0", "runs")
    assert result.code == 6
    one_error_line(result.err)


def test_wrong_base_path_exits_6(cli: Any, fake: FakeCortex) -> None:
    result = cli("--base-url", f"{fake.url}/nope", "--requests-per-minute", "0", "audit")
    assert result.code == 6 and "404" in one_error_line(result.err)


def test_debug_shows_a_traceback_without_the_token(cli: Any, fake: FakeCortex) -> None:
    fake.script(500)
    result = cli(*connection(fake), "--debug", "--max-retries", "0", "runs")
    assert result.code == 6
    assert "Traceback" in result.err and "ServerError" in result.err
    assert "cortex-logs: debug: httpx: HTTP Request: GET" in result.err
    assert result.err.rstrip().splitlines()[-1].startswith("cortex-logs: error:")


def test_ctrl_c_in_process_exits_130(cli: Any, fake: FakeCortex, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*_: Any, **__: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr("cortex_wrapper.cli._export.writer_for", interrupted)
    result = cli(*connection(fake), "audit")
    assert result.code == 130
    assert result.err == "cortex-logs: interrupted\n"


@pytest.mark.slow
def test_sigint_exits_130(tmp_path: Path) -> None:
    with make_fake(latency=0.2) as server:  # 80 pages take 16 s: the signal always lands mid-export
        process = subprocess.Popen(
            cli_argv(*connection(server), "audit", "--page-size", "5", "--concurrency", "1"),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT,
            env={"CORTEX_API_TOKEN": TOKEN, "PATH": "/usr/bin:/bin"},
        )
        deadline = time.monotonic() + 20
        while server.stats.requests < 3 and time.monotonic() < deadline:
            time.sleep(0.005)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=20)
    assert process.returncode == 130, err
    assert err.endswith("cortex-logs: interrupted\n") and "Traceback" not in err


@pytest.mark.slow
def test_token_never_leaks_anywhere(fake: FakeCortex, tmp_path: Path) -> None:
    """Every command, success and failure, with --debug: stdout, stderr and files never hold the token."""
    output, checkpoint = tmp_path / "out.jsonl", tmp_path / "ckpt.json"
    runs = [
        ("--debug", *connection(fake), "audit", "--max-pages", "2", "--page-size", "50"),
        ("--debug", *connection(fake), "notifications", "--output", str(output), "--checkpoint", str(checkpoint)),
        ("--debug", *connection(fake), "summary", "--since", "2026-01-01", "--format", "json"),
        ("--debug", "--base-url", f"http://127.0.0.1:{free_port()}", "--max-retries", "0", "runs"),
        ("--debug", *connection(fake), "runs", "--status", "NOPE"),
    ]
    for argv in runs:
        result = run_subprocess(*argv)  # asserts the token is absent from stdout and stderr
        assert result.err
    for path in tmp_path.iterdir():
        assert TOKEN not in path.read_text()
    assert TOKEN not in str(fake.requests), "the fake records requests with the Authorization header redacted"


@pytest.mark.slow
def test_a_corrupt_gzip_body_exits_6_not_5(cli: Any) -> None:
    # the response was the problem, not the network (issue 10, item 11)
    body = b"\x1f\x8b\x08\x00 this is not a gzip stream"
    with verbatim(lambda request: (200, {"Content-Encoding": "gzip"}, body)) as url:
        result = cli("--base-url", url, "--max-retries", "0", "audit")
    assert result.code == 6, result.err
    assert "Content-Encoding 'gzip'" in one_error_line(result.err)


# issue 10, item 7: Ctrl-C inside a 30 s Retry-After wait ends the export within a second
@pytest.mark.slow
def test_ctrl_c_during_a_rate_limit_wait_exits_at_once(tmp_path: Path) -> None:
    with FakeCortex(seed=3, audit_log_count=100) as fake:
        fake.script(200, Outcome(status=429, retry_after=30), Outcome(status=429, retry_after=30))
        env = {**os.environ, "CORTEX_API_TOKEN": fake.token}
        proc = subprocess.Popen(
            cli_argv("--base-url", fake.url, "audit", "--page-size", "10", "--output", str(tmp_path / "out.jsonl")),
            env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        try:
            assert proc.stderr is not None
            seen = []
            for line in proc.stderr:  # the client logs the 429 and its wait just before it starts waiting
                seen.append(line)
                if "retry 1/" in line and "in 30.00s" in line:
                    break
            else:
                pytest.fail(f"the export never waited on the 429: {seen}")
            assert fake.stats.by_status.get(429), "the 429 was served before the signal"
            proc.send_signal(signal.SIGINT)
            # a wait on the exit, bounded far below the 30 s Retry-After: a timeout means it waited the 429 out
            _, err = proc.communicate(timeout=10)
        finally:
            proc.kill()
    assert proc.returncode == 130, err
    assert "interrupted" in err
