"""Fixed-width materialized paths: a subtree is one index range, on SQLite and PostgreSQL alike."""

SEGMENT = 5  # decimal digits per level: up to 99,999 children under one parent
MAX_DEPTH = 12


def segment(n: int) -> str:
    if not 0 < n < 10**SEGMENT:
        raise ValueError(f"sibling number {n} out of range")
    return f"{n:0{SEGMENT}d}"


def successor(path: str) -> str:
    """The smallest path after every descendant of `path` (digits only, so any collation agrees)."""
    if not path or len(path) % SEGMENT:
        raise ValueError(f"malformed path {path!r}")
    number = int(path) + 1
    return f"{number:0{len(path)}d}"


def subtree_range(path: str) -> tuple[str, str]:
    """(lower, upper): descendants-or-self satisfy lower <= p < upper."""
    return path, successor(path)


def ancestors(path: str) -> list[str]:
    """Paths of all ancestors, root first (excluding `path` itself)."""
    return [path[:i] for i in range(SEGMENT, len(path), SEGMENT)]


def depth(path: str) -> int:
    return len(path) // SEGMENT
