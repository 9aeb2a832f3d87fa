"""The ``cortex.*`` mappings of the Elasticsearch component template, derived from the operation table.

Usage::

    python scripts/es_template.py            # rewrite the cortex.* part of deploy/elasticsearch/cortex@mappings.json
    python scripts/es_template.py --check    # exit 1 when it is stale

``--format ecs`` keeps every field of a record, whole, under ``cortex.<dataset>``. Their mappings follow the record
fields of the generated operation table by type (text, enums and ids as ``keyword``, integers as ``long``, times as
``date``, arrays of objects by their items' fields), so a field that a newer spec adds is mapped by
``scripts/regenerate.py``, which runs this, with no edit by hand. The rest of the template (the ECS fields, with
ECS's own types) is written by hand and left as it is.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cortex_api_client.operations import OPERATIONS, Field

from cortex_wrapper._registry import presentation

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "deploy" / "elasticsearch" / "cortex@mappings.json"
KEYWORD = {"ignore_above": 1024, "type": "keyword"}
FREE_TEXT = frozenset({"errorMessage", "summary"})
"""Fields of sentences rather than values: also searchable word by word (a ``text`` multi-field)."""
_SCALARS: dict[str, dict[str, Any]] = {
    "str": KEYWORD, "enum": KEYWORD,
    "int": {"ignore_malformed": True, "type": "long"},
    "number": {"ignore_malformed": True, "type": "double"},
    "datetime": {"ignore_malformed": True, "type": "date"},
    "bool": {"type": "boolean"},
    "object": {"type": "object"},
}


def field_mapping(field: Field) -> dict[str, Any]:
    """The mapping of one record field: its scalar type, or its items' fields for an array of objects."""
    if field.items:
        return {"properties": {item.wire: field_mapping(item) for item in sorted(field.items, key=lambda f: f.wire)}}
    if field.wire in FREE_TEXT and field.value_type == "str":
        return {"fields": {"text": {"type": "match_only_text"}}, **KEYWORD}
    return dict(_SCALARS.get(field.value_type, KEYWORD))  # an array of scalars: each value as a keyword


def cortex_mappings() -> dict[str, Any]:
    """``cortex``'s mapping: an object per dataset (``cortex.audit``), a property per field; ``cortex.actor.type``."""
    datasets = {}
    for spec in OPERATIONS:
        dataset = presentation(spec).dataset
        assert dataset is not None
        fields = sorted(spec.fields, key=lambda f: f.wire)
        datasets[dataset.removeprefix("cortex.")] = {"properties": {f.wire: field_mapping(f) for f in fields}}
    datasets["actor"] = {"properties": {"type": dict(KEYWORD)}}  # cortex.actor.type: what acted (cli._siem)
    return {"properties": dict(sorted(datasets.items()))}


def render(template: Path = TEMPLATE) -> str:
    """The template's text with its ``cortex`` mappings derived afresh (everything else kept)."""
    document = json.loads(template.read_text(encoding="utf-8"))
    document["template"]["mappings"]["properties"]["cortex"] = cortex_mappings()
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite the template's ``cortex`` mappings, or ``--check`` that they are up to date."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the committed template is stale")
    parser.add_argument("--print", action="store_true", help="print the template instead of writing it")
    parser.add_argument("--template", type=Path, default=TEMPLATE)
    args = parser.parse_args(argv)
    text = render(args.template)
    if args.print:
        sys.stdout.write(text)
        return 0
    if args.check:
        if args.template.read_text(encoding="utf-8") != text:
            print(f"es_template --check: {args.template} is stale; run scripts/es_template.py", file=sys.stderr)
            return 1
        return 0
    args.template.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
