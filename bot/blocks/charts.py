"""The burn-up chart: done vs scope over time for one milestone, as PNG bytes (matplotlib, no display)."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402 - after choosing the headless backend
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

_EPOCH = date(1970, 1, 1)  # matplotlib's default date epoch


def _num(d: date) -> float:
    return float((d - _EPOCH).days)


def burnup_png(
    title: str, items: list[tuple[datetime, datetime | None, str]], *, today: date, due: date
) -> bytes | None:
    """Cumulative scope and done per day from the first item to the later of today and the due date."""
    if not items:
        return None
    start = min(created.date() for created, _, _ in items)
    end = max(today, due)
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
