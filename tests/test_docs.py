"""The documentation stays true to the code: exit codes, the module-to-tests table, the README's length."""

from __future__ import annotations

import re
from pathlib import Path

from cortex_wrapper.cli import EXIT_CODES

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def _pages() -> dict[str, str]:
    return {path.name: path.read_text() for path in [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]}


def test_the_exit_code_table_is_the_codes_of_the_cli() -> None:
    tables = {name: dict(re.findall(r"(?m)^\| (\d+) \| (.+?) \|$", text)) for name, text in _pages().items()}
    [(page, rows)] = [(name, rows) for name, rows in tables.items() if "130" in rows]  # one page holds the table
    assert {int(code): text for code, text in rows.items()} == EXIT_CODES, f"the exit-code table in {page} is stale"


def test_every_module_says_where_its_tests_are() -> None:
    text = (DOCS / "contributing.md").read_text()
    section = text[text.index("## Where the tests of a module are"):]
    rows = re.findall(r"(?m)^\| (`cortex_wrapper/.+?) \| (.+?) \|$", section)
    named: set[str] = set()
    for modules, tests in rows:
        paths = re.findall(r"`([^`]+)`", modules)
        folder = str(Path(paths[0]).parent)
        named |= {path if "/" in path else f"{folder}/{path}" for path in paths}
        for test in re.findall(r"`([^`]+)`", tests):
            assert (ROOT / "tests" / test).is_file(), f"docs/contributing.md names tests/{test}, which does not exist"
    modules = {str(path.relative_to(ROOT)) for path in (ROOT / "cortex_wrapper").rglob("*.py")}
    assert modules - named == set(), "modules docs/contributing.md does not place"
    assert named - modules == set(), "docs/contributing.md names modules that do not exist"
