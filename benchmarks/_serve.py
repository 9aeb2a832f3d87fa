"""Serve a FakeCortex in its own process, so its CPU time is not the client's (run by ``scenarios.served``).

argv[1] is JSON: ``{"fake": {FakeCortex keyword arguments}, "dilation": null | [factor, origin],
"arrivals": null | [kind, [seconds, ...]]}``; with ``arrivals``, one record of ``kind`` is created
(``insert_newest``) at each of those seconds after serving starts, as a live API creates them.
Prints ``URL TOKEN`` once serving; when stdin closes, prints the stats, request times and the records
created as JSON and exits.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import threading
import time
from typing import Any

from cortex_wrapper.testing import FakeCortex, RateLimit


def main() -> None:
    """Serve until stdin closes."""
    config = json.loads(sys.argv[1])
    options = dict(config["fake"])
    times: list[float] = []
    if config.get("dilation"):
        factor, origin = config["dilation"]
        options["clock"] = lambda: (time.monotonic() - origin) * factor
    clock = options.get("clock", time.monotonic)
    if "rate_limit" in options:
        options["rate_limit"] = RateLimit(*options["rate_limit"])
    created: list[dict[str, Any]] = []
    with FakeCortex(on_request=lambda _: times.append(clock()), **options) as fake:
        done = threading.Event()
        worker = None
        if config.get("arrivals"):
            kind, moments = config["arrivals"]
            worker = threading.Thread(target=_arrive, args=(fake, kind, sorted(moments), created, done), daemon=True)
            worker.start()
        print(fake.url, fake.token, flush=True)
        sys.stdin.read()
        done.set()
        if worker is not None:
            worker.join(timeout=5)
        stats = dataclasses.asdict(fake.stats)
    stats["by_status"] = {str(k): v for k, v in stats["by_status"].items()}
    print(json.dumps({"stats": stats, "times": times, "created": created}, default=str), flush=True)


def _arrive(fake: FakeCortex, kind: str, moments: list[float], created: list[dict[str, Any]],
            done: threading.Event) -> None:
    """Create one record of ``kind`` at each of ``moments`` (seconds from now) until ``done``."""
    start = time.monotonic()
    for moment in moments:
        if done.wait(max(0.0, start + moment - time.monotonic())):
            return
        created.extend(fake.insert_newest(kind))


if __name__ == "__main__":
    main()
