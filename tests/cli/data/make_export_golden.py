"""Write ``export_golden.json``: the lines every export format writes for a set of records, byte for byte.

``python tests/cli/data/make_export_golden.py ROOT OUT`` imports ``cortex_wrapper`` from the tree at ROOT (the
tree whose bytes are pinned: first the commit before the export path lost its second and third CSV encoders,
then, once each state of a notification became its own event, the tree of that change, every difference checked
to be the event ids of notifications (``<id>:<status>``) and OCSF's ``metadata.correlation_uid``)
and writes OUT. ``tests/cli/test_cli_export_golden.py`` reads the file alone (input text and lines), so a change
to the synthetic data or to this script leaves the pinned bytes as they are.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterator
from typing import Any

_OPERATIONS = {"audit": "audit_logs", "notifications": "notification_logs", "runs": "notification_runs"}
_TIME = {"audit": "timestamp", "notifications": "dateCreated", "runs": "dateCreated"}
ODD_VALUES: list[Any] = ["", 'a,"b"', "line\rbreak", "crlf\r\nend\n", "\ud800x", "ünïcode ✓", None, True, -7, 1.5,
                         [1, "x"], {"a": {"b": [None]}}]
"""Put in each field of a record in turn: what a CSV cell holds, quotes, or sends to ``_extra``."""
_TIMES = ["2026-05-01T09:00:00+02:00", "2026-05-01T09:00:00"]
SIEM_VALUES: dict[str, list[Any]] = {
    "timestamp": _TIMES, "dateCreated": _TIMES, "dateUpdated": _TIMES,
    "action": ["READ", "CREATE", "DELETE", "SOMETHING_NEW"], "actorIdentifier": ["bot-without-at"],
    "recipientEmail": ["bot-without-at"], "ipAddress": ["2001:DB8::1", "not-an-ip"], "medium": ["EMAIL", "SLACK"],
    "status": ["DELIVERED", "FAILED", "COMPLETED", "COMPLETED_WITH_ERRORS", "SOMETHING_NEW"],
    "objectIdentifier": ["x"], "objectType": ["x"], "failedReason": ["x"], "ignoredReason": ["x"],
    "errorMessage": ["x"], "summary": ["x"],
}
"""Put in each field the mappings read (besides null and "", or left out): each branch of the ECS and OCSF
mappings, pinned by digest."""
_SIEM_FIELDS = {
    "audit": ["timestamp", "action", "actorIdentifier", "ipAddress", "objectIdentifier", "objectType"],
    "notifications": ["dateCreated", "dateUpdated", "status", "medium", "failedReason", "ignoredReason",
                      "errorMessage", "recipientEmail"],
    "runs": ["dateCreated", "dateUpdated", "status", "medium", "failedReason", "ignoredReason", "errorMessage",
             "summary"],
}


def inputs(generate: Any) -> Iterator[tuple[str, str, str]]:
    """(command, record text, what is pinned: ``"csv"`` (the CSV line), ``"siem"`` (the SHA-256 of the ECS and
    OCSF lines, which are long) or ``"all"`` (every format's line))."""
    for command, operation in _OPERATIONS.items():
        for seed in (1, 2):
            extra = {"run_count": 4} if command == "notifications" else {}
            for record in generate(operation, 3, seed=seed, **extra):
                yield command, json.dumps(record, separators=(",", ":"), ensure_ascii=False), "all"
        [base] = generate(operation, 1, seed=9)
        for field in list(base):
            for value in ODD_VALUES:
                yield command, json.dumps({**base, field: value}, separators=(",", ":"), ensure_ascii=False), "csv"
        for field in _SIEM_FIELDS[command]:
            yield command, json.dumps({key: value for key, value in base.items() if key != field}), "siem"
            for value in [None, "", *SIEM_VALUES[field]]:
                yield command, json.dumps({**base, field: value}, separators=(",", ":")), "siem"
        for value in ODD_VALUES:  # a field no column holds; spaced JSON, ASCII escapes
            yield command, json.dumps({**base, "futureField": value}, ensure_ascii=True), "csv"
        yield command, json.dumps({_TIME[command]: base[_TIME[command]]}), "all"
        yield command, "{ }", "all"
        yield command, '{"x": NaN, "y": [Infinity, -Infinity, 1e400], "z": "NaN"}', "all"
        yield command, json.dumps({**base, "n": 1e400}).replace("Infinity", "1e400"), "all"
        yield command, json.dumps(base, indent=2), "all"  # a record over several lines
        yield command, json.dumps(base, ensure_ascii=False).replace(",", ",\r\n", 1), "all"


def main(root: str, out: str) -> None:
    """Write the golden file of the tree at ``root`` to ``out``."""
    sys.path[:0] = [root, f"{root}/generated"]
    import cortex_wrapper
    from cortex_wrapper._wire import RawRecord
    from cortex_wrapper.cli._commands import COMMANDS
    from cortex_wrapper.cli._formats import csv_header, line_for
    from cortex_wrapper.cli._siem import _utc
    from cortex_wrapper.testing import generate_records

    assert str(cortex_wrapper.__file__).startswith(root), cortex_wrapper.__file__
    cases = []
    for command, text, pinned in inputs(generate_records):
        kind = COMMANDS[command]
        raw = RawRecord(json.loads(text), text)
        identity = kind.identity(raw)
        event_id = kind.event_id(identity, 0)
        lines = {}
        for fmt in {"all": ("jsonl", "csv"), "csv": ("csv",), "siem": ()}[pinned]:
            lines[fmt] = line_for(kind, fmt, raw)
            if pinned == "all":
                lines[f"{fmt} --with-id"] = line_for(kind, fmt, raw, event_id)
        dated = _utc(kind.time_value(raw.data)) or _utc(raw.data.get("dateUpdated"))  # else "now": not pinnable
        digests = {}
        if pinned != "csv" and dated:
            for fmt in ("ecs", "ocsf"):
                line = line_for(kind, fmt, raw, event_id)
                if pinned == "all":
                    lines[fmt] = line
                else:
                    digests[fmt] = hashlib.sha256(line.encode()).hexdigest()
        cases.append({"command": command, "text": text, "identity": identity, "lines": lines,
                      **({"sha256": digests} if digests else {})})
    headers = {f"{command} {with_id}": csv_header(kind, with_id) for command, kind in COMMANDS.items()
               for with_id in (False, True)}
    with open(out, "w", encoding="ascii") as stream:  # one case a line, every non-ASCII character escaped
        stream.write('{"headers": ' + json.dumps(headers) + ',\n "cases": [\n')
        stream.write(",\n".join(json.dumps(case) for case in cases) + "\n]}\n")


if __name__ == "__main__":
    main(*sys.argv[1:3])
