"""The Filebeat, Vector and Kubernetes recipes of ``deploy/``, and every ``cortex-logs`` command line in ``deploy/``.

Neither Filebeat, Vector, Kubernetes nor Elasticsearch runs here: the configurations are parsed and checked
against what their documentation says each setting does, and against the files and events cortex-logs writes.
"""

from __future__ import annotations

import fnmatch
import json
import re
import shlex
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from .recipes import DEPLOY, FILEBEAT, INDEX_TEMPLATE, KUBERNETES, VECTOR, exec_start, parse, sample_events

COMMANDS = ("audit", "notifications", "runs", "summary")
# A line (or comment line, or ExecStart=) that starts with the program and names a command: a command line, not
# prose that names the program.
COMMAND_LINE = re.compile(r"^\s*(?:#+\s*)?(?:ExecStart=)?(?:\S*/)?cortex-logs((?:\s+\S+)+)\s*$")
ROTATED = ("audit.ecs.jsonl.1.gz", "audit.ecs.jsonl.2.gz", "audit.ecs.jsonl.1.xz", "audit.ecs.jsonl.1.zst")


def command_lines() -> dict[str, list[str]]:
    """Every ``cortex-logs`` command line written in a file of ``deploy/`` (comments too), and the Kubernetes one."""
    found: dict[str, list[str]] = {}
    for path in sorted(DEPLOY.rglob("*")):
        if not path.is_file():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if (match := COMMAND_LINE.match(line)) is None:
                continue
            words = shlex.split(match.group(1), comments=True)
            for stop in ("&&", "||", "|", ";"):
                words = words[:words.index(stop)] if stop in words else words
            if set(words) & set(COMMANDS):
                found[f"{path.relative_to(DEPLOY)}:{number}"] = words
    container = deployment()["spec"]["template"]["spec"]["containers"][0]
    assert container["command"] == ["cortex-logs"]
    found[f"{KUBERNETES.relative_to(DEPLOY)}: the container's args"] = container["args"]
    return found


def test_every_command_line_in_the_recipes_is_one_the_cli_accepts() -> None:
    lines = command_lines()
    assert any(key.startswith("systemd/") for key in lines) and len(lines) >= 3, lines  # the scan finds them
    for where, argv in lines.items():
        args = parse(argv)  # a renamed or removed option fails here, naming the file and line
        if getattr(args, "follow", False):
            assert args.checkpoint and args.output, f"{where}: --follow needs --checkpoint and --output"
            assert args.format == "ecs", f"{where}: the shippers and the index template expect ECS events"


def test_the_scan_finds_command_lines_and_leaves_prose_alone() -> None:
    assert COMMAND_LINE.match("ExecStart=/opt/x/bin/cortex-logs --token-file %d/token audit --follow")
    assert COMMAND_LINE.match("#   cortex-logs notifications --follow --output a")
    assert COMMAND_LINE.match("    cortex-logs --sandbox audit --since 30d")
    assert not COMMAND_LINE.match("# the copy cortex-logs reads is the credential")
    assert not COMMAND_LINE.match("    --checkpoint /var/lib/cortex-logs/audit.ckpt")
    with pytest.raises(AssertionError, match="--folow"):
        parse(["audit", "--folow"])


def _output() -> Path:
    return Path(parse(exec_start()[1:]).output)


# -- Filebeat ---------------------------------------------------------------------------------------------------


def _render(template: str, event: dict[str, Any], pattern: str) -> str:
    """A shipper's field reference (``%{[event.dataset]}``, ``{{ event.dataset }}``) filled from ``event``."""
    def field(match: re.Match[str]) -> str:
        value: Any = event
        for part in match.group(1).strip().split("."):
            value = value[part]
        return str(value)

    return re.sub(pattern, field, template)


def _data_stream_names(template: str, pattern: str) -> set[str]:
    index_patterns = json.loads(INDEX_TEMPLATE.read_text(encoding="utf-8"))["index_patterns"]
    names = {_render(template, event, pattern) for dataset in ("audit", "notification_log", "notification_run")
             for event in sample_events(dataset, "ecs")}
    for name in names:
        assert any(fnmatch.fnmatchcase(name, p) for p in index_patterns), f"{name}: no index template for it"
    return names


def test_filebeat_reads_the_units_output_and_the_renamed_file_but_not_compressed_ones() -> None:
    config = yaml.safe_load(FILEBEAT.read_text(encoding="utf-8"))
    [source] = config["filebeat.inputs"]
    assert source["type"] == "filestream" and source["id"]
    output = _output()
    excluded = [re.compile(pattern) for pattern in source["prospector.scanner.exclude_files"]]
    for name, expected in ((output.name, True), (f"{output.name}.1", True), *((n, False) for n in ROTATED)):
        path = str(output.parent / name)
        read = any(fnmatch.fnmatchcase(path, glob) for glob in source["paths"]) and not any(
            pattern.search(path) for pattern in excluded)
        assert read == expected, path
    [parser] = source["parsers"]
    assert parser["ndjson"]["target"] == "" and parser["ndjson"]["overwrite_keys"] is True


def test_filebeat_ids_each_document_by_its_event_id_and_names_a_data_stream() -> None:
    config = yaml.safe_load(FILEBEAT.read_text(encoding="utf-8"))
    [fingerprint] = [p["fingerprint"] for p in config["processors"] if "fingerprint" in p]
    assert fingerprint["fields"] == ["event.id"] and fingerprint["target_field"] == "@metadata._id"
    assert all(e["event"]["id"] for e in sample_events("audit", "ecs"))
    names = _data_stream_names(config["output.elasticsearch"]["index"], r"%\{\[([^\]]+)\]\}")
    assert "logs-cortex.audit-default" in names
    assert config["setup.template.enabled"] is False  # deploy/elasticsearch/ provides it
    assert fnmatch.fnmatchcase("logs-cortex.audit-default", config["setup.template.pattern"])


# -- Vector ---------------------------------------------------------------------------------------------------


def test_vector_has_sources_transforms_and_sinks_wired_together() -> None:
    config = yaml.safe_load(VECTOR.read_text(encoding="utf-8"))
    components = {**config["sources"], **config["transforms"], **config["sinks"]}
    assert config["sources"] and config["transforms"] and config["sinks"]  # Vector refuses a config without sinks
    for name, component in {**config["transforms"], **config["sinks"]}.items():
        assert component["inputs"] and set(component["inputs"]) <= set(components) - {name}, name
    kinds = {sink["type"] for sink in config["sinks"].values()}
    assert "elasticsearch" in kinds and kinds & {"file", "aws_s3"}


def test_vector_tails_the_file_the_unit_writes_and_skips_compressed_ones() -> None:
    [source] = yaml.safe_load(VECTOR.read_text(encoding="utf-8"))["sources"].values()
    output = _output()
    for name, expected in ((output.name, True), (f"{output.name}.1", True), *((n, False) for n in ROTATED)):
        path = str(output.parent / name)
        read = any(fnmatch.fnmatchcase(path, glob) for glob in source["include"]) and not any(
            fnmatch.fnmatchcase(path, glob) for glob in source["exclude"])
        assert read == expected, path
    assert source["fingerprint"]["strategy"] == "device_and_inode"  # logrotate renames: the same file, read on


def test_vector_indexes_into_data_streams_with_the_event_id_as_document_id() -> None:
    config = yaml.safe_load(VECTOR.read_text(encoding="utf-8"))
    [sink] = [s for s in config["sinks"].values() if s["type"] == "elasticsearch"]
    assert sink["mode"] == "data_stream"
    # the sink removes id_key from the document: a copy of event.id, set just before it
    [upstream] = sink["inputs"]
    assert f".{sink['id_key']} = string!(.event.id)" in config["transforms"][upstream]["source"]
    stream = sink["data_stream"]
    names = _data_stream_names(f"{stream['type']}-{stream['dataset']}-{stream['namespace']}", r"\{\{([^}]+)\}\}")
    assert "logs-cortex.audit-default" in names


# -- Kubernetes -------------------------------------------------------------------------------------------------


def manifests() -> dict[str, dict[str, Any]]:
    """The objects of the manifest, by kind."""
    documents = [d for d in yaml.safe_load_all(KUBERNETES.read_text(encoding="utf-8")) if d]
    by_kind = {document["kind"]: document for document in documents}
    assert len(by_kind) == len(documents)
    return by_kind


def deployment() -> dict[str, Any]:
    """The manifest's Deployment."""
    return manifests()["Deployment"]


def test_the_manifest_is_a_deployment_of_one_replica_replaced_not_rolled() -> None:
    objects = manifests()
    assert set(objects) == {"Secret", "PersistentVolumeClaim", "Deployment"}
    spec = objects["Deployment"]["spec"]
    assert spec["replicas"] == 1 and spec["strategy"] == {"type": "Recreate"}  # never two followers on the checkpoint
    labels = spec["template"]["metadata"]["labels"]
    assert spec["selector"]["matchLabels"].items() <= labels.items()


def _mounts() -> dict[str, dict[str, Any]]:
    pod = deployment()["spec"]["template"]["spec"]
    volumes = {volume["name"]: volume for volume in pod["volumes"]}
    [container] = pod["containers"]
    return {mount["mountPath"]: {**mount, "volume": volumes[mount["name"]]} for mount in container["volumeMounts"]}


def _mount_of(path: str) -> dict[str, Any]:
    [mount] = [m for where, m in _mounts().items() if path.startswith(where.rstrip("/") + "/")]
    return mount


def test_the_command_writes_only_to_volumes_and_reads_the_token_from_the_secret() -> None:
    [container] = deployment()["spec"]["template"]["spec"]["containers"]
    args = parse(container["args"])
    for path in (args.output, args.checkpoint, args.status_file):  # the root filesystem is read-only
        assert not _mount_of(path).get("readOnly"), path
    assert _mount_of(args.output)["volume"]["persistentVolumeClaim"]["claimName"] == \
        manifests()["PersistentVolumeClaim"]["metadata"]["name"]
    assert _mount_of(args.checkpoint)["name"] == _mount_of(args.output)["name"]  # together, on the claim
    token = _mount_of(args.token_file)
    secret = manifests()["Secret"]
    assert token["readOnly"] and token["volume"]["secret"]["secretName"] == secret["metadata"]["name"]
    assert Path(args.token_file).name in secret["stringData"]


def test_the_pod_runs_unprivileged() -> None:
    pod = deployment()["spec"]["template"]["spec"]
    [container] = pod["containers"]
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] != 0
    assert pod["automountServiceAccountToken"] is False
    context = container["securityContext"]
    assert context["allowPrivilegeEscalation"] is False and context["readOnlyRootFilesystem"] is True
    assert context["capabilities"]["drop"] == ["ALL"] and "add" not in context["capabilities"]
    dockerfile = (DEPLOY / "container" / "Dockerfile").read_text(encoding="utf-8")
    assert f"USER {pod['securityContext']['runAsUser']}:" in dockerfile and 'ENTRYPOINT ["cortex-logs"]' in dockerfile
    for source in re.findall(r"^COPY (.+) /src", dockerfile, re.MULTILINE):
        for name in source.split():
            assert (DEPLOY.parent / name).exists(), name


def _probe(status: dict[str, Any] | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """The liveness probe's exit code on a status file holding ``status`` (None: no file)."""
    [container] = deployment()["spec"]["template"]["spec"]["containers"]
    python, flag, code, path = container["livenessProbe"]["exec"]["command"]
    assert (python, flag) == ("python", "-c") and path == parse(container["args"]).status_file
    probe_file = tmp_path / "status.json"
    if status is not None:
        probe_file.write_text(json.dumps(status), encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["-c", str(probe_file)])
    try:
        exec(compile(code, "<probe>", "exec"), {"__name__": "__main__"})
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 1
    except OSError:
        return 1  # python -c exits 1 on an uncaught exception
    return 0


def test_the_liveness_probe_fails_only_when_polls_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    now = dt.datetime.now(dt.UTC)

    def at(delta: dt.timedelta) -> str:
        return (now + delta).isoformat(timespec="milliseconds")

    assert _probe({"state": "starting", "next_poll_at": None}, tmp_path, monkeypatch) == 0  # the first export
    assert _probe({"state": "ok", "next_poll_at": at(dt.timedelta(seconds=40))}, tmp_path, monkeypatch) == 0
    assert _probe({"state": "failing", "next_poll_at": at(dt.timedelta(minutes=8))}, tmp_path, monkeypatch) == 0
    assert _probe({"state": "ok", "next_poll_at": at(-dt.timedelta(minutes=5))}, tmp_path, monkeypatch) == 0
    assert _probe({"state": "ok", "next_poll_at": at(-dt.timedelta(minutes=20))}, tmp_path, monkeypatch) == 1
    assert _probe(None, tmp_path, monkeypatch) == 1


def test_the_readme_links_to_recipe_files_that_exist() -> None:
    readme = (DEPLOY.parent / "README.md").read_text(encoding="utf-8")
    start = readme.index("## Shipping to a SIEM")
    section = readme[start:readme.index("\n## ", start + 1)]
    links = re.findall(r"\]\(((?:deploy|docs)/[^)]*)\)", section)
    assert {"deploy/systemd/cortex-audit.service", "deploy/filebeat/filebeat.yml", "deploy/vector/vector.yaml",
            "deploy/kubernetes/cortex-audit.yaml", "deploy/elasticsearch/", "docs/samples/"} <= set(links)
    for link in links:
        assert (DEPLOY.parent / link).exists(), link
    assert "ExecStart=" not in section and "filebeat.inputs" not in section  # the recipes live in their files
