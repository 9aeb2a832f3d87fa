"""``FakeCortex``: a local, spec-faithful Cortex API server for tests and benchmarks."""

from __future__ import annotations

import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from types import TracebackType

from cortex_api_client.operations import OPERATIONS

from .._registry import presentation
from . import _replies
from ._cache import PageCache
from ._faults import FaultInjector, Faults, Outcome
from ._http import Incoming, Server
from ._lifecycle import Lifecycle
from ._operations import Route, page_body, routes, selection
from ._params import BadRequest, ParamValue, parse_query
from ._ratelimit import RateLimit, RequestCounter
from ._replies import Reply
from ._store import Dataset
from ._synthetic import make_generator
from ._transport import FakeTransport
from ._util import to_micros

DEFAULT_TOKEN = "cortex-fake-token"  # noqa: S105 - a fake token for a local fake server
DEFAULT_REFERENCE_TIME = datetime(2025, 7, 1, tzinfo=UTC)
RECORD_KINDS = tuple(spec.method_name for spec in OPERATIONS)
"""The record kinds the fake serves: the method name of each served operation (``audit_logs``)."""


def _permissions() -> dict[str, str]:
    """Each permission a token may be given, by its name as the table spells it or by its short alias, lower case."""
    names: dict[str, str] = {}
    for spec in OPERATIONS:
        names[spec.permission.lower()] = spec.permission
        if (alias := presentation(spec).permission_alias) is not None:
            names[alias.lower()] = spec.permission
    return names
Records = Iterable[Mapping[str, object]]


@dataclass(frozen=True)
class RecordedRequest:
    """One request the fake received.

    ``query`` holds the (name, value) pairs in order; ``headers`` has the ``Authorization`` value replaced
    by ``<redacted>``. ``status`` is None for a dropped connection (and inside ``on_request``).
    """

    seq: int
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: list[tuple[str, str]]
    request_id: str
    operation: str | None
    status: int | None = None

    def params(self, name: str) -> list[str]:
        """Every value sent for query parameter ``name``, in order (comma-joined values not split)."""
        return [value for key, value in self.query if key == name]


@dataclass(frozen=True)
class Stats:
    """Counters since start (or the last ``reset``)."""

    requests: int
    by_status: Mapping[int, int]
    rate_limited: int
    injected: int
    dropped: int
    records_served: int


def generate_records(
    kind: str, count: int, *, seed: int = 0, reference_time: datetime = DEFAULT_REFERENCE_TIME, run_count: int = 0,
    lifecycle: Lifecycle | None = None,
) -> list[dict[str, object]]:  # fmt: skip
    """Generate ``count`` realistic records of ``kind``, oldest first, exactly as ``FakeCortex(seed=...)`` serves them.

    ``kind`` is ``audit_logs``, ``notification_logs`` or ``notification_runs``. Audit entries also carry
    the internal attributes the audit filters use (``actorType``, ``actorRequestType``, ``actorEmail``,
    ``actorApiKeyIdentifier``); ``FakeCortex`` accepts such dicts as records and never serves those keys.
    Notification logs reference runs ``1..run_count`` (about four logs per run when ``run_count`` is 0).
    With a ``lifecycle``, notification records come in their final state, ``dateUpdated`` the moment they settle
    (as ``FakeCortex(seed=..., lifecycle=...)`` serves them once settled; give them to a ``FakeCortex`` with
    ``Lifecycle(supplied=True)`` to have them served created until then).
    """
    generator = make_generator(kind, seed, count, to_micros(reference_time), run_count=run_count, lifecycle=lifecycle)
    return [generator.record(i) for i in range(count)]


def _normalise_tokens(tokens: Mapping[str, Iterable[str]] | None) -> dict[str, frozenset[str]]:
    if tokens is None:
        return {DEFAULT_TOKEN: frozenset(spec.permission for spec in OPERATIONS)}
    if not tokens:
        raise ValueError("tokens must name at least one token")
    known = _permissions()
    normalised: dict[str, frozenset[str]] = {}
    for token, permissions in tokens.items():
        granted = set()
        for permission in permissions:
            if permission.lower() not in known:
                raise ValueError(f"unknown permission {permission!r}; use one of: {', '.join(sorted(known))}")
            granted.add(known[permission.lower()])
        normalised[token] = frozenset(granted)
    return normalised


def _bearer(headers: Iterable[tuple[str, str]]) -> str | None:
    for name, value in headers:
        if name.lower() == "authorization":
            scheme, _, token = value.strip().partition(" ")
            return token.strip() if scheme.lower() == "bearer" and token.strip() else None
    return None


def _redact(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(name, "<redacted>" if name.lower() == "authorization" else value) for name, value in headers]


class FakeCortex:
    """A real HTTP server on 127.0.0.1 (random free port, daemon thread) that behaves like the Cortex API.

    Records come from ``audit_logs``/``notification_logs``/``notification_runs`` (dicts in wire form; keys
    the schema lacks are kept as internal attributes for filtering and never served) and/or are
    generated lazily from ``seed`` (``*_count`` records each, see ``generate_records``). ``records`` and
    ``counts`` do the same for any served operation by its method name (``records={"git_ops_logs": [...]}``,
    ``counts={"git_ops_logs": 500}``), the three keyword pairs included; an operation without hand-made
    recipes is generated from its record fields (``_generic``). Every filter of
    the reconciled spec is applied server-side; bad parameters get 400, missing or unknown tokens 401,
    missing permissions 403, an exceeded ``rate_limit`` 429, and ``faults`` injects the rest. ``clock``
    drives the rate limiter, ``wall_clock`` HTTP-date ``Retry-After`` values and the stamps of records
    ``insert_newest`` creates, and ``sleep`` latency (``latency`` per request plus ``per_record_latency``
    per record served). ``on_request`` is called
    with each request before it is handled (it may call ``insert``). Rendered pages are kept in an LRU of
    ``page_cache_bytes`` (keyed by the query and the data version, so inserts invalidate it; 0 disables
    it) so that repeated benchmark runs measure the client rather than the fake. ``errors`` collects the
    tracebacks of failures inside the fake itself (answered with 500). All methods are thread-safe.

    ``lifecycle`` (default None: every record is fixed, served as generated or given) makes notification logs
    and runs change after they are created, as the API's do: a generated record is served ``READY`` (a run
    ``CREATED``) until a seeded delay after its ``dateCreated`` passes on ``wall_clock``, then in its final state
    for good, ``dateUpdated`` (and ``dateDelivered``) at that moment. Its state is a pure function of ``seed``,
    the record and ``wall_clock`` at the request, so every request at one moment sees the same data, and filters
    (``statuses``, ``failedReasons``, ``deliveredOnly``) see the state at that moment. ``Lifecycle`` sets the delay
    distribution and whether supplied records follow it too (``supplied=True``: created until their own
    ``dateUpdated``). ``update`` scripts a record's next state by hand.
    """

    def __init__(
        self,
        *,
        audit_logs: Records = (),
        notification_logs: Records = (),
        notification_runs: Records = (),
        seed: int = 0,
        audit_log_count: int = 0,
        notification_log_count: int = 0,
        notification_run_count: int = 0,
        reference_time: datetime = DEFAULT_REFERENCE_TIME,
        tokens: Mapping[str, Iterable[str]] | None = None,
        rate_limit: RateLimit | None = None,
        faults: Faults | None = None,
        latency: float = 0.0,
        per_record_latency: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        on_request: Callable[[RecordedRequest], None] | None = None,
        page_cache_bytes: int = 64 * 2**20,
        lifecycle: Lifecycle | None = None,
        records: Mapping[str, Records] | None = None,
        counts: Mapping[str, int] | None = None,
    ) -> None:
        self.seed = seed
        self._tokens = _normalise_tokens(tokens)
        every = frozenset(spec.permission for spec in OPERATIONS)
        self.token = next((t for t, p in self._tokens.items() if p == every), next(iter(self._tokens)))
        self._faults = faults or Faults()
        self._injector = FaultInjector(self._faults)
        self._clock, self._wall_clock, self._sleep = clock, wall_clock, sleep
        self._limiter = RequestCounter(rate_limit, clock) if rate_limit else None
        self.latency, self.per_record_latency = latency, per_record_latency
        self.on_request = on_request
        self._pages = PageCache(page_cache_bytes) if page_cache_bytes > 0 else None
        reference = to_micros(reference_time)
        for name, given in (("records", records), ("counts", counts)):
            if unknown := sorted(set(given or {}) - set(RECORD_KINDS)):
                raise ValueError(f"{name}: unknown record kind {unknown[0]!r}; expected one of {', '.join(RECORD_KINDS)}")
        counts = {"audit_logs": audit_log_count, "notification_logs": notification_log_count,
                  "notification_runs": notification_run_count, **(counts or {})}  # fmt: skip
        supplied = {"audit_logs": audit_logs, "notification_logs": notification_logs,
                    "notification_runs": notification_runs, **(records or {})}  # fmt: skip
        rate = self._faults.unknown_enum_rate
        self._data = {
            kind: Dataset(
                make_generator(
                    kind, seed, counts.get(kind, 0), reference, rate, run_count=counts["notification_runs"],
                    lifecycle=lifecycle,
                ),
                supplied.get(kind, ()),
                fault_seed=seed ^ self._faults.seed,
            )
            for kind in RECORD_KINDS
        }
        self._lock = threading.Lock()
        self._seq = 0
        self._requests: list[RecordedRequest] = []
        self._statuses: Counter[int] = Counter()
        self._counters: Counter[str] = Counter()
        self.errors: list[str] = []
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> FakeCortex:
        """Bind a free port on 127.0.0.1 and serve from a daemon thread; returns self."""
        if self._server is None:
            self._server = Server(self._app)
            self._thread = threading.Thread(
                target=self._server.serve, name="FakeCortex", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close every open connection (idempotent)."""
        server, self._server = self._server, None
        if server is not None:
            server.stop_serving()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if server is not None:
            server.close_connections()
            server.server_close()

    def transport(self) -> FakeTransport:
        """An httpx transport (sync and async) that serves this fake in-process, with no socket and no thread.

        Pass it as ``CortexClient(token=fake.token, base_url="https://cortex.fake", transport=fake.transport())``;
        the fake need not be started. A dropped connection raises ``httpx.RemoteProtocolError``; latency still
        sleeps with ``sleep``.
        """
        return FakeTransport(self._app)

    def __enter__(self) -> FakeCortex:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The port the server listens on (start it first)."""
        if self._server is None:
            raise RuntimeError("FakeCortex is not running; call start() or use it as a context manager")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:54321``."""
        return f"http://127.0.0.1:{self.port}"

    # -- data and behaviour ----------------------------------------------------------------------

    def insert(self, kind: str, records: Records) -> None:
        """Add records of ``kind`` (wire-form dicts); safe while clients page from other threads."""
        self._dataset(kind).insert(records)

    def insert_newest(self, kind: str, count: int = 1) -> list[dict[str, object]]:
        """Insert ``count`` generated records newer than any existing one; returns them (with internal keys).

        Like records a real server creates now, they are stamped no earlier than the next millisecond of
        ``wall_clock``: after any upper bound a client froze before the insert, whatever ``reference_time``.
        With a ``lifecycle`` they follow it and are returned in their final state.
        """
        return self._dataset(kind).insert_newest(count, self._arrival())

    def update(self, kind: str, ident: int, **fields: object) -> dict[str, object]:
        """Script the next state of record ``ident`` of ``kind``; returns the record as it is served from now on.

        The record's state at ``wall_clock``'s now gets ``fields`` (a None value removes the field), e.g.
        ``fake.update("notification_logs", 7, status="FAILED", failedReason="CLIENT_ERROR")``; a notification
        record's ``dateUpdated`` moves to now (at least a millisecond past its previous one) unless ``fields``
        sets it. ``id`` and ``dateCreated``/``timestamp`` never change. The record keeps that state (it leaves
        the lifecycle) until the next ``update``. Raises ``KeyError`` for an unknown id.
        """
        return self._dataset(kind).update(ident, fields, self._now())

    def _now(self) -> int:
        """``wall_clock``'s now in µs (rounded: a clock set to a record's date is at that date)."""
        return round(self._wall_clock() * 1_000_000)

    def _arrival(self) -> int:
        """The timestamp (µs) of a record created now: the millisecond after ``wall_clock``'s current one."""
        return (int(self._wall_clock() * 1000) + 1) * 1000

    def total(self, kind: str) -> int:
        """How many records of ``kind`` the fake holds (before filters)."""
        return len(self._dataset(kind))

    def script(self, *items: int | str | Outcome) -> None:
        """Queue one-shot outcomes for the next requests, e.g. ``script(429, 503, 200)``.

        Items are status codes (200: serve normally), ``"drop"``, ``"html"`` or ``Outcome`` objects.
        """
        self._injector.script(items)

    def set_faults(self, faults: Faults) -> None:
        """Replace the request faults (their random sequence restarts); data faults are fixed at construction."""
        if faults.unknown_enum_rate != self._faults.unknown_enum_rate:
            raise ValueError("unknown_enum_rate is fixed when the FakeCortex is built")
        self._faults = faults
        self._injector.configure(faults)

    def set_rate_limit(self, rate_limit: RateLimit | None) -> None:
        """Replace (or remove) the rate limit; counting starts afresh."""
        self._limiter = RequestCounter(rate_limit, self._clock) if rate_limit else None

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every answered (or dropped) request so far, in completion order (``seq`` gives arrival order)."""
        with self._lock:
            return list(self._requests)

    @property
    def stats(self) -> Stats:
        """A snapshot of the counters."""
        with self._lock:
            return Stats(
                requests=len(self._requests),
                by_status=dict(self._statuses),
                rate_limited=self._counters["rate_limited"],
                injected=self._counters["injected"],
                dropped=self._counters["dropped"],
                records_served=self._counters["records"],
            )

    def reset(self) -> None:
        """Forget recorded requests, counters and errors (records and configuration stay)."""
        with self._lock:
            self._requests.clear()
            self._statuses.clear()
            self._counters.clear()
            self.errors.clear()

    def _dataset(self, kind: str) -> Dataset:
        if kind not in self._data:
            raise ValueError(f"unknown record kind {kind!r}; expected one of {', '.join(RECORD_KINDS)}")
        return self._data[kind]

    # -- request handling ------------------------------------------------------------------------

    def _app(self, incoming: Incoming) -> Reply | None:
        with self._lock:
            self._seq += 1
            seq = self._seq
        request_id = f"fake-{self.seed & 0xFFFF:04x}-{seq:08d}"
        op = routes().get(incoming.path.rstrip("/"))
        recorded = RecordedRequest(
            seq, incoming.method, incoming.path, list(incoming.query), _redact(incoming.headers), request_id,
            op.kind if op else None,
        )  # fmt: skip
        reply: Reply | None
        try:
            if self.on_request is not None:
                self.on_request(recorded)
            outcome, _ = self._injector.next()
            injected = outcome is not None and (outcome.drop or outcome.status != 200)
            delay = self.latency + (outcome.delay if outcome else 0.0)
            if outcome is not None and injected:
                reply = None if outcome.drop else self._injected(outcome, incoming.path, request_id)
            else:
                reply = self._serve(op, incoming, request_id)
            if reply is not None:
                delay += self.per_record_latency * reply.records
            if delay > 0:
                self._sleep(delay)
        except Exception:
            with self._lock:
                self.errors.append(traceback.format_exc())
            reply, injected = _replies.error(500, "Internal error in FakeCortex", request_id), False
        self._record(recorded, reply, injected)
        if reply is None:
            return None
        return replace(reply, headers=(*reply.headers, ("x-request-id", request_id)))

    def _record(self, recorded: RecordedRequest, reply: Reply | None, injected: bool) -> None:
        with self._lock:
            self._requests.append(replace(recorded, status=reply.status if reply else None))
            if reply is None:
                self._counters["dropped"] += 1
            else:
                self._statuses[reply.status] += 1
                self._counters["records"] += reply.records
            if injected:
                self._counters["injected"] += 1

    def _injected(self, outcome: Outcome, path: str, request_id: str) -> Reply:
        wall = self._wall_clock()
        if outcome.html:
            reply = _replies.html(outcome.status)
        elif outcome.status == 429:
            wait = 1 if outcome.retry_after is None else outcome.retry_after
            return _replies.too_many_requests(wait, outcome.retry_after_form, path, wall)
        else:
            reply = _replies.error(outcome.status, f"Injected {outcome.status} error", request_id)
        if outcome.retry_after is None:
            return reply
        headers = _replies.retry_after_headers(outcome.retry_after, outcome.retry_after_form, wall)
        return replace(reply, headers=(*reply.headers, *headers))

    def _serve(self, op: Route | None, incoming: Incoming, request_id: str) -> Reply:
        if incoming.method != "GET":
            return _replies.error(405, f"Request method '{incoming.method}' is not supported", request_id)
        if op is None:
            return _replies.error(404, f"No endpoint GET {incoming.path}", request_id)
        token = _bearer(incoming.headers)
        if token is None or token not in self._tokens:
            message = "Missing bearer token" if token is None else "Invalid API key"
            return _replies.error(401, f"Unauthorized: {message}", request_id)
        if op.spec.permission not in self._tokens[token]:
            message = f"API key is missing the `{op.spec.permission}` permission"
            return _replies.error(403, message, request_id)
        limiter = self._limiter
        wait = limiter.acquire(token) if limiter is not None else None
        if wait is not None:
            with self._lock:
                self._counters["rate_limited"] += 1
            return _replies.too_many_requests(wait, "header", incoming.path, self._wall_clock())
        try:
            params = parse_query(op.spec.parameters, incoming.query)
        except BadRequest as bad:
            return _replies.error(400, bad.message, request_id, bad.error_type)
        return self._list(op, params)

    def _list(self, op: Route, params: dict[str, ParamValue]) -> Reply:
        dataset, faults = self._data[op.kind], self._faults
        if faults.insert_newest_per_page:
            dataset.insert_newest(faults.insert_newest_per_page, self._arrival())
        key = (op.kind, tuple(sorted(params.items())), faults.extra_field_rate, faults.seed)
        now = self._now() if dataset.lifecycle is not None else None
        cached = self._pages.get((dataset.state(now), key)) if self._pages else None
        if cached is not None:
            return cached
        page, size = params["page"], params["pageSize"]
        assert isinstance(page, int) and isinstance(size, int)
        descending = params.get("orderBy", "DESC") == "DESC"
        total, rows, version = dataset.page(selection(op, params), page, size, descending, now)
        body = page_body(op, params, total, rows, faults.extra_field_rate, self.seed ^ faults.seed)
        reply = _replies.json_reply(200, body, records=len(rows))
        if self._pages:
            self._pages.put((version, key), reply)
        return reply
