"""One load run: the scene (local simulators, firm and stack, or staging), the pools,
Locust in subprocesses, then the verdict Locust wrote and a summary."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .._errors import HarnessError
from ._locust import LocustRun, locustfile_path
from ._pools import account_pool, crm_account_pool, hire_pool, leaver_pool, project_pool
from ._profile import LoadProfile
from ._staging import redact, staging_endpoints, staging_target


@dataclass(slots=True)
class LoadOptions:
    profile: LoadProfile
    report_dir: Path = Path("reports")
    users: int | None = None
    spawn_rate: float | None = None
    run_time: float | None = None
    workers: int = 0
    remote_workers: int = 0
    master_bind: str = "127.0.0.1"
    web: bool = False
    target: Path | None = None  # a target file: the stack under test
    endpoints: Path | None = None  # staging systems instead of local simulators
    credentials: Path | None = None
    stack_start: list[str] | None = None  # tests: a stack started like a target file's ``start``
    command: str = ""


@dataclass(slots=True)
class LoadResult:
    exit_code: int
    verdict: dict[str, Any] | None
    governance: dict[str, Any] | None
    stats: list[dict[str, str]]
    reports: dict[str, Path] = field(default_factory=dict)
    log_tail: str = ""


def _direct(profile: LoadProfile) -> bool:
    return Path(profile.locustfile).stem.startswith("direct_")


@contextlib.contextmanager
def _local_scene(options: LoadOptions, workdir: Path) -> Iterator[dict[str, Any]]:
    """Simulators on loopback, the firm from the seed, the stack (unless direct load)."""
    from ..journeys import Session, SessionOptions, embedded_spec, load_target_file

    p = options.profile
    if _direct(p):
        from ..data import generate_firm
        from ..loaders import load_firm
        from ..stack import Stack, StackSettings, endpoints_document

        with Stack(StackSettings(port_base=None)) as stack:
            endpoints = endpoints_document(stack)
            firm = generate_firm(p.seed, p.size)
            load_firm(firm, endpoints)
            yield {"endpoints": endpoints, "firm": firm, "systems": None, "target": {}}
        return
    spec = load_target_file(options.target) if options.target else embedded_spec()
    session = Session(
        SessionOptions(
            seed=p.seed,
            size=p.size,
            target=spec,
            timeout=p.run_time + p.drain_timeout + 600,
            workdir=workdir,
            log_dir=options.report_dir,
        )
    )
    with session:
        from ..data import generate_firm

        t = session.target
        assert t is not None
        target = {
            "name": spec.name,
            "base_url": t.base_url,
            "health_url": t.health_url,
            "billing_run_url": t.billing_run_url,
            "task_url": t.task_url,
        }
        yield {
            "endpoints": session.endpoints,
            "firm": generate_firm(p.seed, p.size),
            "systems": session.systems,
            "target": target,
        }


@contextlib.contextmanager
def _staging_scene(options: LoadOptions, endpoints_file: Path) -> Iterator[dict[str, Any]]:
    """Systems and stack elsewhere: nothing is started; the firm is assumed loaded."""
    from ..data import generate_firm
    from ..journeys._systems import connect
    from ..journeys._wire import Deadline, Recorder

    p = options.profile
    endpoints = staging_endpoints(endpoints_file, options.credentials)
    target = staging_target(options.target) if options.target else {}
    systems = connect(endpoints, Recorder(), Deadline(p.run_time + p.drain_timeout + 600), 60.0)
    try:
        yield {
            "endpoints": endpoints,
            "firm": generate_firm(p.seed, p.size),
            "systems": systems,
            "target": target,
            "staging": True,
        }
    finally:
        systems.close()


def _pools(scene: dict[str, Any], profile: LoadProfile, day: str, run_id: str) -> dict[str, Any]:
    firm = scene["firm"]
    pools = profile.pools
    projects: list[dict[str, Any]] = []
    if scene["systems"] is not None:
        projects = project_pool(
            scene["systems"], firm, pools.get("projects", 0), day, profile.seed, run_id
        )
    staging = bool(scene.get("staging"))
    return {
        "accounts": crm_account_pool(scene["systems"]) if staging else account_pool(firm),
        "projects": projects,
        "hires": hire_pool(firm, pools.get("hires", 20), profile.seed),
        "leavers": leaver_pool(firm, projects, pools.get("leavers", 20)),
        "direct": _direct_pool(firm),
    }


def _direct_pool(firm: Any) -> list[dict[str, str]]:
    """Seeded records direct load reads and writes next to: workspace + a staffed user."""
    projects = {p.id: p.psa_id for p in firm.projects}
    people = {c.id: c for c in firm.consultants}
    return [
        {
            "workspace": projects[a.project_id],
            "user": people[a.consultant_id].psa_id,
            "employee": people[a.consultant_id].hcm_id,
        }
        for a in firm.assignments[:200]
    ]


def _write_context(path: Path, doc: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # holds credentials
    with os.fdopen(fd, "w") as f:
        json.dump(doc, f, indent=1, default=str)


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        return dict(json.loads(path.read_text()))
    except (OSError, ValueError):
        return None


def _read_stats(path: Path) -> list[dict[str, str]]:
    import csv

    try:
        with path.open(newline="") as f:
            return list(csv.DictReader(f))
    except OSError:
        return []


def run_load(options: LoadOptions, on_phase: Any = print) -> LoadResult:
    """Prepare, run Locust, collect; the exit code is Locust's (the thresholds' verdict)."""
    p = options.profile
    users = options.users or p.users
    spawn = options.spawn_rate or p.spawn_rate
    run_time = options.run_time or p.run_time
    locustfile = locustfile_path(p.locustfile)
    run_id = f"{p.seed}{uuid.uuid4().hex[:6]}"
    day = datetime.now(UTC).date().isoformat()
    report_dir = options.report_dir
    report_dir.mkdir(parents=True, exist_ok=True)
    for stale in ("load-verdict.json", "load-governance.json"):
        (report_dir / stale).unlink(missing_ok=True)
    endpoints_file = options.endpoints or (Path(p.endpoints) if p.endpoints else None)
    with tempfile.TemporaryDirectory(prefix="harness-load-") as tmp:
        workdir = Path(tmp)
        if endpoints_file is not None:
            on_phase(f"staging: systems from {endpoints_file}")
            scene_cm = _staging_scene(options, endpoints_file)
        else:
            on_phase(f"starting the simulators, the {p.size} firm from seed {p.seed} and the stack")
            scene_cm = _local_scene(options, workdir)
        with scene_cm as scene:
            on_phase(
                f"preparing pools ({p.pools.get('projects', 0)} projects set up through the stack)"
            )
            try:
                pools = _pools(scene, p, day, run_id)
            except HarnessError:
                raise
            except Exception as exc:  # a journey failure while preparing: the stack's fault
                raise HarnessError(f"preparing the pools failed: {exc}") from None
            context_file = workdir / "load-context.json"
            profile_doc = p.to_dict()
            profile_doc["run_time"] = run_time
            _write_context(
                context_file,
                {
                    "run_id": run_id,
                    "seed": p.seed,
                    "day": day,
                    "endpoints": scene["endpoints"],
                    "target": scene["target"],
                    "pools": pools,
                    "profile": profile_doc,
                    "report_dir": str(report_dir.resolve()),
                    "extra": {"workers": max(1, options.workers + options.remote_workers)},
                },
            )
            (report_dir / "load-run.json").write_text(
                json.dumps(
                    redact(
                        {
                            "run_id": run_id,
                            "command": options.command,
                            "profile": profile_doc,
                            "endpoints": scene["endpoints"],
                            "target": scene["target"],
                            "pool_sizes": {k: len(v) for k, v in pools.items()},
                        }
                    ),
                    indent=2,
                    default=str,
                )
                + "\n"
            )
            if options.remote_workers:
                on_phase(
                    f"waiting for {options.remote_workers} remote worker(s); on each: "
                    f"{CONTEXT_HINT.format(ctx=context_file, locustfile=locustfile.stem)}"
                )
            run = LocustRun(
                locustfile=locustfile,
                context_file=context_file,
                report_dir=report_dir,
                users=users,
                spawn_rate=spawn,
                run_time=run_time,
                user_classes=[k for k, w in p.mix.items() if w > 0],
                workers=options.workers,
                remote_workers=options.remote_workers,
                master_bind=options.master_bind,
                web=options.web,
            )
            on_phase(
                f"Locust: {users} users, {spawn:g}/s, {run_time:g}s"
                + (f", master + {options.workers} workers" if options.workers else "")
                + (" (web UI on http://127.0.0.1:8089)" if options.web else "")
            )
            code = run.run(timeout=run_time + p.drain_timeout + 120)
    verdict = _read_json(report_dir / "load-verdict.json")
    if verdict is None and code == 0:
        code = 1  # Locust ended without the harness's verdict: something went wrong
    return LoadResult(
        exit_code=code,
        verdict=verdict,
        governance=_read_json(report_dir / "load-governance.json"),
        stats=_read_stats(report_dir / "load_stats.csv"),
        reports={
            "html": report_dir / "load-report.html",
            "csv": report_dir / "load_stats.csv",
            "history": report_dir / "load_stats_history.csv",
            "verdict": report_dir / "load-verdict.json",
            "governance": report_dir / "load-governance.json",
            "log": report_dir / "load-locust.log",
        },
        log_tail=run.log_tail() if code not in (0, 1) or verdict is None else "",
    )


CONTEXT_HINT = (
    "copy {ctx} there (it holds credentials), then HARNESS_LOAD_CONTEXT=load-context.json "
    "python -m locust -f loadtests/{locustfile}.py --worker --master-host <this host> --master-port 5557"
)
