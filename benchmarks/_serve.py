"""Serve a FakeCortex in its own process, so its CPU time is not the client's (run by ``scenarios.served``).

argv[1] is JSON: ``{"fake": {FakeCortex keyword arguments}, "dilation": null | [factor, origin]}``.
Prints ``URL TOKEN`` once serving; when stdin closes, prints the stats and request times as JSON and exits.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time

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
    with FakeCortex(on_request=lambda _: times.append(clock()), **options) as fake:
        print(fake.url, fake.token, flush=True)
        sys.stdin.read()
        stats = dataclasses.asdict(fake.stats)
    stats["by_status"] = {str(k): v for k, v in stats["by_status"].items()}
    print(json.dumps({"stats": stats, "times": times}), flush=True)


if __name__ == "__main__":
    main()
