"""Fuzzed responses: bodies generated from the reconciled schemas, then broken, served into both clients.

Bodies come from ``cortex_api_client/openapi.json`` (the schemas the client is generated from) and are then
perturbed: required fields dropped, wrong types, nulls, undocumented fields, unknown enum values, huge or
fractional numbers, bad dates, deep nesting, truncated or non-UTF-8 bytes, wrong content types, bodies that are
not JSON at all. Each is served through an ``httpx.MockTransport`` into the real sync and async clients, for
every operation, as a 2xx page and under error statuses.

What must hold, for every example:

* the pager yields pages or raises a ``CortexError`` subclass: never another exception, never a hang (each
  example runs in a thread joined with a timeout);
* for a 2xx answer the verdict matches an independent oracle: the body is accepted exactly when it is JSON that
  satisfies the spec's schema read the way the client promises to read it (unknown enum values, nulls for
  optional fields and undocumented fields are tolerated; an ``integer`` must be an int, not ``1.0`` or
  ``true``; a ``date-time`` must parse), else ``CortexResponseError``;
* an error status raises the typed API error of that status (``CortexResponseError`` for a redirect).

Deterministic: each test runs from a fixed seed (one per test, operation and client), with no example
database; edge cases a random search is unlikely to hit are pinned in ``EDGE_ANSWERS``.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import datetime as dt
import functools
import json
import queue
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from typing import Any

import httpx
import jsonschema
import pytest
from hypothesis import HealthCheck, event, given, seed, settings
from hypothesis import strategies as st
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from cortex_wrapper import (
    AsyncCortexClient,
    AuthenticationError,
    BadRequestError,
    CortexAPIError,
    CortexClient,
    CortexError,
    CortexResponseError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
)

from ..support.api import BASE, TOKEN
from ..support.operations import LIST_KEYS, PATHS, SCHEMAS, SPEC

EXAMPLES = 200
EXAMPLE_TIMEOUT = 20.0  # seconds one example may take before it counts as a hang
FUZZ = settings(
    max_examples=EXAMPLES,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
pytestmark = [pytest.mark.filterwarnings("ignore::cortex_wrapper.UnknownEnumValueWarning"), pytest.mark.slow]


def fixed_seed(*names: str) -> int:
    """A seed of its own for each test, operation and client, the same on every run."""
    return zlib.crc32("/".join(names).encode())


def page_schema(operation: str) -> str:
    """The name of the 200 schema of an operation, from the spec."""
    ref: str = SPEC["paths"][PATHS[operation]]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    return ref.rsplit("/", 1)[-1]


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


# -- valid bodies, from the schemas ------------------------------------------------------------------------

TEXT = st.text(st.characters(codec="utf-8"), max_size=12)
INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
ZONES = st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=2)), dt.timezone(dt.timedelta(hours=-9, minutes=-30))])
DATE_TIMES = st.builds(
    lambda moment, zulu: moment.isoformat().replace("+00:00", "Z" if zulu else "+00:00"),
    st.datetimes(min_value=dt.datetime(1970, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=ZONES),
    st.booleans(),
)
PAGE_FIELDS = {"page": st.one_of(st.just(0), st.integers(-2, 3)), "total": st.integers(-1, 5000),
               "totalPages": st.integers(-1, 10)}  # fmt: skip


def from_schema(schema: dict[str, Any], overrides: dict[str, st.SearchStrategy[Any]] | None = None
                ) -> st.SearchStrategy[Any]:
    """Values valid for ``schema``: required properties always, optional ones sometimes."""
    schema = resolve(schema)
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "object":
        props, required = schema.get("properties", {}), set(schema.get("required", ()))
        given_ = overrides or {}
        fields = {name: given_[name] if name in given_ else from_schema(prop) for name, prop in props.items()}
        return st.fixed_dictionaries(
            {name: s for name, s in fields.items() if name in required},
            optional={name: s for name, s in fields.items() if name not in required},
        )
    if kind == "array":
        return st.lists(from_schema(schema["items"]), max_size=3)
    if kind == "integer":
        low, high = INT_RANGES.get(schema.get("format", "int64"), INT_RANGES["int64"])
        return st.integers(low, high)
    if kind == "boolean":
        return st.booleans()
    if kind == "string":
        return DATE_TIMES if schema.get("format") == "date-time" else TEXT
    raise AssertionError(f"no strategy for {schema}")


# -- perturbations -------------------------------------------------------------------------------------------

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True), TEXT)
ANY_JSON = st.recursive(
    SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(TEXT, inner, max_size=3)),
    max_leaves=8,
)
NUMBERS = st.sampled_from([10**30, -(10**30), -1, 2**63, -(2**63) - 1, 10**400, 1.5, 1.0, -0.0, 1e308, 0.1,
                           float("inf"), float("-inf"), float("nan"), True, False])  # fmt: skip
BAD_DATES = st.sampled_from(["", "yesterday", "2025-13-01T00:00:00Z", "2025-06-30T24:00:00Z", "2025-02-30",
                             "0000-01-01T00:00:00Z", "10000-01-01T00:00:00Z", "2025-06-30T12:00:00+25:00",
                             "2025-06-30", "20250630T120000Z", "2025-06-30 12:00:00", "1751284800"])  # fmt: skip
DEEP = "\x00deep\x00"  # placeholder replaced by deep nesting once the body is serialised
DEPTHS = st.sampled_from([3, 50, 300, 600, 100_000])
MUTATIONS = ("drop", "null", "wrong type", "number", "unknown enum", "bad date", "deep", "extra field", "empty")
# Strategies of fixed choices, built once: hypothesis caches integers() and text() itself but not sampled_from() or
# one_of(), and a strategy built inside a composite is validated again on every draw (about 60 us each, per example)
MUTATION_KINDS = st.sampled_from(MUTATIONS)
EXTRA_VALUES = st.one_of(ANY_JSON, st.just(DEEP))
BRACKETS = st.sampled_from([("[", "]"), ('{"a":', "}")])
FORMS = st.sampled_from(["utf-8"] * 6 + ["utf-8-sig", "utf-16", "latin-1", "truncated", "bad bytes", "html", "empty",
                         "not json"])  # fmt: skip
BAD_BYTES = st.sampled_from([b"\xff", b"\xc3(", b"\xed\xa0\x80", b"\x00"])
NOT_JSON = st.sampled_from([b"null", b"[]", b"0", b'"logs"', b"{", b"NaN", b"{}", b"\xef\xbb\xbf{}"])
CONTENT_TYPES = st.sampled_from(["application/json", "application/json", "application/problem+json",
                                 "application/json; charset=latin-1", "text/html", "text/plain", None])  # fmt: skip


def _slots(value: Any) -> Iterator[tuple[Any, Any]]:
    """Every (container, key) of a JSON value, depth first."""
    if isinstance(value, dict):
        for key in list(value):
            yield value, key
            yield from _slots(value[key])
    elif isinstance(value, list):
        for index in range(len(value)):
            yield value, index
            yield from _slots(value[index])


def _dicts(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
    for container, key in _slots(value):
        if isinstance(container[key], dict):
            yield container[key]


@st.composite
def perturbed(draw: st.DrawFn, body: Any, max_mutations: int = 3) -> tuple[Any, list[str]]:
    """``body`` with 0 to ``max_mutations`` perturbations; returns it and what was done."""
    body = copy.deepcopy(body)
    done: list[str] = []
    for _ in range(draw(st.integers(0, max_mutations))):
        kind = draw(MUTATION_KINDS)
        if kind == "extra field":
            targets = list(_dicts(body))
            if targets:
                draw(st.sampled_from(targets))[draw(TEXT)] = draw(EXTRA_VALUES)
                done.append(kind)
            continue
        slots = list(_slots(body))
        if not slots:
            continue
        container, key = draw(st.sampled_from(slots))
        if kind == "drop":
            del container[key]
        else:
            replacements: dict[str, Callable[[], Any]] = {
                "null": lambda: None,
                "wrong type": lambda: draw(ANY_JSON),
                "number": lambda: draw(NUMBERS),
                "unknown enum": lambda: "ZZ_NOT_LISTED_" + draw(TEXT),
                "bad date": lambda: draw(BAD_DATES),
                "deep": lambda: DEEP,
                "empty": lambda: draw(st.sampled_from(["", [], {}])),  # built here: a fresh [] and {} each time
            }
            container[key] = replacements[kind]()
        done.append(f"{kind} at {key!r}")
    return body, done


@st.composite
def wire(draw: st.DrawFn, body: Any) -> tuple[bytes, str | None]:
    """Serialise ``body``, maybe damaging the bytes; returns the content and its Content-Type."""
    text = json.dumps(body, allow_nan=True, ensure_ascii=draw(st.booleans()))
    depth = draw(DEPTHS)
    opener, closer = draw(BRACKETS)
    text = text.replace(json.dumps(DEEP), opener * depth + "1" + closer * depth)
    form = draw(FORMS)
    if form in ("utf-8", "utf-8-sig", "utf-16"):
        content = text.encode(form)
    elif form == "latin-1":
        content = text.encode("latin-1", errors="replace")
    elif form == "truncated":
        content = text.encode()[: draw(st.integers(0, max(len(text) - 1, 0)))]
    elif form == "bad bytes":
        raw = text.encode()
        at = draw(st.integers(0, len(raw)))
        content = raw[:at] + draw(BAD_BYTES) + raw[at:]
    elif form == "html":
        content = b"<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>"
    elif form == "empty":
        content = b""
    else:
        content = draw(NOT_JSON)
    content_type = draw(CONTENT_TYPES)
    return content, content_type


# -- the oracle: what the spec, read leniently, accepts ------------------------------------------------------


def _lenient(doc: dict[str, Any]) -> dict[str, Any]:
    """The spec as the client reads it: no closed enums, nulls allowed for optional properties."""
    doc = copy.deepcopy(doc)

    def open_enums(node: Any) -> None:
        if isinstance(node, dict):
            node.pop("enum", None)
            for value in node.values():
                open_enums(value)
        elif isinstance(node, list):
            for value in node:
                open_enums(value)

    for schema in doc["components"]["schemas"].values():
        open_enums(schema)
        required = set(schema.get("required", ()))
        for name, prop in schema.get("properties", {}).items():
            if name not in required:
                schema["properties"][name] = {"anyOf": [prop, {"type": "null"}]}
    return doc


def _is_int(checker: Any, value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


FORMATS = jsonschema.FormatChecker(formats=())


def _date_time(value: object) -> bool:
    if isinstance(value, str):
        dt.datetime.fromisoformat(value)
    return True


# registered by a call rather than as a decorator: without jsonschema's stubs `checks` is untyped, and an untyped
# decorator would leave `_date_time` untyped (mypy --strict: untyped-decorator); `checks(...)` returns it unchanged
FORMATS.checks("date-time", raises=(ValueError, TypeError))(_date_time)


_Strict = jsonschema.validators.extend(
    jsonschema.Draft202012Validator,
    type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_int),
)
_URI = "urn:cortex:lenient"
_REGISTRY: Registry[Any] = Registry().with_resource(
    _URI, Resource.from_contents(_lenient(SPEC), default_specification=DRAFT202012)
)


@functools.cache  # one per operation: a validator holds no state between bodies, and keeps its resolved $refs
def page_validator(operation: str) -> Any:
    """The validator of the operation's page schema in the lenient spec."""
    return _Strict({"$ref": f"{_URI}#/components/schemas/{page_schema(operation)}"}, registry=_REGISTRY,
                   format_checker=FORMATS)  # fmt: skip


def spec_accepts(operation: str, content: bytes) -> bool:
    """True when ``content`` is JSON that the spec's page schema, read leniently, accepts."""
    try:
        body = json.loads(content)
    except (ValueError, RecursionError):
        return False
    validator = page_validator(operation)
    try:
        return bool(validator.is_valid(body))
    except RecursionError:
        return False


# -- serving one answer into a real client -------------------------------------------------------------------


class Served:
    """A transport that gives every request the same answer, counting them."""

    def __init__(self) -> None:
        self.response: Callable[[], httpx.Response] = lambda: httpx.Response(500)
        self.count = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.count += 1
        return self.response()


def _noop_sleep(seconds: float) -> None:
    pass


async def _anoop_sleep(seconds: float) -> None:
    pass


# a crawl, and the future its outcome (the pages or the exception) goes to
Job = tuple[Callable[[], list[Any] | BaseException], Future[list[Any] | BaseException]]


def _work(jobs: queue.SimpleQueue[Job | None]) -> None:
    """Run each job's crawl and hand its outcome to the job's future, until told to stop (None)."""
    while (job := jobs.get()) is not None:
        crawl, future = job
        future.set_result(crawl())


class Runner:
    """One client (sync or async) fed by ``Served``; ``run(operation)`` returns the pages or the exception.

    Each crawl runs on a worker thread and is waited for with a timeout, so a hang fails its example instead
    of the run. The worker lives as long as the runner: a thread started and joined per example cost 0.1 ms of
    CPU, 11,000 times a file. One that never came back is left behind, and the next example gets a new one.
    """

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.served = Served()
        options: dict[str, Any] = {"token": TOKEN, "base_url": BASE, "max_retries": 2, "requests_per_minute": None,
                                   "transport": httpx.MockTransport(self.served), "page_size": 50}  # fmt: skip
        if mode == "sync":
            self.client: Any = CortexClient(sleep=_noop_sleep, **options)
            self.loop: asyncio.AbstractEventLoop | None = None
        else:
            self.client = AsyncCortexClient(sleep=_anoop_sleep, **options)
            self.loop = asyncio.new_event_loop()
        self._jobs: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._worker: threading.Thread | None = None

    def run(self, operation: str) -> list[Any] | BaseException:
        def crawl() -> list[Any] | BaseException:
            try:
                pager = getattr(self.client, operation)()
                if self.loop is None:
                    return list(pager.pages())

                async def collect() -> list[Any]:
                    return [page async for page in pager.pages()]

                return self.loop.run_until_complete(collect())
            except BaseException as exc:  # the test inspects whatever came out
                return exc

        if self._worker is None:
            self._jobs = queue.SimpleQueue()  # a worker left behind keeps its own queue
            self._worker = threading.Thread(target=_work, args=(self._jobs,), daemon=True)
            self._worker.start()
        future: Future[list[Any] | BaseException] = Future()
        self._jobs.put((crawl, future))
        try:
            outcome: list[Any] | BaseException | None = future.result(EXAMPLE_TIMEOUT)
        except TimeoutError:  # the worker is stuck in the crawl: it stops if it ever comes back
            self._jobs.put(None)
            outcome, self._worker = None, None
        assert outcome is not None, f"{self.mode} {operation}: no answer within {EXAMPLE_TIMEOUT}s (a hang)"
        return outcome

    def close(self) -> None:
        if self._worker is not None:
            self._jobs.put(None)
        if self.loop is None:
            self.client.close()
        else:
            self.loop.run_until_complete(self.client.aclose())
            self.loop.close()


@pytest.fixture(params=["sync", "async"])
def runner(request: pytest.FixtureRequest) -> Iterator[Runner]:
    made = Runner(request.param)
    yield made
    made.close()


def response(status: int, content: bytes, content_type: str | None, headers: Iterable[tuple[str, str]] = ()
             ) -> Callable[[], httpx.Response]:  # fmt: skip
    pairs = [(b"content-type", content_type.encode())] if content_type is not None else []
    pairs += [(name.encode(), value.encode("latin-1")) for name, value in headers]
    return lambda: httpx.Response(status, content=content, headers=pairs)


# -- 2xx pages -------------------------------------------------------------------------------------------------


@functools.cache  # built once per operation: a strategy built per example is validated again each time
def page_bodies(operation: str) -> st.SearchStrategy[tuple[Any, list[str]]]:
    schema = SCHEMAS[page_schema(operation)]
    valid = from_schema(schema, PAGE_FIELDS)
    return st.one_of(valid.flatmap(perturbed), ANY_JSON.map(lambda body: (body, ["not a page"])))


def check_page(runner: Runner, operation: str, done: list[str], content: bytes, content_type: str | None) -> None:
    runner.served.response = response(200, content, content_type)
    result = runner.run(operation)
    expected = spec_accepts(operation, content)
    event(f"verdict: {'page' if expected else 'CortexResponseError'}")
    for kind in done:
        event(f"mutation: {kind.split(' at ')[0]}")
    context = f"{runner.mode} {operation}: mutations {done}, content {content[:300]!r}"
    if isinstance(result, BaseException):
        assert isinstance(result, CortexError), f"{context}: raised {type(result).__name__}: {result}"
        assert isinstance(result, CortexResponseError), f"{context}: raised {result!r}"
        assert not expected, f"{context}: a body the spec allows was refused: {result}"
        assert result.status_code == 200
    else:
        assert expected, f"{context}: a body the spec forbids was accepted: {result!r}"[:3000]
        for page in result:
            assert isinstance(page.page, int) and isinstance(page.total, int)


@pytest.mark.parametrize("operation", list(PATHS))
def test_fuzzed_pages_parse_or_raise_response_error(runner: Runner, operation: str) -> None:
    @FUZZ
    @seed(fixed_seed("pages", runner.mode, operation))
    @given(st.data())
    def example(data: st.DataObject) -> None:
        body, done = data.draw(page_bodies(operation), label="body")
        content, content_type = data.draw(wire(body), label="wire")
        check_page(runner, operation, done, content, content_type)

    example()


# -- error statuses ---------------------------------------------------------------------------------------------

ERROR_CLASSES: dict[int, type[CortexError]] = {
    400: BadRequestError, 401: AuthenticationError, 403: PermissionDeniedError, 404: NotFoundError,
    409: CortexAPIError, 418: CortexAPIError, 422: BadRequestError, 429: RateLimitError, 500: ServerError,
    502: ServerError, 503: ServerError, 504: ServerError, 301: CortexResponseError, 307: CortexResponseError,
}  # fmt: skip
RETRY_AFTER = st.one_of(
    st.integers(-5, 100).map(str),
    st.sampled_from(["", "soon", "1e400", "nan", "inf", "-inf", "1.5", " 3 ", "0x10", "1_000", "99999999999999999999",
                     "Wed, 21 Oct 2015 07:28:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 01 Jan 0001 00:00:00 GMT",
                     "Tue, 32 Foo 2025 99:99:99 GMT", "Wed, 21 Oct 2015 07:28:00"]),
    st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=30),
)
STATUSES = st.one_of(st.just(429), st.sampled_from(sorted(ERROR_CLASSES)))  # built once, as the strategies of wire()


@functools.cache  # built once per schema, as page_bodies
def error_bodies(schema_name: str) -> st.SearchStrategy[tuple[Any, list[str]]]:
    valid = from_schema(SCHEMAS[schema_name], {"retryAfter": st.one_of(st.integers(-10, 120), NUMBERS, ANY_JSON)})
    return st.one_of(valid.flatmap(perturbed), ANY_JSON.map(lambda b: (b, ["not an error"])))


@st.composite
def error_answers(draw: st.DrawFn) -> tuple[int, Any, list[str], list[tuple[str, str]]]:
    status = draw(STATUSES)
    body, done = draw(error_bodies("TooManyRequestsProblemDetail" if status == 429 else "ErrorResponse"))
    headers = []
    if draw(st.booleans()):
        headers.append(("Retry-After", draw(RETRY_AFTER)))
    if draw(st.booleans()):
        headers.append(("x-request-id", draw(st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=20))))
    if status in (301, 307):
        headers.append(("Location", "https://elsewhere.example/api"))
    return status, body, done, headers


@pytest.mark.parametrize("operation", list(PATHS))
def test_fuzzed_error_answers_raise_the_typed_error(runner: Runner, operation: str) -> None:
    @FUZZ
    @seed(fixed_seed("errors", runner.mode, operation))
    @given(error_answers(), st.data())
    def example(answer: tuple[int, Any, list[str], list[tuple[str, str]]], data: st.DataObject) -> None:
        status, body, done, headers = answer
        content, content_type = data.draw(wire(body), label="wire")
        runner.served.response = response(status, content, content_type, headers)
        runner.served.count = 0
        result = runner.run(operation)
        context = f"{runner.mode} {operation} {status}: mutations {done}, headers {headers}, content {content[:200]!r}"
        event(f"status {status}: {type(result).__name__}")
        assert isinstance(result, BaseException), f"{context}: no exception"
        assert isinstance(result, CortexError), f"{context}: raised {type(result).__name__}: {result}"
        assert type(result) is ERROR_CLASSES[status], f"{context}: raised {result!r}"
        assert getattr(result, "status_code", None) == status
        if isinstance(result, CortexAPIError):
            assert isinstance(result.message, str) and result.message
        if isinstance(result, PermissionDeniedError):
            assert result.permission
        if isinstance(result, RateLimitError) and result.retry_after is not None:
            assert 0 <= result.retry_after < float("inf")
        assert runner.served.count <= 3, "at most max_retries=2 retries"

    example()


# -- pinned edge cases -------------------------------------------------------------------------------------------

RUN = {"id": 7, "deliveredCount": 1, "medium": "EMAIL", "notificationType": "WEEKLY_REPORT", "seqNo": 0,
       "status": "COMPLETED", "summary": "weekly"}  # fmt: skip
DEEP_600 = "[" * 600 + "1" + "]" * 600


def runs_page(*runs: dict[str, Any], raw: str = "") -> bytes:
    text = json.dumps({"runs": list(runs), "page": 0, "total": len(runs), "totalPages": 1})
    return text.replace('"@raw@"', raw).encode()


EDGE_ANSWERS: list[tuple[str, int, bytes, list[tuple[str, str]], type[CortexError] | None]] = [
    ("retryAfter beyond a float", 429, b'{"retryAfter": 1' + b"0" * 400 + b"}", [], RateLimitError),
    ("retryAfter NaN", 429, b'{"retryAfter": NaN}', [], RateLimitError),
    ("Retry-After 1e400", 429, b"{}", [("Retry-After", "1e400")], RateLimitError),
    ("Retry-After in year 9999", 429, b"{}", [("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT")], RateLimitError),
    ("Retry-After garbage", 503, b"<html>", [("Retry-After", "soon")], ServerError),
    ("deep undocumented field and a null", 200,
     runs_page({**RUN, "errorMessage": None, "dateCreated": None, "future": "@raw@"}, raw=DEEP_600), [], None),
    ("100k-deep body", 200, b"[" * 100_000 + b"]" * 100_000, [], CortexResponseError),
    ("required field null", 200, runs_page({**RUN, "summary": None}), [], CortexResponseError),
    ("id 7.0", 200, runs_page({**RUN, "id": 7.0}), [], CortexResponseError),
    ("id true", 200, runs_page({**RUN, "id": True}), [], CortexResponseError),
    ("id a list (unhashable)", 200, runs_page({**RUN, "id": [7]}), [], CortexResponseError),
    ("id a dict (unhashable)", 200, runs_page({**RUN, "id": {"v": 7}}), [], CortexResponseError),
    ("errorMessage an object", 200, runs_page({**RUN, "errorMessage": {"a": 1}}), [], CortexResponseError),
    ("nested object id a string", 200,
     runs_page({**RUN, "notificationObjects": [{"id": "1", "name": "n", "type": "ENTITY"}]}), [], CortexResponseError),
    ("id beyond int64", 200, runs_page({**RUN, "id": 10**30}), [], None),
    ("UTF-16 JSON", 200, json.dumps({"runs": [RUN], "page": 0, "total": 1, "totalPages": 1}).encode("utf-16"), [],
     None),
]


@pytest.mark.parametrize(("name", "status", "content", "headers", "expected"), EDGE_ANSWERS,
                         ids=[case[0] for case in EDGE_ANSWERS])
def test_edge_answers(runner: Runner, name: str, status: int, content: bytes, headers: list[tuple[str, str]],
                      expected: type[CortexError] | None) -> None:  # fmt: skip
    runner.served.response = response(status, content, "application/json", headers)
    result = runner.run("notification_runs")
    if expected is None:
        assert not isinstance(result, BaseException), f"{name}: raised {result!r}"
        assert [run.id for page in result for run in page.items] == [json.loads(content)["runs"][0]["id"]]
        assert all(run.error_message is not None for page in result for run in page.items), "null reads as absent"
    else:
        assert type(result) is expected, f"{name}: {result!r}"
        if isinstance(result, RateLimitError) and result.retry_after is not None:
            assert 0 <= result.retry_after < float("inf")


# -- raw_pages(): the same verdict as pages(), records kept as sent ------------------------------------------


def _verdict(parse: Callable[[], Any]) -> tuple[str, Any]:
    from cortex_api_client.types import UNKNOWN_ENUM_VALUES

    UNKNOWN_ENUM_VALUES.clear()
    try:
        page = parse()
    except CortexResponseError as error:
        return "error", (str(error), UNKNOWN_ENUM_VALUES.snapshot())
    return "page", (page, UNKNOWN_ENUM_VALUES.snapshot())


FIELD_VALUES = st.sampled_from([None, 1.5, 1.0, True, False, 0, -1, 2**63, 10**30, "", "x", "SLACK", "NOT_A_VALUE",
                                 [], {}, [{"id": 1}], {"id": 1}, "2025-13-01T00:00:00Z", "2025-06-30T12:00:00",
                                 "2025-06-30T12:00:00.5+02:00", "9999-12-31T23:59:59-01:00", "yesterday"])


@functools.cache  # built once per operation, as page_bodies: a fresh strategy is validated again on every draw
def valid_pages(operation: str) -> st.SearchStrategy[Any]:
    """Valid pages of ``operation`` as record_mutation starts from: page 0 of 1, three records in all."""
    return from_schema(SCHEMAS[page_schema(operation)], {"page": st.just(0), "total": st.just(3),
                                                         "totalPages": st.just(1)})


@st.composite
def record_mutation(draw: st.DrawFn, operation: str) -> tuple[bytes, list[str]]:
    """A valid page with one record's field dropped or set to a value of another type: a per-field verdict."""
    body = draw(valid_pages(operation))
    records = [r for r in body.get(LIST_KEYS[operation], []) if isinstance(r, dict)]
    done = []
    if records:
        record = draw(st.sampled_from(records))
        key = draw(st.sampled_from([*sorted(record), "undocumentedField"]))
        if draw(st.booleans()) and key in record:
            del record[key]
            done.append(f"drop {key}")
        else:
            record[key] = draw(FIELD_VALUES)
            done.append(f"{key}={record[key]!r}")
    return json.dumps(body, ensure_ascii=draw(st.booleans())).encode(), done




@pytest.mark.parametrize("operation", list(PATHS))
def test_raw_pages_accept_exactly_what_pages_accept(operation: str) -> None:
    from cortex_api_client.operations import OPERATIONS

    from cortex_wrapper._response import parse_page, parse_raw_page

    op = {spec.method_name: spec for spec in OPERATIONS}[operation]

    @FUZZ
    @seed(fixed_seed("raw", operation))
    @given(st.data())
    def example(data: st.DataObject) -> None:
        if data.draw(st.booleans(), label="one field"):  # a per-field verdict, or the whole fuzzed wire
            content, done = data.draw(record_mutation(operation), label="body")
            content_type: str | None = "application/json"
        else:
            body, done = data.draw(page_bodies(operation), label="body")
            content, content_type = data.draw(wire(body), label="wire")
        make = response(200, content, content_type)
        models, (model_page, model_unknown) = _verdict(lambda: parse_page(op, make()))
        raws, (raw_page, raw_unknown) = _verdict(lambda: parse_raw_page(op, make()))
        context = f"{operation}: mutations {done}, content {content[:300]!r}"
        assert raws == models, f"{context}: pages() said {models}, raw_pages() said {raws}: {model_page} / {raw_page}"
        assert raw_unknown == model_unknown, context  # the same unknown enum values recorded
        if models == "error":
            assert raw_page == model_page, context  # the same message
            return
        sent = json.loads(content)[op.list_key]  # what the server sent, record by record
        assert len(raw_page.items) == len(model_page.items) == len(sent), context
        for item, record in zip(raw_page.items, sent, strict=True):
            assert item.data == record and json.loads(item.text) == record, context
        assert (raw_page.page, raw_page.total, raw_page.total_pages) == (
            model_page.page, model_page.total, model_page.total_pages)

    example()


KNOWN_VALUES: dict[str, dict[str, Any]] = {  # chosen values of today's fields; every other field gets one by type
    "audit_logs": {"action": "UPDATE", "actorIdentifier": "bot@example.com", "ipAddress": "10.0.0.1",
                   "objectIdentifier": "svc-1", "objectType": "SERVICE", "timestamp": "2025-06-30T12:00:00.549Z"},
    "notification_logs": {"id": 7, "runId": 3, "medium": "SLACK", "recipientType": "USER", "status": "FAILED",
                          "type": "WEEKLY_REPORT", "failedReason": "CHANNEL_NOT_FOUND", "recipientChannel": "#x",
                          "recipientEmail": "a@example.com", "recipientEntityId": 4, "recipientUserId": 5,
                          "ignoredReason": "NO_RECIPIENTS", "errorMessage": "e", "dateCreated": "2025-06-30T12:00:00Z",
                          "dateDelivered": "2025-06-30T12:00:01Z", "dateUpdated": "2025-06-30T12:00:02Z"},
    "notification_runs": {"id": 7, "deliveredCount": 1, "medium": "EMAIL", "notificationType": "WEEKLY_REPORT",
                          "seqNo": 0, "status": "COMPLETED", "summary": "s", "originalRunId": 2, "errorMessage": "e",
                          "failedReason": "UNEXPECTED_ERROR", "ignoredReason": "NO_RECIPIENTS",
                          "dateCreated": "2025-06-30T12:00:00Z", "dateUpdated": "2025-06-30T12:00:01Z",
                          "notificationObjects": [{"id": 1, "name": "n", "type": "ENTITY", "cid": "c"}]},
}


def _value_of(field: Any) -> Any:
    """A valid value of a field, from the operation table: its first enum value, or one of its type."""
    from cortex_wrapper._spec import ENUM_SITES

    if field.value_type == "enum" and field.site in ENUM_SITES:
        return ENUM_SITES[field.site].values[0]
    if field.value_type == "array":
        return [{item.wire: _value_of(item) for item in field.items}] if field.items else []
    if field.value_type == "object" and field.items:  # an object the table describes (GitOps logs' repository)
        return {item.wire: _value_of(item) for item in field.items}
    return {"str": "s", "int": 7, "number": 1.5, "bool": True, "datetime": "2025-06-30T12:00:00Z",
            "object": {}}.get(field.value_type, "s")


def base_record(operation: str, fields: Any) -> dict[str, Any]:
    """A record holding every field the operation table lists: the known values, and a valid one for the rest."""
    known = KNOWN_VALUES.get(operation, {})  # an operation without chosen values: one of each field's type
    return {field.wire: known[field.wire] if field.wire in known else _value_of(field) for field in fields}


def test_the_base_record_follows_the_table() -> None:
    from cortex_api_client.operations import NOTIFICATION_LOGS

    fields = NOTIFICATION_LOGS.fields
    new = dataclasses.replace(fields[0], wire="recipientTeamTag", name="recipient_team_tag", value_type="str", site=None)
    base = base_record("notification_logs", (*fields, new))
    assert base["recipientTeamTag"] == "s" and base["medium"] == "SLACK"
    assert set(base) == {f.wire for f in fields} | {"recipientTeamTag"}


@pytest.mark.parametrize("operation", list(PATHS))
def test_raw_pages_judge_every_field_as_pages_do(operation: str) -> None:
    from cortex_api_client.operations import OPERATIONS

    from cortex_wrapper._response import parse_page, parse_raw_page

    op = {spec.method_name: spec for spec in OPERATIONS}[operation]
    base = base_record(operation, op.fields)
    values: list[Any] = [None, 1.5, 1.0, True, 0, 2**63, "", "x", "NOT_A_VALUE", [], {}, [{"id": 1}], "2025-13-01T00:00:00Z",
              "2025-06-30T12:00:00", "9999-12-31T23:59:59-01:00", [{"id": 1, "name": "n", "type": 5}]]
    cases: list[dict[str, Any]] = [dict(base)]
    for key in base:
        cases.append({k: v for k, v in base.items() if k != key})
        cases += [{**base, key: value} for value in values]
    for key, nested in base.items():  # each field of a nested item (notificationObjects), dropped or mistyped
        if isinstance(nested, list):
            item = nested[0]
            for field in [*item, "url", "undocumentedField"]:
                cases.append({**base, key: [item, {k: v for k, v in item.items() if k != field}]})
                cases += [{**base, key: [item, {**item, field: value}]} for value in [*values, "NOT_A_TYPE"]]
        if isinstance(nested, dict):  # each field of a nested object (repository), dropped or mistyped
            for field in [*nested, "undocumentedField"]:
                cases.append({**base, key: {k: v for k, v in nested.items() if k != field}})
                cases += [{**base, key: {**nested, field: value}} for value in [*values, "NOT_A_TYPE"]]
    verdicts = set()
    for record in cases:  # alone, and amid valid records (a page is judged field by field, then record by record)
        for page in ([record], [base, record, base]):
            content = json.dumps({op.list_key: page, "page": 0, "total": len(page), "totalPages": 1}).encode()
            make = response(200, content, "application/json")
            models, (model_page, model_unknown) = _verdict(lambda make=make: parse_page(op, make()))  # type: ignore[misc]
            raws, (raw_page, raw_unknown) = _verdict(lambda make=make: parse_raw_page(op, make()))  # type: ignore[misc]
            assert (raws, raw_unknown) == (models, model_unknown), f"{page}: pages() {models}, raw_pages() {raws}"
            if models == "error":
                assert raw_page == model_page
            verdicts.add(models)
    assert verdicts == {"page", "error"}
