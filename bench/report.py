"""Writing the results: bench/results/latest.json (machine-readable) and latest.md (the readable summary)."""

import json
import os
import platform
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def machine(extra: dict | None = None) -> dict:
    """What the figures were measured on."""
    info = {
        "cpus": os.cpu_count(),
        "memory_gb": _memory_gb(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }
    info.update(extra or {})
    return info


def _memory_gb() -> float | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _num(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def _baseline_text(base: dict | None) -> str:
    if not base:
        return ""
    return f"{base.get('name', '')}: {_num(base.get('measured'))} {base.get('unit', '')}".strip()


def markdown(report: dict) -> str:
    """The readable summary: the run, then one table row per target (misses in capitals), then the baselines."""
    m = report["machine"]
    targets = report["targets"]
    missed = [t for t in targets if not t["met"]]
    lines = [
        "# Gongzhi benchmark results",
        "",
        f"{report['date']} · {m.get('cpus')} CPUs · {m.get('memory_gb')} GB · Python {m.get('python')} · "
        f"{m.get('database', '')} · data set {report.get('dataset', '?')} "
        f"(scale {report.get('scale', '?')}) · mode {report.get('mode', '?')} · "
        f"{report.get('seconds', '?')} s · load average {m.get('load_average_1m_at_start', '?')} at start, "
        f"{m.get('load_average_1m', '?')} at end",
        "",
        f"Server: {report.get('server', '')}",
        "",
        f"**{len(targets) - len(missed)} of {len(targets)} targets met.**"
        + (" Missed: " + "; ".join(t["name"] for t in missed) + "." if missed else ""),
        "",
        "| figure | measured | target | met | baseline |",
        "|---|---|---|---|---|",
    ]
    for t in targets:
        lines.append(
            f"| {t['name']} | {_num(t['measured'])} {t['unit']} | {t['compare']} {_num(t['target'])} {t['unit']} | "
            f"{'yes' if t['met'] else '**NO**'} | {_baseline_text(t.get('baseline'))} |"
        )
    if report.get("baselines"):
        lines += [
            "",
            "## Baselines (same run, same stack)",
            "",
            "| baseline | figure | unit |",
            "|---|---|---|",
        ]
        for name, base in report["baselines"].items():
            lines.append(
                f"| {name}: {base.get('name', '')} | {_num(base.get('measured'))} | {base.get('unit', '')} |"
            )
    if report.get("tables"):
        for title, rows in report["tables"].items():
            if not rows:
                continue
            header = list(rows[0])
            lines += ["", f"## {title}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
            for row in rows:
                lines.append("| " + " | ".join(_cell(row.get(h)) for h in header) + " |")
    if report.get("notes"):
        lines += ["", "## Notes", ""] + [f"- {n}" for n in report["notes"]]
    return "\n".join(lines) + "\n"


def _cell(value) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _num(value)
    return "—" if value is None else str(value)


def write(report: dict, directory: Path = RESULTS) -> tuple[Path, Path]:
    """Write latest.json and latest.md into `directory`; return both paths."""
    directory.mkdir(parents=True, exist_ok=True)
    json_path, md_path = directory / "latest.json", directory / "latest.md"
    json_path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    md_path.write_text(markdown(report), encoding="utf-8")
    return json_path, md_path
