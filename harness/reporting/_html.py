"""A self-contained HTML report: verdict, seed and reproduce command, KPIs, and per
journey a timeline chart, the steps, the invariants and the failing step's payloads."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any

from ..journeys import Event, JourneyResult, RunFinished, RunResult, describe_fault
from ._timeline import timeline_svg

_CSS = """
body{font-family:system-ui,sans-serif;margin:2em;max-width:1100px;color:#222}
h1 .ok,span.ok{color:#1c7c32} h1 .fail,span.fail{color:#c42121}
table{border-collapse:collapse;margin:.5em 0 1em} td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}
code,pre{background:#f5f5f5} pre{padding:.6em;overflow-x:auto;max-height:30em;font-size:12px}
section{border-top:2px solid #eee;margin-top:1.5em}
"""


def _verdict(ok: bool) -> str:
    return '<span class="ok">passed</span>' if ok else '<span class="fail">FAILED</span>'


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _pretty(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return escape(json.dumps(value, indent=2, default=str))
    return escape(str(value))


def _journey(j: JourneyResult) -> str:
    out = [
        f'<section id="{escape(j.name)}"><h2>{escape(j.name)} ({escape(j.billing_model)}): {_verdict(j.ok)}</h2>'
    ]
    for line in j.failures:
        out.append(f'<p class="fail"><b>{escape(line)}</b></p>')
    out.append(timeline_svg(j))
    out.append(
        _table(
            ["step", "system", "kind", "start s", "seconds", "result"],
            [
                [
                    escape(s.name),
                    s.system,
                    s.kind,
                    f"{s.started - j.started:.3f}",
                    f"{s.seconds:.3f}",
                    _verdict(s.ok) + ("" if s.ok else f"<br>{escape(s.error or '')}"),
                ]
                for s in j.steps
            ],
        )
    )
    if j.invariants:
        out.append("<h3>Invariants</h3>")
        out.append(
            _table(
                ["invariant", "result", "detail"],
                [[escape(i.name), _verdict(i.ok), escape(i.detail)] for i in j.invariants],
            )
        )
    kpi = {k: v for k, v in j.kpis.items() if k != "propagation_latency_s"}
    out.append(
        "<h3>KPIs</h3>"
        + _table(["kpi", "value"], [[escape(k), escape(str(v))] for k, v in kpi.items()])
    )
    lat = j.kpis.get("propagation_latency_s") or {}
    if lat:
        out.append(
            _table(
                ["propagation (wait step)", "seconds"],
                [[escape(k), f"{v:.3f}"] for k, v in lat.items()],
            )
        )
    out.append("<h3>Ids</h3><pre>" + _pretty(j.ids) + "</pre>")
    step = j.failed_step
    if step is not None:
        out.append(f"<h3>Payloads of the failing step: {escape(step.name)}</h3>")
        for ex in step.exchanges:
            out.append(
                f"<p><code>{escape(ex.method)} {escape(ex.url)}</code> -> {ex.status}</p>"
                f"<pre>request: {_pretty(ex.request)}</pre><pre>response: {_pretty(ex.response)}</pre>"
            )
        if not step.exchanges:
            out.append("<p>(no calls recorded)</p>")
    out.append("</section>")
    return "".join(out)


def html_report(r: RunResult) -> str:
    when = datetime.fromtimestamp(r.started_at, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    retries = ", ".join(f"{s}: {sum(v.values())}" for s, v in r.retries.items()) or "-"
    rows = [
        [
            f'<a href="#{escape(j.name)}">{escape(j.name)}</a>',
            escape(j.billing_model),
            _verdict(j.ok),
            escape(str(j.kpis.get("project_setup_cycle_time_s"))),
            escape(str(j.kpis.get("time_to_invoice_s"))),
            f"{j.seconds:.2f}",
        ]
        for j in r.journeys
    ]
    failures = "".join(f'<li class="fail">{escape(f)}</li>' for f in r.failures)
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>harness run: seed {r.seed}</title>"
        f"<style>{_CSS}</style></head><body>"
        f"<h1>harness run {_verdict(r.ok)}</h1>"
        f"<p>seed <b>{r.seed}</b>, {escape(r.size)} firm, target {escape(r.target)}, started {when}, {r.seconds:.1f}s</p>"
        f"<p>reproduce: <code>{escape(r.command)}</code></p>"
        + (f"<ul>{failures}</ul>" if failures else "")
        + _table(
            [
                "journey",
                "billing model",
                "result",
                "project setup s",
                "time to invoice s",
                "seconds",
            ],
            rows,
        )
        + f"<p>retries answered by the simulators (429/503): {escape(retries)}</p>"
        + (
            "<p>fault rules applied:</p><ul>"
            + "".join(f"<li>{escape(describe_fault(f))}</li>" for f in r.faults)
            + "</ul>"
            if r.faults
            else ""
        )
        + "".join(_journey(j) for j in r.journeys)
        + "</body></html>\n"
    )


class HtmlReporter:
    """Writes ``path`` when the run finishes."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __call__(self, event: Event) -> None:
        if isinstance(event, RunFinished):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(html_report(event.result))
