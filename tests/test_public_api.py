"""The public surface: names pinned, documented, and matching the spec and each other."""

from __future__ import annotations

import inspect
import textwrap
from pathlib import Path

import pytest
from cortex_api_client.operations import AUDIT_LOGS, GIT_OPS_LOGS, NOTIFICATION_LOGS, NOTIFICATION_RUNS

import cortex_wrapper
from cortex_wrapper import AsyncCortexClient, CortexClient, _defaults
from cortex_wrapper._operations import params_of

from .support.typecheck import mypy_strict

PUBLIC = [
    "SPEC_SHA256", "SPEC_VERSIONS", "AsyncCortexClient", "AsyncPager", "AuditLogResponse", "AuthenticationError",
    "BadRequestError", "ClientClosedError", "CortexAPIError", "CortexClient", "CortexConfigError", "CortexConnectionError", "CortexError",
    "CortexResponseError", "CortexTimeoutError", "DateLike", "DeprecatedEnumValueWarning", "DeprecatedFilterWarning", "EnumFilter", "Event",
    "EventHook", "GitOpsLogResponse", "IdFilter", "InvalidParameterError", "NotFoundError", "NotificationLog",
    "NotificationObject", "NotificationRun", "Page", "PageFetched", "PermissionDeniedError", "RateLimitError", "RateLimitPause", "RawRecord", "Retrying",
    "ServerError", "SyncPager", "TextFilter", "UnknownEnumValueWarning",
    "AsyncIncrementalReader", "Batch", "Change", "CheckpointStore", "FileCheckpointStore", "IncrementalReader",
    "RetentionGapError",
    "__version__", "drift",
]


def test_public_names_are_pinned() -> None:
    assert sorted(cortex_wrapper.__all__) == sorted(PUBLIC)
    for name in PUBLIC:
        assert hasattr(cortex_wrapper, name)


def test_the_record_model_of_every_served_operation_is_exported() -> None:
    from cortex_api_client import models, records
    from cortex_api_client.operations import OPERATIONS

    assert sorted(records.__all__) == sorted({op.model_name for op in OPERATIONS})
    for op in OPERATIONS:
        assert op.model_name in cortex_wrapper.__all__
        assert getattr(cortex_wrapper, op.model_name) is op.model is getattr(models, op.model_name)
    from cortex_wrapper import GitOpsLogResponse

    assert GitOpsLogResponse is GIT_OPS_LOGS.model


@pytest.mark.slow  # runs mypy
def test_type_checkers_see_each_exported_record_model_as_its_class(tmp_path: Path,
                                                                   tmp_path_factory: pytest.TempPathFactory) -> None:
    """Not Any (the module ``__getattr__`` would give that): a downstream ``mypy --strict`` sees the class."""
    script = tmp_path / "service.py"
    script.write_text(textwrap.dedent("""
        import cortex_wrapper
        from cortex_wrapper import AuditLogResponse, GitOpsLogResponse, NotificationObject

        reveal_type(cortex_wrapper.GitOpsLogResponse)
        reveal_type(NotificationObject)
        wrong: GitOpsLogResponse = AuditLogResponse.from_dict({})
    """))
    done = mypy_strict(script, tmp_path_factory)
    lines = done.stdout.splitlines()
    assert not any(":3:" in line for line in lines), done.stdout  # the import is an explicit export
    assert any(":5: note:" in line and "-> cortex_api_client.models.git_ops_log_response.GitOpsLogResponse" in line
               for line in lines), done.stdout
    assert any(":6: note:" in line and "-> cortex_api_client.models.notification_object.NotificationObject" in line
               for line in lines), done.stdout
    assert any(":7: error:" in line and '"AuditLogResponse"' in line and '"GitOpsLogResponse"' in line
               for line in lines), done.stdout


def test_every_public_name_is_documented() -> None:
    for name in PUBLIC:
        obj = getattr(cortex_wrapper, name)
        if inspect.isclass(obj) or inspect.ismodule(obj) or inspect.isfunction(obj):
            assert inspect.getdoc(obj), name
    for cls in (CortexClient, AsyncCortexClient, cortex_wrapper.SyncPager, cortex_wrapper.AsyncPager,
                cortex_wrapper.IncrementalReader, cortex_wrapper.AsyncIncrementalReader, cortex_wrapper.Batch,
                cortex_wrapper.FileCheckpointStore, cortex_wrapper.CheckpointStore):
        for attr, member in vars(cls).items():
            if not attr.startswith("_") and callable(member):
                assert inspect.getdoc(member), f"{cls.__name__}.{attr}"
    for name in cortex_wrapper.drift.__all__:
        obj = getattr(cortex_wrapper.drift, name)
        if callable(obj) and not isinstance(obj, type(str | None)):
            assert inspect.getdoc(obj), name


def test_date_like_is_defined_once_by_the_operation_table() -> None:
    import datetime as dt

    import cortex_api_client.operations

    assert cortex_wrapper.DateLike is cortex_api_client.operations.DateLike
    assert set(cortex_wrapper.DateLike.__args__) == {dt.datetime, dt.date, str}


def test_exception_tree() -> None:
    errors = [getattr(cortex_wrapper, n) for n in PUBLIC if n.endswith("Error")]
    assert all(issubclass(e, cortex_wrapper.CortexError) for e in errors)
    for sub in ("BadRequestError", "AuthenticationError", "PermissionDeniedError", "NotFoundError", "RateLimitError",
                "ServerError"):
        assert issubclass(getattr(cortex_wrapper, sub), cortex_wrapper.CortexAPIError)
    assert issubclass(cortex_wrapper.InvalidParameterError, ValueError)
    assert issubclass(cortex_wrapper.CortexConfigError, ValueError)
    assert issubclass(cortex_wrapper.CortexTimeoutError, cortex_wrapper.CortexConnectionError)
    assert issubclass(cortex_wrapper.UnknownEnumValueWarning, Warning)


def test_constructor_contract_and_named_defaults() -> None:
    for cls in (CortexClient, AsyncCortexClient):
        params = inspect.signature(cls).parameters
        assert list(params)[:2] == ["token", "base_url"]
        assert params["timeout"].default == _defaults.DEFAULT_TIMEOUT == 30.0
        assert params["max_retries"].default == _defaults.DEFAULT_MAX_RETRIES == 5
        assert params["max_retry_wait"].default == _defaults.DEFAULT_MAX_RETRY_WAIT == 60.0
        assert params["requests_per_minute"].default == _defaults.DEFAULT_REQUESTS_PER_MINUTE == 1000
        assert params["page_size"].default == _defaults.DEFAULT_PAGE_SIZE == 1000
        assert params["concurrency"].default == _defaults.DEFAULT_CONCURRENCY == 4
        assert all(p.kind is p.KEYWORD_ONLY for n, p in params.items() if n not in ("token", "base_url"))


def test_methods_take_every_spec_filter_in_snake_case() -> None:
    for method, operation in (("audit_logs", AUDIT_LOGS), ("notification_logs", NOTIFICATION_LOGS),
                              ("notification_runs", NOTIFICATION_RUNS)):
        for cls in (CortexClient, AsyncCortexClient):
            params = inspect.signature(getattr(cls, method)).parameters
            keywords = [n for n, p in params.items() if p.kind is p.KEYWORD_ONLY]
            assert set(keywords) == set(params_of(operation)) | {"page_size", "max_pages", "extra_query"}, method
    assert "search_query" in params_of(NOTIFICATION_RUNS) and "delivered_only" in params_of(NOTIFICATION_RUNS)


def test_testing_and_cli_public_names_are_documented() -> None:
    import cortex_wrapper.cli as cli
    import cortex_wrapper.testing as testing

    assert sorted(testing.__all__) == sorted([
        "DEFAULT_REFERENCE_TIME", "DEFAULT_TOKEN", "RECORD_KINDS", "FakeCortex", "Faults", "Lifecycle", "Outcome",
        "RateLimit", "RecordedRequest", "Stats", "VirtualClock", "cassette_config", "generate_records",
    ])
    for name in testing.__all__:
        obj = getattr(testing, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert inspect.getdoc(obj), name
    for attr, member in vars(testing.FakeCortex).items():
        if not attr.startswith("_") and callable(member):
            assert inspect.getdoc(member), f"FakeCortex.{attr}"
    assert inspect.getdoc(cli.main)
