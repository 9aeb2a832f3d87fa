"""The public operation methods take their filters from the generated table, fully typed (issue 11, item 3)."""

from __future__ import annotations

import inspect
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path
from typing import Any

import pytest
from cortex_api_client import operations as table

from cortex_wrapper import AsyncCortexClient, CortexClient, DeprecatedEnumValueWarning

from .support.api import TOKEN, Harness, ScriptedFake
from .support.typecheck import mypy_strict

ROOT = Path(__file__).resolve().parent.parent
METHODS = [(op.method_name, op) for op in table.OPERATIONS]


@pytest.mark.parametrize("client_class", [CortexClient, AsyncCortexClient])
@pytest.mark.parametrize(("method", "op"), METHODS, ids=[m for m, _ in METHODS])
def test_signature_shows_every_filter_with_its_type(client_class: type, method: str, op: table.OperationSpec[Any]) -> None:
    signature = inspect.signature(getattr(client_class, method))
    names = [p.name for p in signature.parameters.values()]
    assert names == ["self", *(p.name for p in op.parameters), "page_size", "max_pages", "extra_query"]
    for param in op.parameters:
        shown = signature.parameters[param.name]
        assert shown.kind is inspect.Parameter.KEYWORD_ONLY and shown.default is None
        assert isinstance(shown.annotation, str) and shown.annotation.endswith("| None")
    pager = "SyncPager" if client_class is CortexClient else "AsyncPager"
    assert signature.return_annotation == f"{pager}[{op.model.__name__}]"
    doc = getattr(client_class, method).__doc__
    assert all(f"``{p.name}`` (``{p.wire}``" in doc for p in op.parameters)
    assert op.permission in doc


def test_enum_filters_are_typed_by_their_enum_class() -> None:
    annotation = inspect.signature(CortexClient.notification_logs).parameters["mediums"].annotation
    assert annotation == "Medium | str | Iterable[Medium | str] | None"


def test_a_wrong_keyword_names_the_public_method(harness: Harness) -> None:
    client = harness.client(ScriptedFake("audit_logs", []))
    with pytest.raises(TypeError) as info:
        client.audit_logs(action=["DELETE"])
    name = "CortexClient" if harness.mode == "sync" else "AsyncCortexClient"
    assert str(info.value).startswith(f"{name}.audit_logs() got an unexpected keyword argument 'action'")
    assert "_BaseClient" not in str(info.value) and "actions" in str(info.value)


def test_a_deprecation_warning_points_at_the_callers_line(harness: Harness) -> None:
    deprecated = [(site, entry) for site, entry in table.ENUM_SITES.items()
                  if site.startswith(("getAuditLogs.", "list")) and not entry.open and entry.documented_in
                  and any(vs and entry.documented_in[-1] not in vs for vs in entry.listed_in.values())]
    assert deprecated, "no filter value is deprecated in this spec"
    site, entry = deprecated[0]
    op_id, wire = site.split(".")
    op = next(o for o in table.OPERATIONS if o.operation_id == op_id)
    param = next(p for p in op.parameters if p.wire == wire)
    value = next(v for v, vs in entry.listed_in.items() if vs and entry.documented_in[-1] not in vs)
    client = harness.client(ScriptedFake("audit_logs", []))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = inspect.currentframe().f_lineno + 1  # type: ignore[union-attr]
        getattr(client, op.method_name)(**{param.name: [value]})
    [warning] = [w for w in caught if issubclass(w.category, DeprecatedEnumValueWarning)]
    assert warning.filename == __file__ and warning.lineno == line
    assert entry.documented_in[-1] in str(warning.message)


@pytest.mark.slow
def test_mypy_rejects_an_unknown_filter_and_accepts_known_ones(tmp_path: Path,
                                                               tmp_path_factory: pytest.TempPathFactory) -> None:
    script = tmp_path / "service.py"
    script.write_text(textwrap.dedent(f"""
        from cortex_wrapper import CortexClient

        client = CortexClient("{TOKEN}")
        client.notification_runs(statuses=["FAILED"], delivered_only=False, search_query="payments")
        client.notification_runs(status=["FAILED"])
        client.audit_logs(actions=42)
    """))
    done = mypy_strict(script, tmp_path_factory)
    lines = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert any("service.py:6:" in line and '"status"' in line for line in lines), done.stdout
    assert any("service.py:7:" in line and "actions" in line for line in lines), done.stdout
    assert not any("service.py:5:" in line for line in lines), done.stdout


@pytest.mark.slow
def test_importing_the_package_loads_no_filter_enum_class() -> None:
    code = ("import sys, cortex_wrapper\n"
            "print(sorted(m for m in sys.modules if m.endswith('_item') or m.endswith('_order_by')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_an_unknown_value_warning_points_at_the_callers_line_from_any_thread(harness: Harness) -> None:
    from cortex_wrapper import UnknownEnumValueWarning

    from .support.api import audit_record

    records = [audit_record(i) for i in range(30)]
    records[2]["action"] = "ARCHIVE"  # the oldest records: the last page, fetched by a worker thread
    client = harness.client(ScriptedFake("audit_logs", records), page_size=10, concurrency=2)
    pager = client.audit_logs()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if harness.mode == "sync":
            line = inspect.currentframe().f_lineno + 1  # type: ignore[union-attr]
            seen = [entry.action for entry in pager]
        else:
            import asyncio

            async def collect() -> list[object]:
                return [entry.action async for entry in pager]

            line = inspect.currentframe().f_lineno + 1  # type: ignore[union-attr]
            seen = asyncio.run(collect())
    assert "ARCHIVE" in seen
    [warning] = [w for w in caught if issubclass(w.category, UnknownEnumValueWarning)]
    if harness.mode == "sync":
        assert (warning.filename, warning.lineno) == (__file__, line)
    else:  # the async comprehension runs in collect(): its line is the caller's
        assert warning.filename == __file__ and warning.lineno == line - 3


@pytest.mark.slow
def test_import_is_light_and_the_first_parse_loads_what_it_needs() -> None:
    code = (
        "import sys, httpx\n"
        "import cortex_wrapper\n"
        "print('attrs' in sys.modules, any(m.startswith('cortex_api_client.models.') for m in sys.modules))\n"
        "run = {'id': 1, 'deliveredCount': 1, 'medium': 'EMAIL', 'notificationType': 'WEEKLY_REPORT', 'seqNo': 0,\n"
        "       'status': 'COMPLETED', 'summary': 's', 'notificationObjects': [{'id': 2, 'name': 'svc', 'type': 'ENTITY'}]}\n"
        "body = {'runs': [run], 'page': 0, 'total': 1, 'totalPages': 1}\n"
        "client = cortex_wrapper.CortexClient('tok-123456', 'https://x.example',\n"
        "                                     transport=httpx.MockTransport(lambda r: httpx.Response(200, json=body)))\n"
        "[parsed] = client.notification_runs()\n"
        "print(type(parsed.notification_objects[0]).__name__)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["False False", "NotificationObject"]
