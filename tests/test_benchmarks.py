"""A smoke run of every benchmark scenario, tiny sizes: it ran and reported, not how fast."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from benchmarks import __main__ as bench
from benchmarks import scenarios


@pytest.mark.slow
def test_every_scenario_runs_and_reports(tmp_path: Path) -> None:
    out = tmp_path / "BENCH.md"
    assert bench.main(["--smoke", "--write", str(out)]) == 0
    text = out.read_text()
    for scenario in ("Latency-bound export", "Rate-bound export", "Memory", "Parse cost", "Export path",
                     "Follow mode, median creation-to-fsync delay", "Follow mode, CPU per idle poll"):
        assert scenario in text
    assert "Machine:" in text and "python -m benchmarks --smoke" in text


@pytest.mark.slow
def test_scenarios_report_their_figures() -> None:
    lat = scenarios.latency_bound(1_500, scenarios.Latency(0.002, 0.0), naive_page_size=500)
    assert lat["records"] == 1_500 and lat["pages"] == 2 and lat["seconds"] > 0 and lat["naive_seconds"] > 0
    rate = scenarios.rate_bound(5, 2, page_size=5, factor=200.0)
    assert rate["records"] == 50 and rate["served"] >= 10 and rate["failed_exports"] == 0
    # the client knows the server's limit: it paces itself, so no window holds more and no 429 comes back
    assert rate["requests_per_full_window"] and max(rate["requests_per_full_window"]) <= 5
    assert rate["rate_limited_429"] == 0
    parse = scenarios.parse_cost(1, page_size=50)
    assert set(parse) == {"getAuditLogs", "listNotificationLogs", "listNotificationRuns"}
    assert all(f["records"] == 50 and f["ratio_to_json_loads"] > 0 for f in parse.values())


@pytest.mark.slow
def test_the_export_path_scenario_measures_every_format() -> None:
    figures = scenarios.export_path(600, page_size=200, repeat=1)
    assert set(figures) == {f"{c} {f}" for c in ("audit", "runs") for f in ("jsonl", "csv", "ecs", "ocsf")}
    assert all(f["records"] == 600 and f["cli_cpu_seconds"] > 0 and f["loop_cpu_seconds"] > 0 for f in figures.values())


@pytest.mark.slow
def test_the_follow_scenario_exports_each_record_once_and_times_it() -> None:
    figures = scenarios.follow_mode(5, 1.0, interval=0.2, idle_polls=4, latency=0.005)
    assert figures["created"] == 5 and figures["exported_lines"] == 5
    assert figures["exported_ids"] == figures["created_ids"], "every record created was exported exactly once"
    assert figures["synced_more_than_once"] == 0
    for name in ("median_delay_seconds", "min_delay_seconds", "max_delay_seconds", "round_trip_seconds"):
        assert 0 < figures[name] < 30 and math.isfinite(figures[name]), (name, figures[name])
    assert figures["bound_seconds"] == pytest.approx(0.1 + figures["round_trip_seconds"])
    assert figures["idle_polls"] == figures["idle_polls_requested"] == 4
    assert figures["idle_polls_reporting_0_new"] == 4, "the idle polls found nothing new"
    assert figures["window_records"] == 5 and figures["idle_cpu_seconds_per_poll"] > 0
    assert figures["window_get_cpu_seconds"] > 0 and math.isfinite(figures["idle_cpu_ratio_to_window_get"])
    assert figures["requests"] >= figures["polls"] > 4
