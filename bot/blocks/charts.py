"""The burn-up chart: done vs scope over time for one milestone, as PNG bytes (matplotlib, no display)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402 - after choosing the headless backend
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

_EPOCH = date(1970, 1, 1)  # matplotlib's default date epoch


def _num(d: date) -> float:
    return float((d - _EPOCH).days)


@dataclass(frozen=True)
class Projection:
    """The milestone's forecast as the chart draws it: when done meets scope, or a note why it cannot say."""

    finish: date | None
    label: str


def _project(ax: Any, p: Projection, *, today: date, end: date, done: int, scope: int) -> None:
    """A dashed line from today's done to the scope on the forecast date (cut at `end`); without a date, a note."""
    if p.finish is None or p.finish <= today:
        ax.text(0.99, 0.03, p.label, transform=ax.transAxes, ha="right", fontsize=7, color="#616061")
        return
    stop = min(p.finish, end)
    height = done + (scope - done) * (stop - today).days / (p.finish - today).days
    ax.plot([_num(today), _num(stop)], [done, height], color="#2eb67d", linestyle="--", linewidth=1.5, label=p.label)


PROJECTION_SPAN = timedelta(days=180)  # a projection further out than this past the due date is drawn cut short


def burnup_png(
    title: str,
    items: list[tuple[datetime, datetime | None, str]],
    *,
    today: date,
    due: date,
    projection: Projection | None = None,
) -> bytes | None:
    """Cumulative scope and done per day from the first item to the later of today, the due date and the forecast."""
    if not items:
        return None
    start = min(created.date() for created, _, _ in items)
    finish = projection.finish if projection else None
    end = max(today, due, min(finish, due + PROJECTION_SPAN) if finish else due)
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    scope = [sum(1 for c, _, _ in items if c.date() <= d) for d in days]
    done = [sum(1 for _, f, s in items if s == "done" and f is not None and f.date() <= d) for d in days]
    x = [_num(d) for d in days]
    upto = [v for v, d in zip(x, days, strict=True) if d <= today]
    fig, ax = plt.subplots(figsize=(6.4, 3.2), dpi=100)
    try:
        ax.step(x, scope, where="post", color="#9aa0a6", label="scope (items)")
        ax.step(upto, done[: len(upto)], where="post", color="#2eb67d", linewidth=2, label="done")
        ax.axvline(_num(due), color="#e01e5a", linestyle="--", linewidth=1, label=f"due {due:%b} {due.day}")
        ax.axvline(_num(today), color="#1d1c1d", linestyle=":", linewidth=1, label="today")
        if projection is not None:
            _project(ax, projection, today=today, end=end, done=done[len(upto) - 1] if upto else 0, scope=scope[-1])
        ax.set_title(title[:80], fontsize=10, loc="left")
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %d"))  # type: ignore[no-untyped-call]
        ax.legend(loc="upper left", fontsize=7, frameon=False)
        ax.grid(axis="y", alpha=0.3)
        fig.autofmt_xdate()
        fig.tight_layout()
        out = io.BytesIO()
        fig.savefig(out, format="png")
        return out.getvalue()
    finally:
        plt.close(fig)
