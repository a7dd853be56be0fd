"""The Dockerfile, compose file, Kubernetes Job and CI templates: structure, and every
command they run uses options the CLIs really have (no container engine needed)."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.main import get_command

from harness.cli import app
from harness.journeys import load_target_file

REPO = Path(__file__).resolve().parents[2]
SHELL_OPS = {"&&", "||", ";", "|", "&", ">", "2>&1", ">>"}


def check_harness(argv: list[str]) -> str:
    """Walk ``harness <argv>`` through the real command tree; returns the command path."""
    cmd: Any = get_command(app)
    path = ["harness"]
    while hasattr(cmd, "commands"):
        assert argv and argv[0] in cmd.commands, f"{' '.join(path)}: no command {argv[:1]}"
        cmd = cmd.commands[argv[0]]
        path.append(argv.pop(0))
    opts = {o: p for p in cmd.params for o in (*p.opts, *p.secondary_opts)}
    while argv:
        name = argv.pop(0)
        assert name in opts, f"{' '.join(path)} has no option {name} (has {sorted(opts)})"
        param = opts[name]
        if not param.is_flag:
            assert argv, f"{' '.join(path)} {name} needs a value"
            value = argv.pop(0)
            if name in ("--port", "--port-base"):
                assert 0 <= int(value) <= 65535, value
    return " ".join(path)


@cache
def ri_options() -> frozenset[str]:
    out = subprocess.run(
        [sys.executable, "-m", "reference_integration", "serve", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    return frozenset(re.findall(r"--[a-z][a-z-]+", out))


def check_ri(argv: list[str]) -> None:
    assert argv[0] == "serve", argv
    for token in argv[1:]:
        if token.startswith("--"):
            assert token in ri_options(), f"reference_integration serve has no {token}"


def commands_in_shell(text: str) -> list[tuple[str, list[str]]]:
    """``harness ...`` and ``python -m reference_integration ...`` (and the harness image
    run with arguments) in a shell snippet, cut at shell operators."""
    found = []
    for line in text.replace("\\\n", " ").splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        found += _commands(list(lexer))
    return found


def _commands(tokens: list[str]) -> list[tuple[str, list[str]]]:
    found = []
    for i, tok in enumerate(tokens):
        rest = tokens[i + 1 :]
        if tok == "harness" or (tok == "$HARNESS_IMAGE" and rest[:1] in (["up"], ["run"])):
            kind = "harness"
        elif tok == "reference_integration" and i > 0 and tokens[i - 1] == "-m":
            kind = "ri"
        else:
            continue
        args = []
        for t in rest:
            if t in SHELL_OPS or t.startswith("$("):
                break
            args.append(t)
        if args:
            found.append((kind, args))
    return found


def check_command(kind: str, args: list[str]) -> None:
    if kind == "harness":
        check_harness(list(args))
    else:
        check_ri(list(args))


def test_dockerfile_slim_non_root_healthcheck_and_real_commands() -> None:
    text = (REPO / "Dockerfile").read_text()
    lines = [
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    ]
    assert lines[0] == "FROM python:3.11-slim"
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    assert re.search(r"useradd .*--uid 10001", text)
    health = text.split("HEALTHCHECK", 1)[1].split("CMD", 1)[1].split("\n")[0]
    assert health.strip().startswith("harness health")
    for kind, args in commands_in_shell(health):
        check_command(kind, args)
    entry = json.loads(re.search(r"^ENTRYPOINT (.*)$", text, re.M).group(1))  # type: ignore[union-attr]
    cmd = json.loads(re.search(r"^CMD (.*)$", text, re.M).group(1))  # type: ignore[union-attr]
    assert entry == ["harness"]
    assert check_harness(list(cmd)) == "harness up"
    assert "--https" in cmd and "--endpoints-file" in cmd


def test_compose_services_and_their_commands() -> None:
    doc = yaml.safe_load((REPO / "compose.yaml").read_text())
    services = doc["services"]
    assert set(services) == {"sims", "integration", "gate"}
    for name, svc in services.items():
        assert svc["build"] == "." and svc["image"].startswith("ps-integration-harness")
        entry = svc.get("entrypoint")
        if entry is None:
            check_harness(list(svc["command"]))
        else:
            assert entry == ["python", "-m", "reference_integration"], name
            check_ri(list(svc["command"]))
        test = (svc.get("healthcheck") or {}).get("test")
        if test:
            assert test[0] == "CMD"
            check_command("harness", test[2:]) if test[1] == "harness" else pytest.fail(test)
        for vol in svc.get("volumes", []):
            source = vol.split(":")[0]
            if source.startswith("./") and "reports" not in source:
                assert (REPO / source).exists(), source
    sims = services["sims"]["command"]
    assert sims[sims.index("--advertise-host") + 1] == "sims"
    assert sims[sims.index("--host") + 1] == "0.0.0.0"
    assert services["integration"]["environment"]["RI_PUBLIC_URL"] == "http://integration:8750"
    assert services["integration"]["depends_on"]["sims"]["condition"] == "service_healthy"
    assert services["gate"]["depends_on"]["integration"]["condition"] == "service_healthy"
    target = load_target_file(REPO / "docs" / "compose" / "target.toml")
    assert target.start is None and target.base_url == "http://integration:8750"


def test_kubernetes_job_commands() -> None:
    job = yaml.safe_load((REPO / "docs" / "kubernetes" / "gate-job.yaml").read_text())
    pod = job["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    containers = pod["initContainers"] + pod["containers"]
    assert [c["name"] for c in containers] == ["sims", "stack", "gate"]
    for c in containers:
        if c.get("command") == ["python", "-m", "reference_integration"]:
            check_ri(list(c["args"]))
        else:
            check_harness(list(c["args"]))
        probe = (c.get("startupProbe") or {}).get("exec")
        if probe:
            check_harness(list(probe["command"][1:]))


@pytest.mark.parametrize("name", ["github-actions.yml", "gitlab-ci.yml"])
def test_ci_templates_parse_and_use_real_options(name: str, tmp_path: Path) -> None:
    doc = yaml.safe_load((REPO / "docs" / "ci" / name).read_text())
    texts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("run", "script", "command") and isinstance(value, str):
                    texts.append(value)
                elif key in ("script", "command") and isinstance(value, list):
                    texts.extend(str(v) for v in value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(doc)
    found = [c for t in texts for c in commands_in_shell(t)]
    subcommands = {check_harness(list(args)) for kind, args in found if kind == "harness"}
    assert {"harness up", "harness run", "harness health"} <= subcommands, subcommands
    for kind, args in found:
        check_command(kind, args)
    text = (REPO / "docs" / "ci" / name).read_text()
    example = text.split("stack.toml (in the repository)", 1)[1].split("\n", 1)[1]
    toml_lines = []
    for line in example.splitlines():
        if not line.startswith("#   "):
            break
        toml_lines.append(line[4:])
    stack = tmp_path / "stack.toml"
    stack.write_text("\n".join(toml_lines) + "\n")
    spec = load_target_file(stack)  # the stack.toml the template expects is a valid target
    assert spec.start is None and spec.base_url and spec.billing_run_url
    assert "run-junit.xml" in text
    assert "allure" in (REPO / "docs" / "ci" / name).read_text().lower() or name == "gitlab-ci.yml"
