"""Figures from raw samples: percentiles, latency summaries and target objects (pure, unit-tested)."""

import math
from collections.abc import Iterable, Sequence

LOWER_IS_BETTER = "<="
HIGHER_IS_BETTER = ">="


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0–100) with linear interpolation between closest ranks (numpy's default).

    None for no samples; the only sample for one.
    """
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be within 0..100, not {q!r}")
    ordered = sorted(values)
    if not ordered:
        return None
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    if low == high:
        return float(ordered[low])
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def ms(seconds: float | None) -> float | None:
    """Seconds as milliseconds rounded to 0.1 ms (None stays None)."""
    return None if seconds is None else round(seconds * 1000, 1)


def latency_summary(latencies: Iterable[float], *, duration: float | None = None, errors: int = 0) -> dict:
    """p50/p95/p99/max in ms, the sample count and, given the measuring window, requests per second."""
    values = list(latencies)
    out = {
        "samples": len(values),
        "errors": errors,
        "p50_ms": ms(percentile(values, 50)),
        "p95_ms": ms(percentile(values, 95)),
        "p99_ms": ms(percentile(values, 99)),
        "max_ms": ms(max(values)) if values else None,
    }
    if duration:
        out["requests_per_s"] = round(len(values) / duration, 1)
    return out


def is_met(measured: float | None, target: float, compare: str) -> bool:
    """Whether a measured figure meets its target; a figure that could not be measured never does."""
    if measured is None or (isinstance(measured, float) and math.isnan(measured)):
        return False
    if compare == LOWER_IS_BETTER:
        return measured <= target
    if compare == HIGHER_IS_BETTER:
        return measured >= target
    raise ValueError(f"unknown comparison {compare!r}")


def target(
    name: str,
    measured: float | None,
    goal: float,
    unit: str,
    compare: str,
    *,
    baseline: dict | None = None,
    group: str = "",
    note: str = "",
    **details,
) -> dict:
    """One target object of latest.json: name, measured, target, unit, met (+ comparison, baseline, details)."""
    out = {
        "name": name,
        "measured": None if measured is None else round(float(measured), 1),
        "target": goal,
        "unit": unit,
        "met": is_met(measured, goal, compare),
        "compare": compare,
    }
    if group:
        out["group"] = group
    if baseline is not None:
        out["baseline"] = baseline
    if note:
        out["note"] = note
    if details:
        out["details"] = details
    return out
