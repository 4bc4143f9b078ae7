"""Small measuring tools: SQL statement counts, timers, percentiles, peak RSS."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, event

T = TypeVar("T")


@dataclass
class Queries:
    """SQL statements sent while counting, and the time spent executing them."""

    count: int = 0
    seconds: float = 0.0
    _started: list[float] = field(default_factory=list)


@contextmanager
def counting(engine: Engine) -> Iterator[Queries]:
    """Count every statement the engine sends (before_cursor_execute), and time its execution."""
    q = Queries()

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        q.count += 1
        q._started.append(time.perf_counter())

    def after(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if q._started:
            q.seconds += time.perf_counter() - q._started.pop()

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield q
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


def timed(work: Callable[[], T]) -> tuple[float, T]:
    """Seconds taken and the result."""
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of values; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def median(values: list[float]) -> float:
    """The median, 0 for none."""
    return statistics.median(values) if values else 0.0


def peak_rss_mb(pid: int) -> float:
    """Peak resident set size (VmHWM) of a live process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0
