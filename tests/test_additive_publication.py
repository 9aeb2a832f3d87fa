"""A purely additive publication, dated between two vendored versions, leaves the whole suite green.

Vendors a synthetic document (the 2025-09-26 one plus a new parameter, enum value and response field) into a
copy of the repo as 2025-11-01, regenerates there, and runs the suite in the copy with this venv. The whole
suite runs when ``CORTEX_NESTED_SUITE=1`` (CI sets it on one Python only: the nested run costs a suite run);
otherwise the tests that read fields, parameters and drift. The nested run never runs this test again.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .support.copies import copy_repo
from .support.operations import ROOT

NESTED = "CORTEX_NESTED_RUN"
FOCUSED = ["tests/test_drift_report.py", "tests/reliability/test_fuzzed_responses.py", "tests/test_operation_table.py",
           "tests/test_vendor.py", "tests/test_publications.py", "tests/test_enums.py"]


def additive_document() -> Any:
    kept = ROOT / "spec" / "2025-09-26" / "sources" / "swagger-27cada3.json.gz"
    doc = json.loads(gzip.decompress(kept.read_bytes()))
    runs = doc["paths"]["/api/v1/notifications/logs/run"]["get"]
    runs["parameters"].append({"name": "channelNames", "in": "query", "required": False,
                               "description": "Only runs to these channels.",
                               "schema": {"type": "array", "items": {"type": "string"}}})
    doc["components"]["schemas"]["NotificationRun"]["properties"]["channelName"] = {
        "type": "string", "description": "The channel the run delivered to."}
    status = doc["components"]["schemas"]["NotificationRun"]["properties"]["status"]
    (status.get("items") or status)["enum"].append("POSTPONED")
    return doc


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get(NESTED) == "1", reason="inside the nested run: no recursion")
def test_an_additive_publication_between_two_versions_keeps_the_suite_green(tmp_path: Path) -> None:
    copy = copy_repo(tmp_path)
    source = tmp_path / "swagger-additive.json"
    source.write_text(json.dumps(additive_document()))
    python = sys.executable
    env = {**os.environ, NESTED: "1", "PYTHONPATH": f"{copy / 'generated'}{os.pathsep}{copy}"}
    steps = [
        [python, "scripts/vendor_spec.py", str(source), "--version", "2025-11-01", "--url", "https://example.test/s"],
        [python, "scripts/regenerate.py"],
        [python, "-c", "import cortex_api_client, cortex_wrapper, sys; "
         "assert all(m.__file__.startswith(sys.argv[1]) for m in (cortex_api_client, cortex_wrapper))", str(copy)],
    ]
    for step in steps:
        done = subprocess.run(step, cwd=copy, env=env, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
    drift = (copy / "spec" / "reconciled" / "DRIFT.md").read_text()
    assert "| `listNotificationRuns` | 2025-11-01 | `channelNames` | none |" in drift
    assert "- 2025-11-01: **MINOR**" in drift
    assert "channel_names" in (copy / "generated" / "cortex_api_client" / "operations.py").read_text()
    whole = os.environ.get("CORTEX_NESTED_SUITE") == "1"
    args = ["-n", "auto"] if whole else ["-n", "0", "-m", "not slow", *FOCUSED]
    done = subprocess.run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args], cwd=copy, env=env,
                          capture_output=True, text=True, check=False, timeout=1800)
    assert done.returncode == 0, done.stdout[-4000:]
