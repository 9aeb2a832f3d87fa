"""A smoke run of every benchmark scenario, tiny sizes: it ran and reported, not how fast.

One run of ``python -m benchmarks --smoke`` (``bench.main``) serves every test here: the table it writes,
and the figures each scenario returned to it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import pytest

from benchmarks import __main__ as bench

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, Any]]]:
    """The table ``--smoke --write`` wrote, and the figures of the run behind it."""
    out = tmp_path_factory.mktemp("bench") / "BENCH.md"
    figures: dict[str, Any] = {}
    real_run = bench.run

    def run(*args: Any) -> dict[str, Any]:
        figures.update(real_run(*args))
        return figures

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bench, "run", run)
        assert bench.main(["--smoke", "--write", str(out)]) == 0
    yield out.read_text(), figures


def test_every_scenario_runs_and_reports(smoke: tuple[str, dict[str, Any]]) -> None:
    text, figures = smoke
    assert set(figures) == {"latency_bound", "rate_bound", "memory", "parse", "export", "sizes", "follow",
                            "unsettled"}
    for scenario in ("Latency-bound export", "Rate-bound export", "Memory", "Parse cost", "Export path", "Event size",
                     "Follow mode, median creation-to-fsync delay", "Follow mode, CPU per idle poll",
                     "Idle poll with 200 unsettled records"):
        assert scenario in text
    assert "Machine:" in text and "python -m benchmarks --smoke" in text


def test_scenarios_report_their_figures(smoke: tuple[str, dict[str, Any]]) -> None:
    _, figures = smoke
    lat, rate, parse = figures["latency_bound"], figures["rate_bound"], figures["parse"]
    records = bench.SMOKE["latency_records"]
    assert lat["records"] == records and lat["pages"] == 3 and lat["seconds"] > 0 and lat["naive_seconds"] > 0
    limit, windows = bench.SMOKE["rate_limit"], bench.SMOKE["rate_windows"]
    assert rate["records"] == limit * windows * 20 and rate["served"] == limit * windows  # pages of 20
    # the client knows the server's limit: it paces itself, so no window holds more and no 429 comes back
    assert rate["requests_per_full_window"] and max(rate["requests_per_full_window"]) <= limit
    assert rate["rate_limited_429"] == 0
    assert set(parse) == {"getAuditLogs", "listNotificationLogs", "listNotificationRuns"}
    pages = bench.SMOKE["parse_pages"]
    assert all(f["records"] == pages * bench.SMOKE["parse_page_size"] and f["ratio_to_json_loads"] > 0
               for f in parse.values())
    small, large = bench.SMOKE["memory"]
    assert {(m["small_records"], m["large_records"]) for m in figures["memory"].values()} == {(small, large)}


def test_the_export_path_scenario_measures_every_format(smoke: tuple[str, dict[str, Any]]) -> None:
    export = smoke[1]["export"]
    assert set(export) == {f"{c} {f}" for c in ("audit", "runs") for f in ("jsonl", "csv", "ecs", "ocsf")}
    assert (bench.SMOKE["export_records"], bench.SMOKE["export_page_size"], bench.SMOKE["export_repeat"]) == (600, 200, 1)
    assert all(f["records"] == 600 and f["pages"] == 3 and f["cli_cpu_seconds"] > 0 and f["loop_cpu_seconds"] > 0
               for f in export.values())
    for f in export.values():  # the start-up (an empty window) is measured and subtracted
        assert f["startup_cpu_seconds"] > 0 and f["us_per_record"] > 0
        # one run of each in the smoke (export_repeat 1): its median is its least
        assert f["median_us_per_record"] == pytest.approx(f["us_per_record"])
        assert f["ratio_of_medians"] == pytest.approx(f["ratio"])
        assert f["records_per_cpu_second"] == pytest.approx(1e6 / f["us_per_record"])
        assert f["us_per_record"] == pytest.approx(max(f["cli_cpu_seconds"] - f["startup_cpu_seconds"], 1e-9)
                                                   / f["records"] * 1e6)


def test_the_export_rows_state_cpu_per_record_against_the_budgets(smoke: tuple[str, dict[str, Any]]) -> None:
    text = smoke[0]
    assert bench.EXPORT_BUDGETS_US == {"jsonl": 15.0, "csv": 15.0, "ecs": 20.0, "ocsf": 20.0}
    for command in ("audit", "runs"):
        for fmt, budget in (("jsonl", "15"), ("csv", "15"), ("ecs", "20"), ("ocsf", "20")):
            [row] = [line for line in text.splitlines() if f"CPU per record, {command} {fmt} |" in line]
            assert f"| <= {budget} us |" in row and "records per CPU second" in row and "the minimal loop" in row


def test_the_follow_scenario_exports_each_record_once_and_times_it(smoke: tuple[str, dict[str, Any]]) -> None:
    figures = smoke[1]["follow"]
    sizes = bench.SMOKE["follow"]
    assert figures["created"] == sizes["records"] == figures["exported_lines"]
    assert figures["exported_ids"] == figures["created_ids"], "every record created was exported exactly once"
    assert figures["synced_more_than_once"] == 0
    for name in ("median_delay_seconds", "min_delay_seconds", "max_delay_seconds", "round_trip_seconds"):
        assert 0 < figures[name] < 30 and math.isfinite(figures[name]), (name, figures[name])
    assert figures["interval_seconds"] == 0.5
    assert figures["bound_seconds"] == pytest.approx(0.25 + figures["round_trip_seconds"])
    assert figures["idle_polls"] == figures["idle_polls_requested"] == sizes["idle_polls"]
    assert figures["idle_polls_reporting_0_new"] == sizes["idle_polls"], "the idle polls found nothing new"
    assert figures["window_records"] == sizes["records"] and figures["idle_cpu_seconds_per_poll"] > 0
    assert figures["window_get_cpu_seconds"] > 0 and math.isfinite(figures["idle_cpu_ratio_to_window_get"])
    assert figures["requests"] >= figures["polls"] > sizes["idle_polls"]


def test_an_idle_poll_with_unsettled_records_costs_one_request_more(smoke: tuple[str, dict[str, Any]]) -> None:
    _, figures = smoke
    assert {count: f["requests_per_poll"] for count, f in figures["unsettled"].items()} == {"0": 1, "20": 2, "200": 2}


def test_the_size_scenario_counts_bytes_of_keep_and_drop(smoke: tuple[str, dict[str, Any]]) -> None:
    sizes = smoke[1]["sizes"]
    assert set(sizes) == {"audit", "notifications", "runs"}
    for figures in sizes.values():
        b = figures["bytes"]
        assert figures["records"] == bench.SMOKE["size_records"]
        # keep adds the record's text (escaped, so at least as long as the line as sent, less its newline)
        assert b["ecs keep"] - b["ecs drop"] >= b["jsonl"] - 1 and b["ocsf keep"] - b["ocsf drop"] >= b["jsonl"] - 1
