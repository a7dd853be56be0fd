"""A journey's timeline as inline SVG: one bar per step on a shared time axis."""

from __future__ import annotations

from html import escape
from types import MappingProxyType

from ..journeys import JourneyResult

_COLORS = MappingProxyType({"action": "#3b6fd4", "wait": "#e08a1e", "check": "#7a7a7a"})
_LABEL_W, _PLOT_W, _ROW_H, _TOP = 360, 560, 20, 24


def timeline_svg(j: JourneyResult) -> str:
    span = max(j.seconds, max((s.ended - j.started for s in j.steps), default=0.0), 1e-3)
    height = _TOP + _ROW_H * len(j.steps) + 8
    width = _LABEL_W + _PLOT_W + 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="timeline of {escape(j.name)}" '
        'font-family="sans-serif" font-size="12">'
    ]
    for i in range(5):  # axis ticks
        x = _LABEL_W + _PLOT_W * i / 4
        parts.append(
            f'<line x1="{x:.1f}" y1="{_TOP - 6}" x2="{x:.1f}" y2="{height - 4}" stroke="#ddd"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{_TOP - 10}" text-anchor="middle" fill="#555">{span * i / 4:.2f}s</text>'
        )
    for row, s in enumerate(j.steps):
        y = _TOP + row * _ROW_H
        x = _LABEL_W + _PLOT_W * (s.started - j.started) / span
        w = max(_PLOT_W * s.seconds / span, 2.0)
        color = _COLORS.get(s.kind, "#7a7a7a") if s.ok else "#d43b3b"
        label = escape(s.name if len(s.name) <= 52 else s.name[:50] + "...")
        parts.append(f'<text x="{_LABEL_W - 8}" y="{y + 14}" text-anchor="end">{label}</text>')
        parts.append(
            f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{_ROW_H - 6}" fill="{color}" rx="2">'
            f"<title>{escape(s.name)} ({s.system}, {s.kind}): {s.seconds:.3f}s"
            f"{'' if s.ok else ' FAILED: ' + escape(s.error or '')}</title></rect>"
        )
        parts.append(f'<text x="{x + w + 4:.1f}" y="{y + 14}" fill="#555">{s.seconds:.2f}s</text>')
    parts.append("</svg>")
    return "".join(parts)
