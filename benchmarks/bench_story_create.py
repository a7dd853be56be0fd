"""Instructions per story create in a Kantata workspace that already holds ``--stories``
stories, counted by callgrind in the real server: a create's cost should not grow with its
workspace's stories.

    python benchmarks/bench_story_create.py --stories 0,300
    python benchmarks/bench_story_create.py --stories 300 --source /tmp/before

The simulator's command line runs under ``valgrind --tool=callgrind`` as in
``bench_instructions.py``; one workspace is made, then per figure that many root stories
(``--stories``, counted from the workspace's start), counters zeroed, ``--requests`` more
created one at a time, counters dumped: the server's instructions divided by the creates.
Only 127.0.0.1 is targeted. Not part of the test suite; nothing is written but the log.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import httpx
from _common import arg_parser, log, require_tools
from bench_instructions import _control, _dumps, started
from bench_simulators import KT_API, VENDORS, _tenant_credentials

_SUMMARY = re.compile(rb"^summary:\s+(\d+)", re.M)


def measure(source: Path | None, stories: int, requests: int) -> float:
    """Thousands of instructions per story create after ``stories`` in its workspace."""
    work = Path(tempfile.mkdtemp(prefix="bench-story-"))
    with (
        started(VENDORS["psa"], work, source, 120) as (proc, base, out_file),
        httpx.Client(base_url=f"{base}{KT_API}", timeout=60, trust_env=False) as c,
    ):
        token = _tenant_credentials(c, base)["token"]
        c.headers["Authorization"] = f"Bearer {token}"
        made = c.post(
            "/workspaces.json", json={"workspace": {"title": "Stories", "creator_role": "maven"}}
        )
        wid = made.json()["results"][0]["id"]

        def story(n: int) -> None:
            body = {"story": {"title": f"S{n}", "story_type": "task", "workspace_id": wid}}
            r = c.post("/stories.json", json=body)
            if r.status_code != 200:
                raise RuntimeError(f"story create answered {r.status_code}: {r.text[:200]}")

        for n in range(stories):
            story(n)
        _control(proc.pid, "zero")
        for n in range(requests):
            story(stories + n)
        _control(proc.pid, "dump")
        dumps = [d for d in _dumps(out_file) if d.suffix != ".0"]
        found = _SUMMARY.search(dumps[0].read_bytes()) if dumps else None
        if found is None:
            raise RuntimeError(f"no callgrind dump after the creates in {work}")
        return int(found.group(1)) / requests / 1000


def main() -> None:
    p = arg_parser(__doc__)
    p.add_argument("--stories", default="0,300", help="comma list of stories made first")
    p.add_argument("--requests", type=int, default=30, help="creates counted per figure")
    p.add_argument("--source", type=Path, default=None, help="another checkout to run")
    args = p.parse_args()
    require_tools("valgrind", "callgrind_control")
    for n in (int(x) for x in args.stories.split(",")):
        k = measure(args.source, n, args.requests)
        log(f"{n} stories first, {args.requests} creates: {k:.1f} kinstr per story create")


if __name__ == "__main__":
    main()
