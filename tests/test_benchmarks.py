"""A smoke run of every benchmark scenario, tiny sizes: it ran and reported, not how fast."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import __main__ as bench
from benchmarks import scenarios


@pytest.mark.slow
def test_every_scenario_runs_and_reports(tmp_path: Path) -> None:
    out = tmp_path / "BENCH.md"
    assert bench.main(["--smoke", "--write", str(out)]) == 0
    text = out.read_text()
    for scenario in ("Latency-bound export", "Rate-bound export", "Memory", "Parse cost", "Export path"):
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
