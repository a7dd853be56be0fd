"""Console progress with rich: each step as it finishes, then the verdict per journey."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..journeys import (
    Event,
    JourneyFinished,
    JourneyStarted,
    PhaseStarted,
    RunFinished,
    RunStarted,
    StepFinished,
    describe_fault,
)


class ConsoleReporter:
    """Prints progress to a rich console; failures are one line each, in red."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console()

    def __call__(self, event: Event) -> None:
        c = self.console
        if isinstance(event, RunStarted):
            c.print(
                f"[bold]harness run[/] seed {event.seed}, {event.size} firm, journeys {', '.join(event.journeys)}"
            )
        elif isinstance(event, PhaseStarted):
            c.print(f"[dim]- {escape(event.text)}[/]")
        elif isinstance(event, JourneyStarted):
            c.print(f"\n[bold cyan]{event.name}[/] ({event.billing_model})")
        elif isinstance(event, StepFinished):
            s = event.step
            mark = "[green]ok[/]" if s.ok else "[red]FAILED[/]"
            c.print(f"  {mark} {escape(s.name)} [dim]({s.system}, {s.seconds:.2f}s)[/]")
            if not s.ok:
                c.print(f"     [red]{escape(s.error or '')}[/]")
        elif isinstance(event, JourneyFinished):
            for inv in event.result.invariants:
                mark = "[green]holds[/]" if inv.ok else "[red]BROKEN[/]"
                c.print(
                    f"  {mark} {escape(inv.name)}"
                    + ("" if inv.ok else f": [red]{escape(inv.detail)}[/]")
                )
        elif isinstance(event, RunFinished):
            self._summary(event)

    def _summary(self, event: RunFinished) -> None:
        r = event.result
        table = Table(title="journeys")
        for col in ("journey", "result", "setup s", "to invoice s", "steps", "seconds"):
            table.add_column(col)
        for j in r.journeys:
            table.add_row(
                j.name,
                "[green]passed[/]" if j.ok else "[red]FAILED[/]",
                _num(j.kpis.get("project_setup_cycle_time_s")),
                _num(j.kpis.get("time_to_invoice_s")),
                str(len(j.steps)),
                f"{j.seconds:.2f}",
            )
        self.console.print()
        self.console.print(table)
        retries = {s: sum(v.values()) for s, v in r.retries.items()}
        self.console.print(f"retries answered (429/503): {retries}")
        for f in r.faults:
            never = " [yellow]never fired: it proved nothing[/]" if f.get("fired") == 0 else ""
            self.console.print(f"{escape(describe_fault(f))}{never}", soft_wrap=True)
        for line in r.failures:
            self.console.print(f"[red]FAIL[/] {escape(line)}", soft_wrap=True)
        verdict = "[green]passed[/]" if r.ok else "[red]FAILED[/]"
        self.console.print(f"{verdict} in {r.seconds:.1f}s; seed {r.seed}")
        self.console.print(f"reproduce: {escape(r.command)}", soft_wrap=True)


def _num(v: object) -> str:
    return "-" if v is None else f"{v:.2f}" if isinstance(v, float) else str(v)
