"""A fifth paged operation is served by one line of configuration and ``regenerate.py``, and nothing else.

In a copy of the repo, ``listUserLabels`` (``GET /api/v1/eng-intel/labels``, in the cortex-mcp documents kept in
``spec/``; records with an id and no time, no filter but paging) joins ``[tool.cortex-wrapper] operations``;
``scripts/regenerate.py`` extracts and generates it; then the client (sync and async), the ``cortex-logs``
command and FakeCortex serve it, with no registry entry, its record model is importable from ``cortex_wrapper``
(and in its ``__all__``), and the suite's tests that iterate every operation pass in the copy with five.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .support.copies import copy_repo

LINE = '    "listUserLabels GET /api/v1/eng-intel/labels",\n'
ANCHOR = '    "listGitOpsLogs GET /api/v1/gitops-logs",\n'
NESTED = "CORTEX_NESTED_RUN"
EVERY_OPERATION = ["tests/test_registry.py", "tests/test_operation_table.py", "tests/cli/test_cli_args.py",
                   "tests/cli/test_cli_export.py", "tests/testing/test_fake_spec.py"]
"""Tests that iterate every served operation: in the copy, they cover the fifth too."""

PROBE = r'''
import asyncio, contextlib, io, json, os, sys
from cortex_api_client.operations import OPERATIONS
import cortex_wrapper
from cortex_wrapper import AsyncCortexClient, CortexClient, PermissionDeniedError
from cortex_wrapper.cli import main
from cortex_wrapper.testing import FakeCortex

out = {"operations": [op.operation_id for op in OPERATIONS]}
fifth = next(op for op in OPERATIONS if op.operation_id == "listUserLabels")
exported = getattr(cortex_wrapper, fifth.model_name, None)
out["model"] = [fifth.model_name, fifth.model_name in cortex_wrapper.__all__, exported is fifth.model]
with FakeCortex(counts={"user_labels": 23}) as fake:
    with CortexClient(fake.token, fake.url, requests_per_minute=None) as client:
        pager = client.user_labels(page_size=5)
        labels = list(pager)
        out["sync"] = [label.id for label in labels]
        out["yields_exported"] = bool(labels) and all(type(label) is exported for label in labels)

    async def crawl():
        async with AsyncCortexClient(fake.token, fake.url, requests_per_minute=None) as client:
            return [label.id async for label in client.user_labels(page_size=7)]

    out["async"] = asyncio.run(crawl())
    os.environ["CORTEX_API_TOKEN"] = fake.token
    for name, argv in {"jsonl": ["user-labels"], "ecs": ["user-labels", "--format", "ecs"],
                       "checkpoint": ["user-labels", "--checkpoint", "x.ckpt", "-o", "x.jsonl"]}.items():
        text, errors = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(text), contextlib.redirect_stderr(errors):
            code = main(["--base-url", fake.url, "--requests-per-minute", "0", *argv])
        out[name] = [code, text.getvalue().splitlines(), errors.getvalue()]
with FakeCortex(counts={"user_labels": 3}, tokens={"t": {"audit"}}) as fake:
    with CortexClient("t", fake.url, requests_per_minute=None, max_retries=0) as client:
        try:
            list(client.user_labels())
        except PermissionDeniedError as error:
            out["denied"] = error.permission
print(json.dumps(out))
'''


@pytest.mark.slow  # copies the repo, regenerates (a few seconds), and runs the tests that iterate operations
@pytest.mark.skipif(os.environ.get(NESTED) == "1", reason="inside a nested run: no recursion")
def test_a_fifth_operation_is_served_by_one_line_and_regenerate(tmp_path: Path) -> None:
    copy = copy_repo(tmp_path)
    pyproject = copy / "pyproject.toml"
    before = pyproject.read_text(encoding="utf-8")
    assert before.count(ANCHOR) == 1 and "listUserLabels" not in before
    pyproject.write_text(before.replace(ANCHOR, ANCHOR + LINE), encoding="utf-8")  # the one line
    env = {**os.environ, NESTED: "1", "PYTHONPATH": f"{copy / 'generated'}{os.pathsep}{copy}"}

    def run(*argv: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        return subprocess.run(argv, cwd=copy, env=env, capture_output=True, text=True, check=False, timeout=timeout)

    done = run(sys.executable, "scripts/regenerate.py")
    assert done.returncode == 0, done.stderr
    assert "listUserLabels extracted from" in done.stdout
    assert run(sys.executable, "scripts/regenerate.py", "--check").returncode == 0
    table = (copy / "generated" / "cortex_api_client" / "operations.py").read_text(encoding="utf-8")
    assert 'operation_id="listUserLabels"' in table and "time_field=None" in table

    probe = run(sys.executable, "-c", PROBE)
    assert probe.returncode == 0, probe.stderr
    out = json.loads(probe.stdout)
    assert "listUserLabels" in out["operations"] and len(out["operations"]) == 5
    assert out["model"] == ["UserLabel", True, True], "the record model is exported by cortex_wrapper, no edit"
    assert out["yields_exported"], "the pager yields the class cortex_wrapper exports"
    records = (copy / "generated" / "cortex_api_client" / "records.py").read_text(encoding="utf-8")
    assert '"UserLabel",' in records
    assert len(out["sync"]) == len(set(out["sync"])) == 23 and sorted(out["async"]) == sorted(out["sync"])
    code, lines, err = out["jsonl"]
    assert code == 0, err
    assert sorted(json.loads(line)["id"] for line in lines) == sorted(out["sync"])
    code, lines, err = out["ecs"]
    assert code == 0 and {json.loads(line)["event"]["dataset"] for line in lines} == {"cortex.user_labels"}, err
    code, lines, err = out["checkpoint"]
    assert code == 2 and "user-labels has no time bounds" in err and not (copy / "x.ckpt").exists()
    assert out["denied"] == "View Eng Intelligence"

    nested = run(sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", "-n", "0", "-m", "not slow",
                 *EVERY_OPERATION, timeout=900)
    assert nested.returncode == 0, nested.stdout[-4000:]
    ran = [line for line in nested.stdout.splitlines() if " PASSED" in line]
    assert any("[listUserLabels]" in line for line in ran) and any("[user-labels]" in line for line in ran)
