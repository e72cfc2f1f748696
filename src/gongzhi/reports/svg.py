"""Plain SVG pie charts for the PDF (WeasyPrint draws them; no ECharts, no paint-order tricks).

Labels carry the server's formatted shares; text has an explicit CJK font so Chinese renders.
"""

import math
from html import escape

COLOURS = ["#b23a48", "#2f6690", "#3a7d44", "#d9a441", "#6c4f8f", "#4aa3a2", "#c06c2c", "#7d8597", "#9c6644"]
FONT = "Noto Sans CJK SC, Noto Sans CJK, WenQuanYi Micro Hei, sans-serif"


def pie(slices: list[dict], *, size: int = 180, title: str = "") -> str:
    """`slices`: dicts with label, count and share (already rounded). Returns an <svg> element."""
    total = sum(s["count"] for s in slices)
    r, cx, cy = size / 2 - 4, size / 2, size / 2
    legend_x = size + 10
    height = max(size, 18 * len(slices) + 24)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size + 230}" height="{height}" '
        f'viewBox="0 0 {size + 230} {height}" role="img" aria-label="{escape(title)}">'
    ]
    angle = -math.pi / 2
    for i, s in enumerate(slices):
        colour = COLOURS[i % len(COLOURS)]
        if total and s["count"]:
            sweep = 2 * math.pi * s["count"] / total
            if sweep >= 2 * math.pi - 1e-9:
                parts.append(f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="{colour}"/>')
            else:
                x1, y1 = cx + r * math.cos(angle), cy + r * math.sin(angle)
                x2, y2 = cx + r * math.cos(angle + sweep), cy + r * math.sin(angle + sweep)
                large = 1 if sweep > math.pi else 0
                parts.append(
                    f'<path d="M{cx:.2f},{cy:.2f} L{x1:.2f},{y1:.2f} A{r:.2f},{r:.2f} 0 {large} 1 {x2:.2f},{y2:.2f} Z" '
                    f'fill="{colour}" stroke="#fff" stroke-width="1"/>'
                )
            angle += sweep
        y = 16 + 18 * i
        share = "—" if s["share"] is None else f"{s['share']:.1f}%"
        parts.append(f'<rect x="{legend_x}" y="{y - 10}" width="10" height="10" fill="{colour}"/>')
        parts.append(
            f'<text x="{legend_x + 16}" y="{y}" font-family="{FONT}" font-size="11" fill="#222">'
            f"{escape(s['label'])} {s['count']:,} ({share})</text>"
        )
    if not total:
        parts.append(f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="#eee"/>')
    parts.append("</svg>")
    return "".join(parts)
