"""cortex-wrapper: a typed, reliable client for Cortex audit logs, notification logs and runs, and GitOps logs.

::

    from cortex_wrapper import CortexClient

    with CortexClient() as cortex:              # token from CORTEX_API_TOKEN / CORTEX_API_KEY
        for entry in cortex.audit_logs(start_time="2026-11-01", actions=["DELETE"]):
            print(entry.timestamp, entry.actor_identifier, entry.action, entry.object_identifier)

Every exception derives from ``CortexError`` (the tree is in ``cortex_wrapper._errors``);
``cortex_wrapper.drift`` answers which doc versions list which enum values;
``cortex_wrapper.testing.FakeCortex`` is a local Cortex for tests. The record model of every served operation
(``AuditLogResponse``, ``GitOpsLogResponse``, ...) is importable from here: the generated
``cortex_api_client.records`` names them, so an operation added by configuration adds its model too.
"""

from typing import TYPE_CHECKING, Any

from cortex_api_client import records as _records

from . import _logs, drift  # noqa: F401  (_logs: the logger's NullHandler)
from ._client import AsyncCortexClient, CortexClient, DateLike, EnumFilter, IdFilter, TextFilter
from ._errors import (
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    CortexAPIError,
    CortexConfigError,
    CortexConnectionError,
    CortexError,
    CortexResponseError,
    CortexTimeoutError,
    DeprecatedEnumValueWarning,
    DeprecatedFilterWarning,
    InvalidParameterError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    UnknownEnumValueWarning,
)
from ._events import Event, EventHook, PageFetched, RateLimitPause, Retrying
from ._incremental import (
    AsyncIncrementalReader,
    Batch,
    Change,
    CheckpointStore,
    FileCheckpointStore,
    IncrementalReader,
    RetentionGapError,
)
from ._pagination import AsyncPager, SyncPager
from ._response import Page
from ._spec import SPEC_SHA256, SPEC_VERSIONS
from ._version import __version__
from ._wire import RawRecord

if TYPE_CHECKING:
    from cortex_api_client.models import NotificationObject
    from cortex_api_client.records import *  # noqa: F403  (the record model of every served operation)

_MODELS = frozenset([*_records.__all__, "NotificationObject"])
"""The models re-exported here: each served operation's record model (``cortex_api_client.records``), and
``NotificationObject``, the item of ``NotificationRun.notification_objects``."""


def __getattr__(name: str) -> Any:
    """The models, imported on first use (they need attrs): ``import cortex_wrapper`` stays light."""
    if name in _MODELS:
        import cortex_api_client.models

        value = getattr(cortex_api_client.models, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "SPEC_SHA256",
    "SPEC_VERSIONS",
    "AsyncCortexClient",
    "AsyncIncrementalReader",
    "AsyncPager",
    "AuthenticationError",
    "BadRequestError",
    "Batch",
    "Change",
    "CheckpointStore",
    "ClientClosedError",
    "CortexAPIError",
    "CortexClient",
    "CortexConfigError",
    "CortexConnectionError",
    "CortexError",
    "CortexResponseError",
    "CortexTimeoutError",
    "DateLike",
    "DeprecatedEnumValueWarning",
    "DeprecatedFilterWarning",
    "EnumFilter",
    "Event",
    "EventHook",
    "FileCheckpointStore",
    "IdFilter",
    "IncrementalReader",
    "InvalidParameterError",
    "NotFoundError",
    "NotificationObject",
    "Page",
    "PageFetched",
    "PermissionDeniedError",
    "RateLimitError",
    "RateLimitPause",
    "RawRecord",
    "RetentionGapError",
    "Retrying",
    "ServerError",
    "SyncPager",
    "TextFilter",
    "UnknownEnumValueWarning",
    "__version__",
    "drift",
]
__all__ += _records.__all__  # the record model of every served operation: generated, one per operation
