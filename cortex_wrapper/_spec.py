"""The reconciled spec and drift data the generated package ships, loaded once."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib.resources import files
from typing import Any

SPEC_PACKAGE = "cortex_api_client"


@cache
def _read(name: str) -> bytes:
    return files(SPEC_PACKAGE).joinpath(name).read_bytes()


@cache
def spec() -> dict[str, Any]:
    """The reconciled OpenAPI document the client was generated from."""
    doc: dict[str, Any] = json.loads(_read("openapi.json"))
    return doc


@cache
def drift_data() -> dict[str, Any]:
    """Per enum site: every value any doc version lists, and which versions list each."""
    data: dict[str, Any] = json.loads(_read("drift.json"))
    return data


SPEC_SHA256: str = hashlib.sha256(_read("openapi.json")).hexdigest()
"""SHA-256 of the reconciled spec (``spec/reconciled/openapi.json``) this build was generated from."""

SPEC_VERSIONS: tuple[str, ...] = tuple(drift_data()["versions"])
"""The doc versions (``YYYY-MM``, oldest first) reconciled into this build."""
