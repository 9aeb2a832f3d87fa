"""Regenerate the typed client from the vendored specs, reproducibly.

Usage::

    python scripts/regenerate.py            # rewrite spec/reconciled/ and generated/
    python scripts/regenerate.py --check    # exit 1 if the committed output is stale

Steps: bring every version folder of ``spec/`` in line with the served operations (``[tool.cortex-wrapper]
operations`` in pyproject.toml: an operation added there is extracted from the originals each folder keeps,
``vendor_spec.refresh``), merge every version of ``spec/`` (``reconcile.py``), apply the declared
corrections (``spec_corrections.py``), write the reconciled spec and the drift
report to ``spec/reconciled/``, then run openapi-python-client (the exact
version pinned in pyproject.toml, with the templates of
``scripts/generator/templates``) on the models-only document
(``operation_table.models_spec``) into a fresh ``generated/cortex_api_client/``,
and render the operation table (``operation_table.py``) into it as
``operations.py``, with the clients' methods (``client_methods.py``), the served operations' record models
(``records.py``, which ``cortex_wrapper`` re-exports) and the deprecated enum names (``models/_aliases.py``).
The generator's request layer (``api/``, ``client.py``, ``errors.py``) is not kept: the wrapper sends its
own requests.

It prints what the sources change against the reconciled spec it replaces, then the change since the last
release (``spec/released/``), both classified by ``semver.py``; ``DRIFT.md`` records what each version
changes (the spec reconciled without it against the spec with it) and the change since the release. A
document beyond what the pipeline reads gets a one-line error, and nothing is written.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import hashlib
import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import enum_concepts
import operation_table
import reconcile
import semver
import spec_corrections
import vendor_spec

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "cortex_api_client"
GENERATOR = ROOT / "scripts" / "generator"
PINNED_TOOLS = ("openapi-python-client", "ruff")
NOT_SHIPPED = ("api", "client.py", "errors.py")
"""What the generator writes and the package does not keep: the request layer, which nothing uses."""


def pinned_versions(pyproject: Path = ROOT / "pyproject.toml") -> dict[str, str]:
    """The exact versions the dev extra pins for the generator and its formatter."""
    dev = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["optional-dependencies"]["dev"]
    pins = {}
    for requirement in dev:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)==([^;\s]+)", requirement)
        if match and match.group(1) in PINNED_TOOLS:
            pins[match.group(1)] = match.group(2)
    missing = set(PINNED_TOOLS) - pins.keys()
    if missing:
        raise SystemExit(f"regenerate: pyproject.toml must pin {', '.join(sorted(missing))} exactly (name==version)")
    return pins


def check_tools() -> None:
    """Refuse to run under any generator or formatter version but the pinned one."""
    for tool, wanted in pinned_versions().items():
        try:
            found = version(tool)
        except PackageNotFoundError:
            found = "not installed"
        if found != wanted:
            raise SystemExit(
                f"regenerate: {tool} {wanted} is pinned but {found} is installed here; "
                f"run: pip install '{tool}=={wanted}'"
            )


JSON = dict[str, Any]


def dump(doc: object) -> str:
    """Stable JSON text: the bytes that the digest covers."""
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class Built:
    """The pipeline's outputs as text: the reconciled spec, the drift report, the operation table."""

    spec_text: str
    report: str
    models_spec: str
    table: str
    methods: str
    records: str
    classification: semver.Classification
    released: str
    aliases: str
    steps: list[tuple[str, semver.Classification | str]]
    dropped: dict[str, list[str]]


def reconciled(versions: list[reconcile.Version]) -> tuple[JSON, reconcile.Drift]:
    """The reconciled document of ``versions`` (corrections applied, canonical) and their drift."""
    drift = reconcile.measure_drift(versions)
    doc = reconcile.merge_versions(versions)
    drift.corrections = spec_corrections.apply_all(doc)
    reconcile.canonical(doc)
    reconcile.check_typed(doc)
    return doc, drift


VERSIONS_LISTED = re.compile(r"every vendored doc version \(([^)]*)\)")


def dropped_at(doc: JSON, spec_dir: Path) -> dict[str, list[str]]:
    """The dropped enum values (``reconcile.dropped_values``) of a reconciled spec written earlier.

    Rebuilt from the versions its ``info.description`` lists; none when one of them is no longer in ``spec_dir``.
    """
    match = VERSIONS_LISTED.search(str(doc.get("info", {}).get("description", "")))
    names = [name.strip() for name in match.group(1).split(",")] if match else []
    try:
        versions = {v.name: v for v in reconcile.load_versions(spec_dir)}
        if not names or not set(names) <= versions.keys():
            return {}
        old, drift = reconciled([versions[name] for name in names])
    except reconcile.SpecError:
        return {}
    return reconcile.dropped_values(drift, old)


def steps(versions: list[reconcile.Version], doc: JSON,
          dropped: dict[str, list[str]]) -> list[tuple[str, semver.Classification | str]]:
    """What each version (but the oldest) changes: the spec reconciled without it against the one with it."""
    out: list[tuple[str, semver.Classification | str]] = []
    for one in versions[1:]:
        try:
            without, drift = reconciled([v for v in versions if v is not one])
        except reconcile.SpecError as exc:
            out.append((one.name, f"the others cannot be reconciled without it: {exc}"))
            continue
        out.append((one.name, semver.classify(without, doc, reconcile.dropped_values(drift, without), dropped)))
    return out


def build_spec(spec_dir: Path) -> Built:
    """Reconcile ``spec_dir`` and describe it: everything but the generator's own output."""
    versions = reconcile.load_versions(spec_dir)
    doc, drift = reconciled(versions)
    dropped = reconcile.dropped_values(drift, doc)
    spec_text = dump(doc)
    data = drift.to_json(doc)
    rows = operation_table.describe(doc, {site for site, entry in data["enums"].items() if entry["open"]})
    models = operation_table.models_spec(doc)
    generated = set(models["components"]["schemas"])
    served = {row.operation_id for row in rows}
    # at run time only the enums of what is generated or served matter; DRIFT.md reports every one
    data["enums"] = {site: entry for site, entry in data["enums"].items() if site.split(".", 1)[0] in generated | served}
    for site, entry in data["enums"].items():
        owner = site.split(".", 1)[0]
        entry["class_name"] = next(
            (p.enum_class for row in rows for p in row.parameters if p.site == site and p.enum_class),
            operation_table.field_enum_class(site) if owner in generated else None,
        )
    table = operation_table.render(rows, data["enums"], data["versions"], hashlib.sha256(spec_text.encode()).hexdigest(),
                                   drift.corrections)
    released_dir = spec_dir / "released"
    released = (released_dir / "VERSION").read_text(encoding="utf-8").strip()
    baseline = json.loads((released_dir / "openapi.json").read_text(encoding="utf-8"))
    classification = semver.classify(baseline, doc, dropped_at(baseline, spec_dir), dropped)
    each = steps(versions, doc, dropped)
    report = (reconcile.drift_report(drift) + "\n" + "\n".join(_classes_section(data["enums"])) + "\n"
              + "\n".join(_steps_section(each)) + "\n"
              + "\n".join(_semver_section(classification, released)) + "\n")
    # the names of the release the aliases keep (enum_concepts.LEGACY_RELEASE), whichever release is the last
    legacy = json.loads((released_dir / enum_concepts.LEGACY_RELEASE / "openapi.json").read_text(encoding="utf-8"))
    aliases = render_aliases(operation_table.legacy_names(legacy))
    methods = operation_table.render_methods(rows)
    records = operation_table.render_records(rows)
    return Built(spec_text, report, dump(models), table, methods, records, classification, released, aliases, each,
                 dropped)


def render_aliases(legacy: dict[str, str]) -> str:
    """``models/_aliases.py``: the class names a concept replaced, kept (deprecated) for one minor version."""
    lines = [
        f'"""The enum class names of release {enum_concepts.LEGACY_RELEASE}, kept for one minor version: use the concept names.',
        "",
        "Generated by scripts/regenerate.py (scripts/enum_concepts.py): do not edit. Importing one from",
        "``cortex_api_client.models`` warns (``DeprecationWarning``).",
        '"""',
        "",
    ]
    lines += [f"from .{_module(new)} import {new} as {old}" for old, new in sorted(legacy.items())]
    lines += ["", "ALIASES: dict[str, str] = {"]
    lines += [f'    "{old}": "{new}",' for old, new in sorted(legacy.items())]
    lines += ["}", "", "__all__ = ["] + [f'    "{old}",' for old in sorted(legacy)] + ["]", ""]
    return "\n".join(lines)


def _module(class_name: str) -> str:
    """The generator's module name for a class: ``NotificationRunStatus`` -> ``notification_run_status``."""
    return operation_table.snake(class_name)


def _classes_section(enums: dict[str, Any]) -> list[str]:
    """Which generated enum class each enum site uses (one per concept, ``scripts/enum_concepts.py``)."""
    by_class: dict[str, list[str]] = {}
    for site, entry in sorted(enums.items()):
        if entry.get("class_name"):
            by_class.setdefault(entry["class_name"], []).append(site)
    lines = ["## Enum classes", "", "| class | enum sites |", "|---|---|"]
    lines += [f"| `{name}` | {', '.join(f'`{site}`' for site in sites)} |" for name, sites in sorted(by_class.items())]
    return [*lines, ""]


def _steps_section(each: list[tuple[str, semver.Classification | str]]) -> list[str]:
    """What each version changes, classified: the spec reconciled without it against the spec with it."""
    lines = ["## What each version changes", "",
             "Each version (but the oldest) classified as `scripts/semver.py` does a release: the spec reconciled from",
             "every other version against the spec reconciled from all of them.", ""]
    for name, result in each:
        if isinstance(result, str):
            lines.append(f"- {name}: {result}")
            continue
        lines.append(f"- {name}: **{result.level.upper()}**")
        lines += [f"  - {level}: {reason}" for level, reason in result.sorted_reasons()]
    return [*lines, ""]


def _semver_section(result: semver.Classification, released: str) -> list[str]:
    lines = [
        f"## Change to the public surface since release {released}: {result.level.upper()}",
        "",
        f"Compared with `spec/released/openapi.json`, the reconciled spec of release {released} "
        "(`scripts/semver.py` says what counts as major, minor and patch).",
        "",
    ]
    lines += [f"- **{level}**: {reason}" for level, reason in result.sorted_reasons()] or ["- no change"]
    lines += ["", "### CHANGELOG draft", "", *semver.changelog_draft(result, released), ""]
    return lines


def _generate_models(spec_path: Path, target: Path) -> list[str]:
    """openapi-python-client on ``spec_path`` into ``target``, in this process; its post-hooks, not yet run.

    In this process, not as its command: the command spent most of its CPU importing the generator (typer,
    pydantic, jinja2, ruamel), again for every run of a process that regenerates more than once (the tests).
    A warning fails the run, as an error does. The hooks are returned to run once the package is complete.
    """
    import openapi_python_client
    from openapi_python_client.config import Config, ConfigFile, MetaType

    config = Config.from_sources(ConfigFile.load_from_path(GENERATOR / "config.json"), MetaType.NONE, spec_path,
                                 "utf-8", False, output_path=target)
    hooks, config.post_hooks = config.post_hooks, []
    with contextlib.redirect_stdout(io.StringIO()):  # "Generating <dir>": not this script's output
        errors = openapi_python_client.generate(config=config, custom_template_path=GENERATOR / "templates")
    if errors:
        raise SystemExit("regenerate: openapi-python-client failed or warned:\n" + "\n".join(
            f"{error.level.value}: {error.header}: {error.detail or ''}" for error in errors))
    return hooks


def _run_hooks(hooks: list[str], cwd: Path) -> None:
    """The generator's post-hooks (ruff, in ``config.json``), with this environment's ruff, the one pinned."""
    env = dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    env.pop("RUFF_CACHE_DIR", None)
    for hook in hooks:
        done = subprocess.run(shlex.split(hook), cwd=cwd, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"regenerate: the post-hook {hook!r} failed:\n{done.stdout}\n{done.stderr}")


def generate(built: Built, out_root: Path) -> None:
    """Write spec/reconciled/ and generated/cortex_api_client/ under ``out_root``."""
    reconciled = out_root / "spec" / "reconciled"
    package = out_root / "generated" / PACKAGE
    with tempfile.TemporaryDirectory(prefix="cortex-regen-") as tmp:
        spec_path = Path(tmp) / "models.json"
        spec_path.write_text(built.models_spec, encoding="utf-8")
        target = Path(tmp) / PACKAGE
        hooks = _generate_models(spec_path, target)
        for name in NOT_SHIPPED:
            path = target / name
            shutil.rmtree(path) if path.is_dir() else path.unlink()
        (target / "operations.py").write_text(built.table, encoding="utf-8")
        (target / "client_methods.py").write_text(built.methods, encoding="utf-8")
        (target / "records.py").write_text(built.records, encoding="utf-8")
        (target / "models" / "_aliases.py").write_text(built.aliases, encoding="utf-8")
        _run_hooks(hooks, target)  # over the generator's files and these four
        (target / "py.typed").write_text("", encoding="utf-8")
        if package.exists():
            shutil.rmtree(package)
        package.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(target, package, ignore=shutil.ignore_patterns("__pycache__", ".ruff_cache"))
    reconciled.mkdir(parents=True, exist_ok=True)
    (reconciled / "openapi.json").write_text(built.spec_text, encoding="utf-8")
    (reconciled / "DRIFT.md").write_text(built.report, encoding="utf-8")


ES_TEMPLATE = Path("deploy") / "elasticsearch" / "cortex@mappings.json"
"""The Elasticsearch component template, whose ``cortex.*`` mappings follow the record fields (``es_template.py``)."""


def es_template(out_root: Path) -> str:
    """The component template as ``es_template.py`` derives it from the table generated under ``out_root``.

    Run in a process of its own, with that table first on the path: this one has imported the table it replaced.
    """
    template = out_root / ES_TEMPLATE if (out_root / ES_TEMPLATE).exists() else ROOT / ES_TEMPLATE
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(out_root / "generated"), str(ROOT),
                                                       os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "es_template.py"), "--print", "--template",
                           str(template)], capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"regenerate: es_template.py failed:\n{done.stderr}")
    return done.stdout


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (bytecode and caches excluded), by relative path."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts and ".ruff_cache" not in p.parts
    }


def compare(expected_root: Path, actual_root: Path) -> list[str]:
    """Differences between two output roots' generated/ and spec/reconciled/, as short lines."""
    problems = []
    for sub in (Path("generated") / PACKAGE, Path("spec") / "reconciled"):
        want, have = tree(expected_root / sub), tree(actual_root / sub)
        for name in sorted(want.keys() | have.keys()):
            if name not in have:
                problems.append(f"missing: {sub / name}")
            elif name not in want:
                problems.append(f"stale extra file: {sub / name}")
            elif want[name] != have[name]:
                diff = difflib.unified_diff(
                    have[name].decode(errors="replace").splitlines(),
                    want[name].decode(errors="replace").splitlines(),
                    lineterm="",
                    n=0,
                )
                problems.append(f"differs: {sub / name}\n  " + "\n  ".join(list(diff)[2:8]))
    return problems


def regenerate(out_root: Path, spec_dir: Path = ROOT / "spec") -> Built:
    """The whole pipeline, writing under ``out_root``; what it built."""
    check_tools()
    built = build_spec(spec_dir)
    generate(built, out_root)
    return built


def previous_change(built: Built, out_root: Path, spec_dir: Path) -> semver.Classification | None:
    """What the new sources change against the reconciled spec under ``out_root`` before this run (None: none)."""
    path = out_root / "spec" / "reconciled" / "openapi.json"
    try:
        previous = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    new = json.loads(built.spec_text)
    return semver.classify(previous, new, dropped_at(previous, spec_dir), built.dropped)


def _print(title: str, result: semver.Classification) -> None:
    print(f"{title}: {result.level.upper()}")
    for level, reason in result.sorted_reasons():
        print(f"  {level}: {reason}")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed output; change nothing")
    parser.add_argument("--out", type=Path, default=ROOT, help="root to write spec/reconciled and generated/ under")
    parser.add_argument("--spec-dir", type=Path, default=ROOT / "spec", help="the vendored versions (default: spec/)")
    args = parser.parse_args(argv)
    try:
        pending = vendor_spec.refresh(args.spec_dir, write=not args.check)  # the served operations' files first
        if args.check and pending:
            print("regenerate --check: spec/ does not hold what [tool.cortex-wrapper] operations serves; run "
                  "scripts/regenerate.py", file=sys.stderr)
            print("\n".join(pending), file=sys.stderr)
            return 1
        for change in pending:
            print(change)
        if args.check:
            with tempfile.TemporaryDirectory(prefix="cortex-check-") as tmp:
                regenerate(Path(tmp), args.spec_dir)
                problems = compare(Path(tmp), args.out)
                template = args.out / ES_TEMPLATE
                if template.exists() and template.read_text(encoding="utf-8") != es_template(Path(tmp)):
                    problems.append(f"{ES_TEMPLATE}: its cortex.* mappings do not follow the record fields")
            if problems:
                print("regenerate --check: committed output is stale; run scripts/regenerate.py", file=sys.stderr)
                print("\n".join(problems), file=sys.stderr)
                return 1
            print("regenerate --check: generated/ and spec/reconciled/ are up to date")
            return 0
        check_tools()
        built = build_spec(args.spec_dir)  # everything that can fail on a document, before anything is written
        before = previous_change(built, args.out, args.spec_dir)
        generate(built, args.out)
        if (args.out / ES_TEMPLATE).exists():
            (args.out / ES_TEMPLATE).write_text(es_template(args.out), encoding="utf-8")
    except (reconcile.SpecError, vendor_spec.VendorError, OSError) as exc:
        print(f"regenerate: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 1
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:  # a document the rules do not cover
        print(f"regenerate: error: the reconciled spec is beyond what the pipeline reads "
              f"({type(exc).__name__}: {' '.join(str(exc).split())}); nothing was written", file=sys.stderr)
        return 1
    print(f"regenerated {args.out / 'generated' / PACKAGE} and {args.out / 'spec' / 'reconciled'}")
    if before is not None:
        _print("change against the previous reconciled spec", before)
    _print(f"change since release {built.released}", built.classification)
    print("each version's change, and the CHANGELOG draft, are in spec/reconciled/DRIFT.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
