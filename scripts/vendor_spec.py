"""Vendor one Cortex docs page (markdown export) into ``spec/<version>/``.

Usage::

    python scripts/vendor_spec.py PAGE.md --version 2025-05 [--url URL] [--spec-dir spec]

The page is a GitBook markdown export with one fenced ```json block per API
operation. Each block is written unchanged (plus a final newline) to
``spec/<version>/<operationId>.json``; the page itself is copied to
``spec/<version>/sources/`` and recorded in ``spec/<version>/SOURCES.json``
with its digest, so every vendored file says where it came from.

Nothing is written unless every block parses and names exactly one operation.
Errors are one line on stderr, exit status 1.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

SPEC_DIR = Path(__file__).resolve().parent.parent / "spec"
VERSION_RE = re.compile(r"^\d{4}-\d{2}$")
FENCE_RE = re.compile(r"^```json[ \t]*\n(.*?)\n```[ \t]*$", re.MULTILINE | re.DOTALL)
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


class VendorError(Exception):
    """A page that cannot be vendored; the message is shown as one line."""


@dataclass(frozen=True)
class Block:
    """One operation's JSON block, as text, with its operationId."""

    operation_id: str
    text: str


def extract_blocks(page: str) -> list[Block]:
    """Return the page's JSON blocks, checking each holds exactly one operation."""
    texts = FENCE_RE.findall(page)
    if not texts:
        raise VendorError("no ```json block found: is this a markdown export of a docs page?")
    blocks: list[Block] = []
    for number, text in enumerate(texts, start=1):
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise VendorError(f"JSON block {number} is not valid JSON: {exc}") from None
        if not isinstance(doc, dict) or not isinstance(doc.get("paths"), dict):
            raise VendorError(f"JSON block {number} is not an OpenAPI document (no 'paths')")
        operation_ids = [
            op.get("operationId")
            for item in doc["paths"].values()
            if isinstance(item, dict)
            for method, op in item.items()
            if method in HTTP_METHODS and isinstance(op, dict)
        ]
        if len(operation_ids) != 1 or not isinstance(operation_ids[0], str):
            raise VendorError(
                f"JSON block {number} must hold exactly one operation with an operationId, "
                f"found {operation_ids}"
            )
        blocks.append(Block(operation_ids[0], text))
    seen = [b.operation_id for b in blocks]
    if len(set(seen)) != len(seen):
        raise VendorError(f"the page defines an operation twice: {seen}")
    return blocks


def vendor(page_path: Path, version: str, url: str | None, spec_dir: Path) -> list[Path]:
    """Vendor ``page_path`` into ``spec_dir/version``; return the files written."""
    if not VERSION_RE.match(version):
        raise VendorError(f"--version must look like YYYY-MM (the date the page's examples carry), got {version!r}")
    try:
        raw = page_path.read_bytes()
    except OSError as exc:
        raise VendorError(f"cannot read {page_path}: {exc.strerror}") from None
    try:
        page = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise VendorError(f"{page_path} is not UTF-8 text") from None
    blocks = extract_blocks(page)

    target = spec_dir / version
    (target / "sources").mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for block in blocks:
        out = target / f"{block.operation_id}.json"
        out.write_text(block.text + "\n", encoding="utf-8")
        written.append(out)
    copy = target / "sources" / page_path.name
    copy.write_bytes(raw)
    written.append(copy)

    manifest_path = target / "SOURCES.json"
    manifest: dict[str, dict[str, object]] = {}
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    entry: dict[str, object] = {
        "kind": "markdown export (JSON blocks vendored unchanged)",
        "operations": sorted(b.operation_id for b in blocks),
        "sha256": hashlib.sha256(raw).hexdigest(),
    }
    previous = manifest.get(f"sources/{page_path.name}", {})
    if url or "url" in previous:
        entry["url"] = url or previous["url"]
    manifest[f"sources/{page_path.name}"] = entry
    manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    written.append(manifest_path)
    return written


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("page", type=Path, help="the docs page, markdown export")
    parser.add_argument("--version", required=True, help="doc version, YYYY-MM of the page's examples")
    parser.add_argument("--url", help="where the page was fetched from")
    parser.add_argument("--spec-dir", type=Path, default=SPEC_DIR, help="default: the repo's spec/")
    args = parser.parse_args(argv)
    try:
        written = vendor(args.page, args.version, args.url, args.spec_dir)
    except VendorError as exc:
        print(f"vendor_spec: error: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
