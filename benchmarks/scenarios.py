"""The benchmark scenarios; each returns a dict of figures (ratios are what count).

Run them with ``python -m benchmarks`` (see ``__main__.py``); ``tests/test_benchmarks.py`` runs each one
with tiny sizes so none can rot.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import json
import math
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from cortex_api_client.models import AuditLogResponse
from cortex_api_client.operations import AUDIT_LOGS, NOTIFICATION_LOGS, NOTIFICATION_RUNS, OperationSpec

from cortex_wrapper import CortexClient
from cortex_wrapper._defaults import DEFAULT_CONCURRENCY, DEFAULT_PAGE_SIZE
from cortex_wrapper._response import parse_page
from cortex_wrapper.cli import _durable
from cortex_wrapper.cli._follow import Stopped, follow
from cortex_wrapper.testing import DEFAULT_REFERENCE_TIME, FakeCortex

END_TIME = DEFAULT_REFERENCE_TIME  # every synthetic record is older: a fixed upper bound for all runs


@dataclass(frozen=True)
class Latency:
    """The simulated round trip: ``per_request`` seconds plus ``per_record`` seconds per record served."""

    per_request: float = 0.1
    per_record: float = 0.00001

    def of_page(self, records: int) -> float:
        """Seconds one page of ``records`` takes."""
        return self.per_request + records * self.per_record


class Served:
    """A FakeCortex in a child process (``_serve.py``): ``url``, ``token``, and after exit ``stats``/``times``."""

    def __init__(self, fake: dict[str, Any], dilation: tuple[float, float] | None = None,
                 arrivals: tuple[str, list[float]] | None = None) -> None:
        config = json.dumps({"fake": fake, "dilation": dilation, "arrivals": arrivals})
        self._process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks._serve", config], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True, cwd=Path(__file__).resolve().parent.parent,
        )
        assert self._process.stdout is not None
        self.url, self.token = self._process.stdout.readline().split()
        self.stats: dict[str, Any] = {}
        self.times: list[float] = []
        self.created: list[dict[str, Any]] = []

    def __enter__(self) -> Served:
        return self

    def __exit__(self, *exc: object) -> None:
        out, _ = self._process.communicate("", timeout=60)
        report = json.loads(out)
        self.stats, self.times, self.created = report["stats"], report["times"], report["created"]


def _timed(work: Callable[[], int]) -> tuple[float, int]:
    start = time.perf_counter()
    count = work()
    return time.perf_counter() - start, count


def latency_bound(records: int, latency: Latency, naive_page_size: int = 250) -> dict[str, Any]:
    """Export ``records`` audit logs with default settings vs the bound and a naive sequential loop."""
    with Served({"seed": 1, "audit_log_count": records, "latency": latency.per_request,
                 "per_record_latency": latency.per_record}) as fake:
        def ours() -> int:
            with CortexClient(fake.token, fake.url) as client:
                return sum(1 for _ in client.audit_logs(end_time=END_TIME))

        def naive() -> int:
            """What a user writes without this package: one page after another, each record parsed."""
            headers = {"Authorization": f"Bearer {fake.token}"}
            seen, page = 0, 0
            with httpx.Client(base_url=fake.url, headers=headers, timeout=30.0) as api:
                while True:
                    params: dict[str, str | int] = {"page": page, "pageSize": naive_page_size,
                                                    "endTime": END_TIME.isoformat()}
                    body = api.get(AUDIT_LOGS.path, params=params).raise_for_status().json()
                    seen += len([AuditLogResponse.from_dict(item) for item in body["logs"]])
                    page += 1
                    if page >= body["totalPages"]:
                        return seen

        # Warm the fake's page cache with an untimed pass of each, so its own CPU (generating and
        # encoding pages, serialised by its GIL) is not counted against either client.
        ours()
        naive()
        our_seconds, count = _timed(ours)
        assert count == records, (count, records)
        naive_seconds, naive_count = _timed(naive)
        assert naive_count == records
    page_size, concurrency = DEFAULT_PAGE_SIZE, DEFAULT_CONCURRENCY
    pages = math.ceil(records / page_size)
    bound = math.ceil(pages / concurrency) * latency.of_page(page_size)
    return {
        "records": records, "pages": pages, "concurrency": concurrency, "seconds": our_seconds, "bound_seconds": bound,
        "ratio_to_bound": our_seconds / bound, "naive_seconds": naive_seconds,
        "speedup_vs_naive": naive_seconds / our_seconds,
    }


class Dilated:
    """Time that runs ``factor`` times faster than the wall clock, shared by the fake and the client."""

    def __init__(self, factor: float) -> None:
        self.factor = factor
        self.origin = time.monotonic()

    def clock(self) -> float:
        """Dilated seconds since the origin."""
        return (time.monotonic() - self.origin) * self.factor

    def sleep(self, seconds: float) -> None:
        """Sleep ``seconds`` of dilated time."""
        time.sleep(seconds / self.factor)


def rate_bound(limit: int, windows: int, page_size: int = 20, factor: float = 10.0) -> dict[str, Any]:
    """Export under a server limit of ``limit`` requests per 60 s window, time dilated by ``factor``.

    The client is told the same limit (``requests_per_minute=limit``); the run needs about
    ``windows`` windows' worth of requests.
    """
    requests_wanted = limit * windows
    dilated = Dilated(factor)
    served = Served({"seed": 2, "audit_log_count": requests_wanted * page_size, "rate_limit": [limit, 60.0]},
                    dilation=(factor, dilated.origin))
    with served as fake, CortexClient(fake.token, fake.url, requests_per_minute=limit, page_size=page_size,
                      clock=dilated.clock, sleep=dilated.sleep, max_retries=10) as client:
        start = dilated.clock()
        count = sum(1 for _ in client.audit_logs(end_time=END_TIME))
        elapsed = dilated.clock() - start
    stats, log = served.stats, served.times
    assert count == requests_wanted * page_size, (count, requests_wanted * page_size)
    first, last = math.floor(log[0] / 60.0), math.floor(log[-1] / 60.0)
    ok = stats["by_status"].get("200", 0)
    per_window = [sum(1 for t in log if math.floor(t / 60.0) == w) for w in range(first, last + 1)]
    full = per_window[:-1] or per_window  # the last window is partial: the export ended in it
    return {
        "limit_per_window": limit, "requests": stats["requests"], "served": ok,
        "rate_limited_429": stats["rate_limited"], "share_429": stats["rate_limited"] / max(stats["requests"], 1),
        "windows": len(per_window), "requests_per_full_window": full,
        "fraction_of_limit": sum(full) / (len(full) * limit), "virtual_seconds": elapsed,
        "records": count, "failed_exports": 0,
    }


MEMORY_CHILD = """
import resource, sys
from cortex_wrapper import CortexClient
url, token, end, operation = sys.argv[1:5]
with CortexClient(token, url, requests_per_minute=None) as client:
    if operation == "audit_logs":
        pager = client.audit_logs(end_time=end)
    else:  # runs have ids, so the crawl also keeps its window of recent ids
        pager = client.notification_runs(until_date=end, delivered_only=False)
    count = 0
    for _ in pager:
        count += 1
print(count, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
MEMORY_COUNTS = {"audit_logs": "audit_log_count", "notification_runs": "notification_run_count"}


def memory(small: int, large: int) -> dict[str, dict[str, Any]]:
    """Peak RSS of a child process streaming ``large`` vs ``small`` records to a null sink, per operation.

    Audit logs, and runs (deduplicated by id, so the crawl also keeps a window of recent ids).
    """
    figures = {}
    for operation, count_option in MEMORY_COUNTS.items():
        results = {}
        for records in (small, large):
            options: dict[str, Any] = {count_option: records}
            with FakeCortex(seed=3, page_cache_bytes=0, **options) as fake:
                out = subprocess.run(
                    [sys.executable, "-c", MEMORY_CHILD, fake.url, fake.token, END_TIME.isoformat(), operation],
                    capture_output=True, text=True, check=True,
                ).stdout.split()
            assert int(out[0]) == records, (out, records)
            results[records] = int(out[1]) * 1024
        figures[operation] = {
            "small_records": small, "large_records": large, "small_peak_rss_bytes": results[small],
            "large_peak_rss_bytes": results[large], "growth": results[large] / results[small] - 1,
        }
    return figures


def _least_of_each(works: tuple[Callable[[], object], ...], repeat: int = 9) -> list[float]:
    """The least wall seconds of each of ``works`` over ``repeat`` rounds, each round running them in turn.

    In turn, so that a slow spell of the machine hits each alike; each from a collected heap, so that none
    pays for the garbage of the one before.
    """
    best = [math.inf] * len(works)
    for _ in range(repeat):
        for index, work in enumerate(works):
            gc.collect()
            start = time.perf_counter()
            work()
            best[index] = min(best[index], time.perf_counter() - start)
    return best


def _load_all(bodies: list[bytes]) -> None:
    for body in bodies:
        json.loads(body)


def _parse_all(operation: OperationSpec[Any], responses: list[httpx.Response]) -> None:
    for response in responses:
        parse_page(operation, response)


def parse_cost(pages: int, page_size: int = 1000, repeat: int = 9) -> dict[str, Any]:
    """Seconds to parse page bodies into the generated models, as a ratio to ``json.loads`` of the same bodies.

    Each is the least of ``repeat`` runs.
    """
    figures: dict[str, Any] = {}
    with FakeCortex(seed=4, audit_log_count=pages * page_size, notification_log_count=pages * page_size,
                    notification_run_count=pages * page_size) as fake:
        for operation in (AUDIT_LOGS, NOTIFICATION_LOGS, NOTIFICATION_RUNS):
            extra = {"deliveredOnly": "false", "includeObjects": "true"} if operation is NOTIFICATION_RUNS else {}
            bodies = [
                httpx.get(f"{fake.url}{operation.path}", headers={"Authorization": f"Bearer {fake.token}"},
                          params={"page": page, "pageSize": page_size, **extra}).content
                for page in range(pages)
            ]
            responses = [httpx.Response(200, content=body) for body in bodies]
            records = sum(len(json.loads(b)[operation.list_key]) for b in bodies)
            json_seconds, parse_seconds = _least_of_each((functools.partial(_load_all, bodies),
                                                          functools.partial(_parse_all, operation, responses)), repeat)
            figures[operation.operation_id] = {
                "records": records, "json_us_per_record": json_seconds / records * 1e6,
                "parse_us_per_record": parse_seconds / records * 1e6, "ratio_to_json_loads": parse_seconds / json_seconds,
            }
    return figures


# -- the export path: HTTP body to bytes in the file, per core ----------------------------------------------

EXPORT_COMMANDS = {"audit": ("audit_logs", "/api/v1/audit-logs", "logs", "endTime"),
                   "runs": ("notification_runs", "/api/v1/notifications/logs/run", "runs", "untilDate")}


def _minimal_loop(url: str, token: str, command: str, fmt: str, pages: int, page_size: int, out: Path) -> int:
    """The floor: httpx, json.loads, then json.dumps or csv.writer per record, the same pages in flight."""
    import csv
    from concurrent.futures import ThreadPoolExecutor

    _, path, key, upper = EXPORT_COMMANDS[command]
    params = {upper: END_TIME.strftime("%Y-%m-%dT%H:%M:%S"), "pageSize": str(page_size)}
    if command == "runs":
        params["deliveredOnly"] = "false"
    count = 0
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as client, \
            ThreadPoolExecutor(DEFAULT_CONCURRENCY) as pool, out.open("w", encoding="utf-8", newline="") as stream:
        fetch = functools.partial(lambda p: client.get(path, params={**params, "page": str(p)}).content)
        writer = csv.writer(stream)
        for body in pool.map(fetch, range(pages)):
            for record in json.loads(body)[key]:
                if fmt == "csv":
                    writer.writerow(record.values())
                else:
                    stream.write(json.dumps(record) + "\n")
                count += 1
    return count


BEFORE_ANY_RECORD = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
"""An ``--until`` that selects no synthetic record: the export's start-up alone (one request, an empty page)."""


def _cli_export(url: str, token: str, command: str, fmt: str, page_size: int, out: Path,
                until: dt.datetime = END_TIME) -> int:
    """``cortex-logs COMMAND --format FMT --output OUT`` in this process, as a user runs it."""
    import os

    from cortex_wrapper.cli import main

    os.environ["CORTEX_API_TOKEN"] = token
    extra = ["--no-delivered-only"] if command == "runs" else []
    code = main(["--base-url", url, "--requests-per-minute", "0", "--quiet", command, "--until",
                 until.isoformat(), "--page-size", str(page_size), "--format", fmt, "--output", str(out), *extra])
    assert code == 0, code
    return -1  # counted after the timing, by the caller


def _cpu(work: Callable[[], int]) -> tuple[float, int]:
    """CPU seconds of this process (all its threads) that ``work`` took, from a collected heap."""
    gc.collect()
    start = time.process_time()
    count = work()
    return time.process_time() - start, count


def _per_record(statistic: Callable[[list[float]], float], clis: list[float], startups: list[float],
                records: int) -> float:
    """CPU seconds a record: ``statistic`` of the export runs less that of the start-up runs, per record."""
    return max(statistic(clis) - statistic(startups), 1e-9) / records


def export_path(records: int, page_size: int = DEFAULT_PAGE_SIZE, repeat: int = 3) -> dict[str, Any]:
    """CPU per record through ``cortex-logs`` for each format (start-up subtracted), and against the minimal loop.

    The start-up is the same command over a window that holds no record (``BEFORE_ANY_RECORD``): parsing the
    arguments, the client, one request, the output file. What is left, divided by the records, is the cost of
    a record: ``us_per_record`` and its inverse, ``records_per_cpu_second``.
    """
    import tempfile

    figures: dict[str, Any] = {}
    pages = -(-records // page_size)
    for command, (kind, *_) in EXPORT_COMMANDS.items():
        options: dict[str, Any] = {"seed": 5, f"{kind.removesuffix('s')}_count": records}
        with Served(options) as served, tempfile.TemporaryDirectory() as scratch:
            out = Path(scratch) / "out"
            _minimal_loop(served.url, served.token, command, "jsonl", pages, page_size, out)  # warm the page cache
            for fmt in ("jsonl", "csv", "ecs", "ocsf"):
                floor = functools.partial(_minimal_loop, served.url, served.token, command,
                                          "csv" if fmt == "csv" else "jsonl", pages, page_size, out)
                cli = functools.partial(_cli_export, served.url, served.token, command, fmt, page_size, out)
                empty = functools.partial(_cli_export, served.url, served.token, command, fmt, page_size,
                                          Path(scratch) / "empty", BEFORE_ANY_RECORD)
                loops, clis, startups = [], [], []
                for _ in range(repeat):  # interleaved, so a slow spell of the machine hits each alike
                    loops.append(_cpu(floor)[0])
                    clis.append(_cpu(cli)[0])
                    startups.append(_cpu(empty)[0])
                count = sum(1 for _ in out.open(encoding="utf-8")) - (1 if fmt == "csv" else 0)
                assert count == records, (command, fmt, count)
                # the least of each: the same work never takes less CPU than it needs, and this machine's
                # neighbours only ever add to it (+-40% within seconds), so the least run is the nearest to
                # the cost of the code (as for the parse cost); the median is kept beside it
                per_record = _per_record(min, clis, startups, records)
                figures[f"{command} {fmt}"] = {"records": records, "pages": pages, "cli_cpu_seconds": min(clis),
                                               "startup_cpu_seconds": min(startups), "loop_cpu_seconds": min(loops),
                                               "ratio": min(clis) / min(loops),
                                               "ratio_of_medians": statistics.median(clis) / statistics.median(loops),
                                               "us_per_record": per_record * 1e6,
                                               "median_us_per_record": _per_record(statistics.median, clis, startups,
                                                                                   records) * 1e6,
                                               "records_per_cpu_second": 1 / per_record}
    return figures


# -- event sizes: bytes per ECS/OCSF event, --original keep and drop ----------------------------------------

def event_sizes(records: int) -> dict[str, Any]:
    """Mean bytes per line of each record kind: as sent (JSONL), and ECS and OCSF with ``--original keep``/``drop``.

    The records are the sandbox's (``generate_records``, seeded, without the attributes the API never serves);
    the events carry a tenant and ``event.created``, as the CLI writes them.
    """
    import dataclasses

    from cortex_wrapper._wire import RawRecord
    from cortex_wrapper.cli._commands import COMMANDS, SiemOptions
    from cortex_wrapper.cli._formats import lines_of
    from cortex_wrapper.testing import generate_records

    figures: dict[str, Any] = {}
    for command, source in (("audit", "audit_logs"), ("notifications", "notification_logs"),
                            ("runs", "notification_runs")):
        exporter = COMMANDS[command]
        hidden = exporter.presentation.internal_fields
        texts = [json.dumps({k: v for k, v in r.items() if k not in hidden}, separators=(",", ":"))
                 for r in generate_records(source, records, seed=7)]
        raws = [RawRecord(json.loads(text), text) for text in texts]
        sizes: dict[str, float] = {"jsonl": statistics.fmean(len(text.encode()) + 1 for text in texts)}
        for original in ("drop", "keep"):
            options = SiemOptions(original=original == "keep", tenant="api.getcortexapp.com", created=True)
            siem_command = dataclasses.replace(exporter, siem=options)
            for fmt in ("ecs", "ocsf"):
                line = lines_of(siem_command, fmt)
                sizes[f"{fmt} {original}"] = statistics.fmean(
                    len(line(raw, f"{i}:DELIVERED").encode()) for i, raw in enumerate(raws))
        figures[command] = {"records": records, "bytes": sizes}
    return figures


# -- follow mode: records arriving while cortex-logs --follow polls ---------------------------------------

class _Synced:
    """Wraps the follower's fsync (``_incremental.sync``): the wall time each exported line became durable."""

    def __init__(self) -> None:
        self.at: dict[int, list[float]] = {}  # record id -> the wall times it was synced (once, if all is well)
        self.offset = 0
        self.calls = 0

    def __call__(self, out: _durable.AppendFile) -> None:
        _durable.sync(out)
        fd = out.fd
        now = time.time()
        self.calls += 1
        size = os.fstat(fd).st_size
        for line in os.pread(fd, size - self.offset, self.offset).splitlines():
            self.at.setdefault(json.loads(line)["id"], []).append(now)
        self.offset = size


class _Polls:
    """The follower's ``wait``: sleeps out each interval while records arrive, then ``idle`` polls back to back.

    The idle polls find nothing new; this process's CPU time is taken between one wait and the next (one
    poll each), then the follower is stopped.
    """

    def __init__(self, synced: _Synced, expected: int, idle: int, deadline: float, notes: list[str]) -> None:
        self.synced, self.expected, self.idle, self.deadline, self.notes = synced, expected, idle, deadline, notes
        self.polls = 0
        self.idle_notes: list[str] = []
        self.idle_polls = -1  # -1: records still arriving
        self.idle_cpu: list[float] = []  # CPU seconds of each idle poll
        self._cpu_mark = 0.0
        self.first_idle_note = 0

    def __call__(self, seconds: float) -> None:
        now = time.process_time()
        self.polls += 1
        if self.idle_polls < 0:
            if len(self.synced.at) < self.expected and time.monotonic() < self.deadline:
                time.sleep(seconds)
                return
            self.idle_polls, self.first_idle_note = 0, len(self.notes)
            self._cpu_mark = time.process_time()
            return
        self.idle_polls += 1
        self.idle_cpu.append(now - self._cpu_mark)
        self._cpu_mark = time.process_time()
        if self.idle_polls >= self.idle:
            self.idle_notes = self.notes[self.first_idle_note:]
            raise Stopped


def _empty_page_round_trip(url: str, token: str, repeat: int = 5) -> tuple[float, float]:
    """Median wall seconds and least CPU seconds of one bare httpx GET of an empty page (a poll with nothing new)."""
    after = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    params = {"fromDate": after.strftime("%Y-%m-%dT%H:%M:%S"), "orderBy": "ASC",
              "pageSize": str(DEFAULT_PAGE_SIZE), "page": "0"}
    walls, cpus = [], []
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as api:
        api.get(NOTIFICATION_LOGS.path, params=params).raise_for_status()  # the connection, opened untimed
        for _ in range(repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            body = api.get(NOTIFICATION_LOGS.path, params=params).raise_for_status().json()
            cpus.append(time.process_time() - cpu)
            walls.append(time.perf_counter() - wall)
            assert body[NOTIFICATION_LOGS.list_key] == [], body
    return statistics.median(walls), min(cpus)


def _window_page_cpu(url: str, token: str, since: dt.datetime, repeat: int = 25) -> tuple[float, int]:
    """Median CPU seconds of one bare httpx GET plus ``json.loads`` of the late-arrival window an idle poll re-reads."""
    params = {"fromDate": since.strftime("%Y-%m-%dT%H:%M:%S"), "orderBy": "ASC",
              "pageSize": str(DEFAULT_PAGE_SIZE), "page": "0"}
    cpus, records = [], 0
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as api:
        api.get(NOTIFICATION_LOGS.path, params=params).raise_for_status()
        for _ in range(repeat):
            cpu = time.process_time()
            records = len(json.loads(api.get(NOTIFICATION_LOGS.path, params=params).raise_for_status().content)
                          [NOTIFICATION_LOGS.list_key])
            cpus.append(time.process_time() - cpu)
    return statistics.median(cpus), records


def follow_mode(records: int, seconds: float, interval: float = 0.5, idle_polls: int = 50,
                latency: float = 0.05, seed: int = 13) -> dict[str, Any]:
    """``cortex-logs notifications --follow`` while a FakeCortex creates ``records`` records at random times.

    The records arrive over ``seconds``; each one's delay from creation (the stamp the fake gives it) to the
    fsync of its line is measured against ``interval/2 + round trip``. Then ``idle_polls`` polls find nothing
    new: the median CPU seconds of one, against the median of a bare GET (plus ``json.loads``) of the same
    late-arrival window.

    The fake runs in its own process (``Served``), so this process's CPU time is the follower's alone.
    """
    import io
    import random
    import tempfile
    from unittest import mock

    from cortex_wrapper.cli import _incremental
    from cortex_wrapper.cli._commands import COMMANDS
    from cortex_wrapper.cli._progress import Progress

    rng = random.Random(seed)
    moments = sorted(rng.uniform(0.2, seconds) for _ in range(records))
    synced = _Synced()
    notes: list[str] = []
    with Served({"seed": seed, "latency": latency}, arrivals=("notification_logs", moments)) as served, \
            tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "follow.jsonl"
        polls = _Polls(synced, records, idle_polls, deadline=time.monotonic() + seconds + 10 * interval + 10,
                       notes=notes)
        # the follower's fsync, timed (``_incremental`` calls ``_durable.sync`` by that name)
        with mock.patch.object(_incremental, "sync", synced), \
                CortexClient(served.token, served.url, requests_per_minute=None) as client:
            code = follow(client, COMMANDS["notifications"], {}, fmt="jsonl", output=str(output),
                          checkpoint=f"{output}.ckpt", since=None, page_size=None,
                          progress=Progress(io.StringIO(), enabled=False), notify=notes.append, redact=str,
                          lag=dt.timedelta(minutes=5), with_id=False, interval=interval, status_file=None,
                          wait=polls)
        assert code == 0, code
        lines = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
        round_trip, empty_cpu = _empty_page_round_trip(served.url, served.token)
        oldest = min(dt.datetime.fromisoformat(str(r["dateCreated"])) for r in lines) if lines else dt.datetime.now(dt.UTC)
        window_cpu, window_records = _window_page_cpu(served.url, served.token, oldest - dt.timedelta(seconds=1))
    created = {int(r["id"]): dt.datetime.fromisoformat(str(r["dateCreated"])).timestamp() for r in served.created}
    delays = [synced.at[i][0] - stamp for i, stamp in created.items() if i in synced.at]
    bound = interval / 2 + round_trip
    idle_notes = [note for note in polls.idle_notes if ": 0 new " in note]
    median_delay = statistics.median(delays) if delays else math.nan
    per_poll = statistics.median(polls.idle_cpu) if polls.idle_cpu else math.nan
    return {
        "records": records, "created": len(created), "exported_lines": len(lines),
        "exported_ids": sorted(int(r["id"]) for r in lines), "created_ids": sorted(created),
        "synced_more_than_once": sum(1 for times in synced.at.values() if len(times) > 1),
        "interval_seconds": interval, "round_trip_seconds": round_trip, "bound_seconds": bound,
        "median_delay_seconds": median_delay, "max_delay_seconds": max(delays, default=math.nan),
        "min_delay_seconds": min(delays, default=math.nan), "delay_ratio_to_bound": median_delay / bound,
        "polls": polls.polls, "idle_polls_requested": idle_polls, "idle_polls": polls.idle_polls,
        "idle_polls_reporting_0_new": len(idle_notes),
        "idle_cpu_seconds_per_poll": per_poll, "window_records": window_records,
        "window_get_cpu_seconds": window_cpu, "empty_get_cpu_seconds": empty_cpu,
        "idle_cpu_ratio_to_window_get": per_poll / window_cpu if window_cpu > 0 else math.inf,
        "requests": served.stats["requests"],
    }


def unsettled_polls(counts: tuple[int, ...], polls: int, latency: float = 0.0) -> dict[str, Any]:
    """Idle polls of ``IncrementalReader`` (the engine of ``--follow``) with N records not yet final, for each N.

    The fake (in its own process, ``Served``) holds N notification logs created ``READY`` over the 20 hours
    before now (outside the late-arrival window, inside the settle window) and one ``DELIVERED`` record a minute
    old; a first poll commits them all. Then ``polls`` polls find nothing new: the requests each one sends
    (counted by the client's ``PageFetched`` events) and the median CPU seconds of this process per poll.
    """
    import tempfile

    from cortex_wrapper import FileCheckpointStore, IncrementalReader

    now = dt.datetime.now(dt.UTC)
    results: dict[str, Any] = {}
    for count in counts:
        records = [{"id": i, "medium": "SLACK", "recipientType": "USER", "runId": 1, "status": "READY",
                    "type": "WEEKLY_REPORT",
                    "dateCreated": (now - dt.timedelta(hours=20) + dt.timedelta(seconds=i * 60_000 / max(count, 1)))
                    .isoformat(timespec="milliseconds").replace("+00:00", "Z")} for i in range(1, count + 1)]
        records.append({"id": count + 1, "medium": "SLACK", "recipientType": "USER", "runId": 1,
                        "status": "DELIVERED", "type": "WEEKLY_REPORT",
                        "dateCreated": (now - dt.timedelta(minutes=1)).isoformat(timespec="milliseconds")
                        .replace("+00:00", "Z")})
        fetched: list[int] = []
        with tempfile.TemporaryDirectory() as folder, _served_logs(Path(folder), records, latency) as (url, token):
            store = FileCheckpointStore(Path(folder) / "logs.ckpt")
            with CortexClient(token, base_url=url, requests_per_minute=None,
                              on_event=functools.partial(_count_pages, fetched)) as client:
                assert _poll_all(IncrementalReader(client, "notification_logs", store)) == count + 1
                requests, cpu = [], []
                for _ in range(polls):
                    before, started = len(fetched), time.process_time()
                    assert _poll_all(IncrementalReader(client, "notification_logs", store)) == 0
                    cpu.append(time.process_time() - started)
                    requests.append(len(fetched) - before)
        results[str(count)] = {"unsettled": count, "requests_per_poll": max(requests),
                               "cpu_seconds_per_poll": statistics.median(cpu), "polls": polls}
    return results


def _count_pages(fetched: list[int], event: Any) -> None:
    from cortex_wrapper import PageFetched

    if isinstance(event, PageFetched):
        fetched.append(1)


def _poll_all(reader: Any) -> int:
    """One poll, every batch committed: how many changes it gave."""
    changes = 0
    for batch in reader.poll():
        changes += len(batch)
        batch.commit()
    return changes


_SERVE_LOGS = """
import json, sys
from cortex_wrapper.testing import FakeCortex
records = json.load(open(sys.argv[1]))
with FakeCortex(audit_log_count=0, notification_log_count=0, notification_run_count=0, notification_logs=records,
                latency=float(sys.argv[2])) as fake:
    print(fake.url, fake.token, flush=True)
    sys.stdin.read()
"""


@contextlib.contextmanager
def _served_logs(folder: Path, records: list[dict[str, Any]], latency: float) -> Iterator[tuple[str, str]]:
    """A FakeCortex serving ``records`` (notification logs) from its own process, until the block ends."""
    path = folder / "records.json"
    path.write_text(json.dumps(records))
    process = subprocess.Popen([sys.executable, "-c", _SERVE_LOGS, str(path), str(latency)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parent.parent)
    try:
        assert process.stdout is not None
        url, token = process.stdout.readline().split()
        yield url, token
    finally:
        process.communicate("", timeout=60)
