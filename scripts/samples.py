"""Write the sample SIEM events of ``docs/samples/``: a few ECS and OCSF events of each record kind, from the sandbox.

Usage::

    python scripts/samples.py            # rewrite docs/samples/<dataset>.<format>.json
    python scripts/samples.py --check    # exit 1 if the committed samples are stale

Each file is a JSON array of the events ``cortex-logs --sandbox <command> --format <format>`` writes for a
handful of representative records: every audit action, a human, an API key, a personal API key and an
integration as the actor, an action no doc version lists; delivered, failed, ignored and pending notifications
over each medium, one with a medium no doc version lists; runs of every status, one with several objects.

The sandbox's clock is pinned (``NOW``) and the window is absolute, so the records, their event ids and the
events are the same on every run. The records are chosen on the ``--format jsonl`` export (the records as
sent), and the events taken from the ECS and OCSF exports of the same window at the same positions: the
choice does not depend on how the records are mapped.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from cortex_api_client.operations import ENUM_SITES

from cortex_wrapper.cli import _sandbox, _siem, main
from cortex_wrapper.cli._commands import COMMANDS
from cortex_wrapper.testing._pools import API_KEYS

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "docs" / "samples"
NOW = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
"""The sandbox's pinned clock: 59 days of records have arrived by then."""
SINCE = NOW - dt.timedelta(days=29)
"""The window's start: inside the 30 days Cortex keeps notification logs."""
FORMATS = ("ecs", "ocsf")
REFRESH = "python scripts/samples.py"

Record = Mapping[str, Any]


def unlisted(command: str, record: Record) -> bool:
    """True when a field of ``record`` holds an enum value that no doc version lists."""
    for field in COMMANDS[command].operation.fields:
        site = ENUM_SITES.get(field.site) if field.site else None
        value = record.get(field.wire)
        if site is not None and not site.open and isinstance(value, str) and value not in site.values:
            return True
    return False


def _actor(record: Record) -> str:
    return str(record.get("actorIdentifier", ""))


# (what the sample shows, which record shows it): the first record of the export (newest first) that matches and is
# not chosen yet.
CHOICES: dict[str, list[tuple[str, Callable[[Record], bool]]]] = {
    "audit": [
        ("a person creates", lambda r: r["action"] == "CREATE" and "@" in _actor(r)),
        ("a person reads", lambda r: r["action"] == "READ" and "@" in _actor(r)),
        ("a person updates a team", lambda r: r["action"] == "UPDATE" and r["objectType"] == "TEAM" and "@" in _actor(r)),
        ("an API key deletes", lambda r: r["action"] == "DELETE" and _actor(r) in API_KEYS),
        ("an API key changes an API key", lambda r: r["objectType"] == "API_KEY" and _actor(r) in API_KEYS),
        ("a personal API key", lambda r: _actor(r).startswith("pat-")),
        ("an integration (a webhook)", lambda r: _actor(r) == "jira-webhook"),
        ("an action no doc version lists", lambda r: unlisted("audit", r)),
    ],
    "notifications": [
        ("delivered to a Slack channel", lambda r: r["status"] == "DELIVERED" and "recipientChannel" in r),
        ("delivered by email", lambda r: r["status"] == "DELIVERED" and r["medium"] == "EMAIL"),
        ("failed, with its reason and error", lambda r: r["status"] == "FAILED" and "errorMessage" in r),
        ("failed on Microsoft Teams", lambda r: r["status"] == "FAILED" and r["medium"] == "MICROSOFT_TEAMS"),
        ("ignored, with its reason", lambda r: r["status"] == "IGNORED" and "ignoredReason" in r),
        ("not delivered yet", lambda r: r["status"] == "READY"),
        ("to a webhook", lambda r: r["medium"] == "WEBHOOK"),
        ("a medium no doc version lists", lambda r: unlisted("notifications", r)),
    ],
    "runs": [
        ("completed, about several objects", lambda r: r["status"] == "COMPLETED"
         and len(r.get("notificationObjects", [])) > 1),
        ("completed with errors", lambda r: r["status"] == "COMPLETED_WITH_ERRORS"),
        ("failed, with its reason", lambda r: r["status"] == "FAILED" and "failedReason" in r),
        ("ignored, with its reason", lambda r: r["status"] == "IGNORED" and "ignoredReason" in r),
        ("created, not run yet", lambda r: r["status"] == "CREATED"),
        ("a value no doc version lists", lambda r: unlisted("runs", r)),
    ],
}
"""The records each sample file shows."""


def dataset(command: str) -> str:
    """The sample files' name for a command's records: its ``event.dataset`` without ``cortex.``."""
    return {"audit": "audit", "notifications": "notification_log", "runs": "notification_run"}[command]


def sample_path(directory: Path, command: str, fmt: str) -> Path:
    """``<directory>/<dataset>.<format>.json``."""
    return directory / f"{dataset(command)}.{fmt}.json"


@contextlib.contextmanager
def pinned_sandbox_clock(moment: dt.datetime = NOW) -> Iterator[None]:
    """The sandbox's records as they stand at ``moment``, exported at ``moment`` (``event.created``)."""
    before, exported = _sandbox.wall_clock, _siem.export_clock
    _sandbox.wall_clock = _siem.export_clock = moment.timestamp
    try:
        yield
    finally:
        _sandbox.wall_clock, _siem.export_clock = before, exported


def export(command: str, fmt: str, work: Path) -> list[dict[str, Any]]:
    """What ``cortex-logs --sandbox COMMAND --format FMT`` writes for the window, one dict per line."""
    output = work / f"{command}.{fmt}.jsonl"
    # runs: the failed and ignored ones too (the server hides runs that delivered nothing), with their objects
    extra = ["--no-delivered-only", "--include-objects"] if command == "runs" else []
    code = main(["--sandbox", "--quiet", "--requests-per-minute", "0", command, "--since", SINCE.isoformat(), "--until", NOW.isoformat(),
                 "--format", fmt, "--output", str(output), *extra])
    if code != 0:
        raise SystemExit(f"cortex-logs {command} --format {fmt} exited {code}")
    return [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]


def choose(command: str, records: Sequence[Record]) -> list[int]:
    """The positions of the records each choice of ``CHOICES[command]`` picks, in time order."""
    chosen: list[int] = []
    for what, matches in CHOICES[command]:
        index = next((i for i, r in enumerate(records) if i not in chosen and COMMANDS[command].time_value(r)
                      and matches(r)), None)
        if index is None:
            raise SystemExit(f"no {command} record in the sandbox's window is {what}: change CHOICES")
        chosen.append(index)
    return sorted(chosen, key=lambda i: (str(COMMANDS[command].time_value(records[i])), i))


def render(events: Sequence[Mapping[str, Any]]) -> str:
    """A sample file's text: the events as a JSON array, two-space indent, keys in the order written."""
    return json.dumps(list(events), indent=2, ensure_ascii=False) + "\n"


def generate(directory: Path) -> list[Path]:
    """Write every sample file into ``directory``; the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    with pinned_sandbox_clock(), tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        for command in CHOICES:
            records = export(command, "jsonl", work)
            positions = choose(command, records)
            for fmt in FORMATS:
                events = export(command, fmt, work)
                if len(events) != len(records):
                    raise SystemExit(f"{command}: {len(records)} records but {len(events)} {fmt} events")
                path = sample_path(directory, command, fmt)
                path.write_text(render([events[i] for i in positions]), encoding="utf-8")
                written.append(path)
    return written


def compare(directory: Path, fresh: Sequence[Path]) -> list[str]:
    """The names of the ``fresh`` sample files that ``directory`` lacks or holds otherwise."""
    return [path.name for path in fresh
            if not (directory / path.name).is_file() or (directory / path.name).read_bytes() != path.read_bytes()]


def stale(directory: Path = SAMPLES) -> list[str]:
    """The sample files in ``directory`` that differ from freshly generated ones (missing ones included)."""
    with tempfile.TemporaryDirectory() as temp:
        return compare(directory, generate(Path(temp)))


def run(argv: Sequence[str] | None = None) -> int:
    """The command line: write the samples, or with ``--check`` report stale ones (exit 1)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed samples are stale")
    parser.add_argument("--output", type=Path, default=SAMPLES, help=f"the directory (default {SAMPLES})")
    args = parser.parse_args(argv)
    if args.check:
        if names := stale(args.output):
            print(f"stale samples: {', '.join(names)}; refresh them with: {REFRESH}", file=sys.stderr)
            return 1
        return 0
    for path in generate(args.output):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(run())
