"""Reading the recipes of ``deploy/`` and the samples of ``docs/samples/`` in the tests."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cortex_wrapper.cli._args import build_parser

from ..support.operations import ROOT

DEPLOY = ROOT / "deploy"
UNIT = DEPLOY / "systemd" / "cortex-audit.service"
FILEBEAT = DEPLOY / "filebeat" / "filebeat.yml"
VECTOR = DEPLOY / "vector" / "vector.yaml"
KUBERNETES = DEPLOY / "kubernetes" / "cortex-audit.yaml"
COMPONENT_TEMPLATE = DEPLOY / "elasticsearch" / "cortex@mappings.json"
INDEX_TEMPLATE = DEPLOY / "elasticsearch" / "logs-cortex.json"
SAMPLES = ROOT / "docs" / "samples"
DATASETS = ("audit", "notification_log", "notification_run")


def unit_file(path: Path = UNIT) -> dict[str, dict[str, list[str]]]:
    """A systemd unit file: section -> key -> every value it is given, in order (comments and blanks left out)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        assert current is not None, f"{path}: {line!r} before any section"
        key, equals, value = line.partition("=")
        assert equals, f"{path}: {line!r} is not Key=Value"
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def service(key: str) -> str:
    """The one value of ``key`` in the unit's ``[Service]`` section."""
    [value] = unit_file()["Service"][key]
    return value


def exec_start() -> list[str]:
    """The unit's ``ExecStart=`` command line, split as systemd splits it (no quoting in it, so as a shell would)."""
    return shlex.split(service("ExecStart"))


def strict_parser() -> argparse.ArgumentParser:
    """The CLI's own parser, taking options only by their full names: a recipe must not lean on an abbreviation,
    which a renamed option (``--status-file`` to ``--status-file-path``) would still accept."""
    parser = build_parser()
    parser.allow_abbrev = False
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                sub.allow_abbrev = False
    return parser


def parse(argv: list[str]) -> argparse.Namespace:
    """``cortex-logs ARGV`` parsed by the CLI's own parser (parsed, not run); a usage error fails the test."""
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err):
            return strict_parser().parse_args(argv)
    except SystemExit:
        raise AssertionError(f"cortex-logs {shlex.join(argv)}: {err.getvalue().strip()}") from None


def sample_events(dataset: str, fmt: str) -> list[dict[str, Any]]:
    """The events of ``docs/samples/<dataset>.<fmt>.json``."""
    events: list[dict[str, Any]] = json.loads((SAMPLES / f"{dataset}.{fmt}.json").read_text(encoding="utf-8"))
    return events


def leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every scalar of a JSON document with its dotted path, as Elasticsearch indexes it (arrays flattened)."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from leaves(inner, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for inner in value:
            yield from leaves(inner, path)
    elif value is not None:
        yield path, value
