"""Fixtures for the FakeCortex tests: a server factory and an HTTP helper that validates every body.

Every response the helper receives is validated with jsonschema against the schema the reconciled
spec documents for that operation, status and content type (``$ref``s resolved through a
``referencing`` registry holding the whole OpenAPI document). By default validation is strict:
object schemas get ``additionalProperties: false`` so that no undocumented field (internal filter
attributes, injected extra fields) can slip through. Undocumented statuses (5xx) must carry an
``ErrorResponse`` JSON body.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx
import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from cortex_wrapper._config import tls_verify
from cortex_wrapper.testing import FakeCortex

from ..support.operations import LIST_KEYS, PATHS, SPEC

SPEC_URI = "urn:cortex:reconciled-openapi"
DEFAULT = object()
Params = Mapping[str, Any] | list[tuple[str, Any]]  # query params as httpx takes them (a list for repeated keys)


def _strict(doc: dict[str, Any]) -> dict[str, Any]:
    strict = copy.deepcopy(doc)
    for schema in strict["components"]["schemas"].values():
        if schema.get("type") == "object" and "properties" in schema:
            schema["additionalProperties"] = False
    return strict


def _registry(doc: dict[str, Any]) -> Registry[Any]:
    registry: Registry[Any] = Registry().with_resource(  # with_resource has no return annotation
        SPEC_URI, Resource.from_contents(doc, default_specification=DRAFT202012)
    )
    return registry


REGISTRIES = {False: _registry(SPEC), True: _registry(_strict(SPEC))}


def response_schema_ref(path: str, status: int, content_type: str) -> str:
    """The JSON pointer of the schema the spec documents for this response (ErrorResponse for 5xx)."""
    responses = SPEC["paths"][path]["get"]["responses"]
    response = responses.get(str(status))
    if response is None:
        assert status >= 500, f"status {status} is not documented for {path}"
        assert content_type == "application/json", f"undocumented {status} must be an ErrorResponse JSON body"
        return "#/components/schemas/ErrorResponse"
    if "$ref" in response:
        response = SPEC["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
    content = response["content"]
    assert content_type in content, f"{path} {status}: {content_type} not among documented {list(content)}"
    ref: str = content[content_type]["schema"]["$ref"]
    return ref


@functools.cache
def _validator(ref: str, strict: bool) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator({"$ref": SPEC_URI + ref}, registry=REGISTRIES[strict])


def validate_body(path: str, status: int, content_type: str, body: Any, *, strict: bool = True) -> None:
    """Validate ``body`` against the reconciled spec (raises ``jsonschema.ValidationError``)."""
    _validator(response_schema_ref(path, status, content_type), strict).validate(body)


def validate_response(response: httpx.Response, *, strict: bool = True) -> None:
    """Validate an httpx response of the fake against the spec."""
    path = urlsplit(str(response.request.url)).path
    content_type = response.headers["content-type"].split(";")[0].strip()
    validate_body(path, response.status_code, content_type, response.json(), strict=strict)


class Api:
    """A thin httpx wrapper for one FakeCortex; validates every response body unless told not to."""

    def __init__(self, fake: FakeCortex) -> None:
        self.fake = fake
        self.client = httpx.Client(base_url=fake.url, timeout=10, verify=tls_verify(True))  # no CA load per test

    def get(
        self, kind: str, params: Params | None = None, *, token: Any = DEFAULT, validate: bool = True
    ) -> httpx.Response:
        headers = {}
        token = self.fake.token if token is DEFAULT else token
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        response = self.client.get(PATHS.get(kind, kind), params=params, headers=headers)
        assert response.headers.get("x-request-id"), "every response carries x-request-id"
        if validate:
            validate_response(response)
        return response

    def page(self, kind: str, params: Params | None = None, **kwargs: Any) -> dict[str, Any]:
        base = {"page": 0, "pageSize": 1000}
        if isinstance(params, Mapping) or params is None:
            merged: Params = {**base, **(params or {})}
        else:
            merged = [*base.items(), *params]
        response = self.get(kind, merged, **kwargs)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def records(self, kind: str, params: Params | None = None, **kwargs: Any) -> list[dict[str, Any]]:
        """Every record of page 0 with pageSize 1000 (tests keep datasets below that)."""
        body = self.page(kind, params, **kwargs)
        assert body["total"] == len(body[LIST_KEYS[kind]]), "dataset larger than one page"
        records: list[dict[str, Any]] = body[LIST_KEYS[kind]]
        return records

    def check(self, response: httpx.Response, *, strict: bool = True) -> None:
        """Validate a response obtained with ``validate=False``."""
        validate_response(response, strict=strict)

    def close(self) -> None:
        self.client.close()


@pytest.fixture
def validate() -> Callable[..., None]:
    """``validate(response, strict=True)``: check an httpx response of the fake against the spec."""
    return validate_response


@pytest.fixture
def serve() -> Iterator[Callable[..., FakeCortex]]:
    """Start FakeCortex instances; stop them at teardown and check none hit an internal error."""
    started: list[FakeCortex] = []

    def start(**kwargs: Any) -> FakeCortex:
        fake = FakeCortex(**kwargs).start()
        started.append(fake)
        return fake

    yield start
    for fake in started:
        fake.stop()
        assert fake.errors == [], fake.errors[0]


@pytest.fixture
def connect() -> Iterator[Callable[[FakeCortex], Api]]:
    """Open validating HTTP helpers for fakes; closed at teardown."""
    apis: list[Api] = []

    def open_api(fake: FakeCortex) -> Api:
        api = Api(fake)
        apis.append(api)
        return api

    yield open_api
    for api in apis:
        api.close()


@pytest.fixture
def api(serve: Callable[..., FakeCortex], connect: Callable[[FakeCortex], Api]) -> Callable[..., Api]:
    """Start a fake with the given keyword arguments and return a validating helper for it."""

    def make(**kwargs: Any) -> Api:
        return connect(serve(**kwargs))

    return make
