"""``raw_pages()``: records exactly as the API sent them, validated, through both clients (issue 13, item 3)."""

from __future__ import annotations

import json
from collections.abc import Hashable
from typing import Any

import httpx
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cortex_wrapper import CortexResponseError, RawRecord, _wire

from .support.api import Harness, audit_record, log_record


def served(*bodies: str) -> Any:
    """A server answering page N with ``bodies[N]``, verbatim, and a page past the end empty."""

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        body = bodies[page] if page < len(bodies) else json.dumps({"logs": [], "page": page, "total": 0, "totalPages": 0})
        return httpx.Response(200, content=body.encode(), headers={"content-type": "application/json"})

    return handler


def test_each_record_keeps_its_text_keys_order_and_timestamp(harness: Harness) -> None:
    first = '{"timestamp":"2025-06-30T12:00:00.549Z","objectType":"SERVICE","action":"READ","objectIdentifier":"a\\u00e9"}'
    second = '{ "objectIdentifier" : "svc-\\ud800", "action": "CREATE", "objectType": "X", "timestamp": "2025-06-30T12:00:00", "extra": 1.50 }'
    body = f'{{"page": 0, "logs": [ {first} ,\n {second}], "total": 2, "totalPages": 1}}'
    [page] = harness.raw_pages(harness.client(served(body)), "audit_logs")
    assert [record.text for record in page.items] == [first, second]
    assert list(page.items[0].data) == ["timestamp", "objectType", "action", "objectIdentifier"]
    assert page.items[1].data["objectIdentifier"] == "svc-\ud800" and page.items[1].get("extra") == 1.5
    assert (page.page, page.total, page.total_pages) == (0, 2, 1)


def test_records_are_validated_as_models_are(harness: Harness) -> None:
    body = json.dumps({"logs": [{**log_record(1), "id": "seven"}], "page": 0, "total": 1, "totalPages": 1})
    with pytest.raises(CortexResponseError, match="item 0 does not match the spec"):
        harness.raw_pages(harness.client(served(body)), "notification_logs")


def test_raw_pages_dedupe_ids_across_pages_and_keep_identical_audit_entries(harness: Harness) -> None:
    logs = [log_record(3), log_record(2), log_record(2), log_record(1)]
    bodies = [json.dumps({"logs": logs[i * 2:i * 2 + 2], "page": i, "total": 4, "totalPages": 2}) for i in range(2)]
    pages = harness.raw_pages(harness.client(served(*bodies), page_size=2), "notification_logs")
    assert [r.data["id"] for page in pages for r in page.items] == [3, 2, 1]
    same = audit_record(1)
    entries = [same, dict(same), audit_record(0)]
    audit = [json.dumps({"logs": entries[i:i + 1], "page": i, "total": 3, "totalPages": 3}) for i in range(3)]
    pages = harness.raw_pages(harness.client(served(*audit), page_size=1), "audit_logs")
    assert [r.data for page in pages for r in page.items] == entries


@pytest.mark.parametrize("mode", ["pages", "raw_pages"])
def test_a_record_that_is_a_list_of_pairs_is_not_an_object(harness: Harness, mode: str) -> None:
    pairs = [list(pair) for pair in audit_record(1).items()]  # dict() would accept it
    body = json.dumps({"logs": [audit_record(2), pairs], "page": 0, "total": 2, "totalPages": 1})
    client = harness.client(served(body))
    with pytest.raises(CortexResponseError, match="item 1 is not an object"):
        if mode == "pages":
            harness.pages(client, "audit_logs")
        else:
            harness.raw_pages(client, "audit_logs")


def test_records_equal_by_data_are_unhashable_like_their_data() -> None:
    # equal records must hash alike; their data is a dict, so a RawRecord has no hash (as a dict has none)
    compact, spaced = RawRecord({"id": 1}, '{"id":1}'), RawRecord({"id": 1}, '{ "id": 1 }')
    assert compact == spaced and compact != RawRecord({"id": 2}, '{"id":1}')
    assert RawRecord.__hash__ is None and not isinstance(compact, Hashable)  # no hash at all, as dict has none
    with pytest.raises(TypeError, match="unhashable type: 'RawRecord'"):
        hash(compact)


_JSON_TEXT = st.lists(st.sampled_from(["a", "{", "}", "[", "]", ",", ":", '"', "\\", " ", "é", "\n", "},{", "}, {"])
                      | st.characters(codec="utf-8"), max_size=4).map("".join)  # "},{" in a string, whole
_FLAT = st.dictionaries(_JSON_TEXT, st.none() | st.booleans() | st.integers() | _JSON_TEXT, max_size=4)
_VALUES = st.recursive(st.none() | st.integers() | _JSON_TEXT,
                       lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_JSON_TEXT, inner, max_size=3),
                       max_leaves=6)


@st.composite
def _list_texts(draw: st.DrawFn) -> str:
    """A JSON list of records, mostly flat objects, written compact or with whitespace between any tokens."""
    items = draw(st.lists(_FLAT | _VALUES.filter(lambda value: not isinstance(value, dict)) | _VALUES, max_size=5))
    ascii_only = draw(st.booleans())
    layout = draw(st.sampled_from(["compact", "mixed", "spaced", "indented"]))
    if layout == "mixed":  # compact records, each separator "," or ", ": a miscount must not pass
        texts = [json.dumps(item, separators=(",", ":"), ensure_ascii=ascii_only) for item in items]
        gaps = max(len(texts) - 1, 0)
        separators = draw(st.lists(st.sampled_from([",", ", "]), min_size=gaps, max_size=gaps))
        return "[" + "".join(sep + text for sep, text in zip(["", *separators], texts, strict=True)) + "]" \
            if texts else "[]"
    if layout == "compact":
        return json.dumps(items, separators=(",", ":"), ensure_ascii=ascii_only)
    return json.dumps(items, indent=1 if layout == "indented" else None, ensure_ascii=ascii_only)


@pytest.mark.slow  # 150 property examples: over a second of CPU
@settings(max_examples=150, database=None, deadline=None)
@given(_list_texts(), st.sampled_from(["", " "]))
@example('[{"a":"},{"}, {"b":1}]', "")  # a "},{" in a string and a spaced separator
def test_each_record_of_a_list_comes_with_the_span_of_text_it_stood_in(text: str, space: str) -> None:
    # the records are the list's values, in order; each text is the record's own span of the body, so the
    # spans, in order, hold exactly the list's text but its brackets, separators and whitespace
    body = f'{{"logs":{space}{text},"page":0}}'
    envelope, records = _wire.split_body(body, "logs")
    assert records is not None and envelope == {"logs": None, "page": 0}
    assert [r.data for r in records] == json.loads(text)
    position = body.index("[") + 1
    for number, record in enumerate(records):
        start = body.index(record.text, position)
        assert body[position:start].strip(" \t\r\n") == ("," if number else ""), "only a separator between two"
        assert json.loads(record.text) == record.data
        position = start + len(record.text)
    assert body[position:].lstrip(" \t\r\n").startswith("]")


def test_a_list_is_scanned_record_by_record_whatever_its_text() -> None:
    cases = {  # list text: its records' texts
        '[{"a":"x},{y"},{"b":1}]': ['{"a":"x},{y"}', '{"b":1}'],  # a brace in a string
        '[{"a":"},{"}, {"b":1}]': ['{"a":"},{"}', '{"b":1}'],  # the same, with as many "},{" as records
        '[{"a":"x"},{"b":1},{}]': ['{"a":"x"}', '{"b":1}', "{}"],
        '[{"a":"x"}, {"b":1}]': ['{"a":"x"}', '{"b":1}'],  # whitespace between records
        '[{"a":{"b":1}},{"c":2}]': ['{"a":{"b":1}}', '{"c":2}'],  # a nested object
        '[ ]': [],
        '[\n 1 ,\t"x" ]': ["1", '"x"'],  # not objects: kept for the caller to reject
    }
    for text, texts in cases.items():
        records, end = _wire._scan_list(text, 1)
        assert [record.text for record in records] == texts and end == len(text)
