"""docs/benchmarks.md: medians and min–max over runs, the targets, the machine and the date."""

from __future__ import annotations

import os
import platform
import sqlite3
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from bench.ack import AckResult
from bench.fanout import FanoutResult
from bench.plan import PlanResult
from bench.tick import TickResult

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


@dataclass
class DbRuns:
    """Every run's results on one database."""

    kind: str
    version: str = ""
    seed_seconds: float = 0.0
    ack: list[AckResult] = field(default_factory=list)
    tick: list[TickResult] = field(default_factory=list)
    plan: list[PlanResult] = field(default_factory=list)
    fanout: list[FanoutResult] = field(default_factory=list)
    sweep_rss: list[float] = field(default_factory=list)


def spread(values: Sequence[float], fmt: str = "{:.1f}") -> str:
    """`median (min–max)`."""
    if not values:
        return "—"
    med = statistics.median(values)
    if len(values) == 1 or min(values) == max(values):
        return fmt.format(med)
    return f"{fmt.format(med)} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def machine(pg_url: str | None) -> list[str]:
    """Cores, memory, Python, database versions."""
    mem_kb = next(
        (
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    lines = [
        f"- CPU: {os.cpu_count()} cores ({platform.processor() or platform.machine()}), "
        f"memory {mem_kb / 1024 / 1024:.1f} GiB",
        f"- Python {platform.python_version()} on {platform.system()} {platform.release()}",
        f"- SQLite {sqlite3.sqlite_version}",
    ]
    if pg_url:
        try:
            engine = create_engine(pg_url)
            with engine.connect() as conn:
                lines.append(f"- {conn.execute(text('SELECT version()')).scalar_one().split(' on ')[0]}")
            engine.dispose()
        except Exception as exc:  # noqa: BLE001 - the report says what it could not learn
            lines.append(f"- PostgreSQL: unknown ({exc.__class__.__name__})")
    return lines


# The morning sweep's query counts with all people due and with fewer due: each pair must match.
QUERY_PAIRS = (
    ("morning: database work", "morning: database work, fewer people due"),
    ("morning: queued", "morning: queued, fewer people due"),
)


def constant_queries(queries: dict[str, int]) -> bool:
    """True when the sweep sent as many queries with fewer people due."""
    return all(queries[a] == queries[b] for a, b in QUERY_PAIRS)


def _ack_cell(runs: list[AckResult], server: str, op: str, load: str, pick: Callable[[Any], float]) -> list[float]:
    return [pick(r) for res in runs for r in res.rows if (r.server, r.op, r.load) == (server, op, load)]


def _ratio(value: float, floor: float) -> str:
    """`value / floor` as a ratio people can read: two decimals, so a ratio under 0.1 does not print as 0.0×."""
    return f"{value / floor:.2f}×" if floor else "n/a"


def _verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def _med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def targets(d: DbRuns) -> list[tuple[str, str, str]]:
    """(target, measured, verdict) rows for one database."""
    out: list[tuple[str, str, str]] = []
    runs = d.ack
    rates = sorted({r.load for res in runs for r in res.rows if r.load.endswith("/s")}, key=lambda s: int(s[:-2]))
    top = rates[-1] if rates else "200/s"
    errors = sum(r.errors for res in runs for r in res.rows if r.server == "serve" and r.load == top)
    out.append((f"zero errors at {top}", f"{errors} errors", _verdict(errors == 0)))
    floors = {"list": "floor: bare", "done": "floor: bare", "add": "floor: insert", "message": "floor: insert"}
    limits = {"list": (2, 3), "done": (2, 3), "add": (1.5, 2), "message": (1.5, 2)}
    for op, floor in floors.items():
        p50 = _med(_ack_cell(runs, "serve", op, top, lambda r: r.p50_ms))
        p99 = _med(_ack_cell(runs, "serve", op, top, lambda r: r.p99_ms))
        f50 = _med(_ack_cell(runs, floor, "ack", top, lambda r: r.p50_ms))
        f99 = _med(_ack_cell(runs, floor, "ack", top, lambda r: r.p99_ms))
        a, b = limits[op]
        out.append(
            (
                f"`{op}` at {top}: p50 ≤ {a}× and p99 ≤ {b}× {floor.removeprefix('floor: ')} floor",
                f"p50 {p50:.1f} ms = {_ratio(p50, f50)}, p99 {p99:.1f} ms = {_ratio(p99, f99)}",
                _verdict(p50 <= a * f50 and p99 <= b * f99),
            )
        )
    sat = _med(_ack_cell(runs, "serve", "add", "saturation", lambda r: r.throughput))
    fsat = _med(_ack_cell(runs, "floor: insert", "ack", "saturation", lambda r: r.throughput))
    share = f"{sat / fsat:.0%}" if fsat else "n/a (the floor answered nothing)"
    met = bool(fsat) and sat >= fsat / 2
    out.append(("`add` saturation ≥ 50 % of the insert floor", f"{sat:.0f}/s = {share}", _verdict(met)))
    db_s = _med([t.db_seconds for t in d.tick])
    floor_s = _med([t.floor_seconds for t in d.tick])
    out.append(
        (
            "`tick` database work ≤ 2× the plain-SQL floor and < 1 s",
            f"{db_s * 1000:.0f} ms = {_ratio(db_s, floor_s)} ({floor_s * 1000:.0f} ms)",
            _verdict(db_s <= 2 * floor_s and db_s < 1),
        )
    )
    qs = sorted({tuple(t.queries[k] for k in QUERY_PAIRS[0] + QUERY_PAIRS[1]) for t in d.tick})
    out.append(
        (
            "`tick` queries do not grow with people/items",
            f"{qs} (database work: all due, fewer due; queued: all due, fewer due)",
            _verdict(all(constant_queries(t.queries) for t in d.tick)),
        )
    )
    st = _med([p.status_seconds for p in d.plan])
    dg = _med([p.digest_seconds for p in d.plan])
    const = all(
        p.status_queries == p.status_queries_small and p.digest_queries == p.digest_queries_small for p in d.plan
    )
    out.append(
        (
            "status and digest for 2,000 items < 100 ms, constant queries",
            f"status {st * 1000:.0f} ms, digest {dg * 1000:.0f} ms; queries "
            f"{d.plan[0].status_queries if d.plan else '—'}/{d.plan[0].digest_queries if d.plan else '—'}",
            _verdict(st < 0.1 and dg < 0.1 and const),
        )
    )
    fan_ok = all(f.failed == 0 and f.delivered == f.dms and f.duplicates == 0 for f in d.fanout)
    fan_s = _med([f.seconds for f in d.fanout])
    allowed = d.fanout[0].allowed_seconds if d.fanout else float("nan")
    out.append(
        (
            "DM fan-out: no drops, no duplicates, 429s waited out, within 20 % of the limits' time",
            f"{fan_s:.1f} s for {d.fanout[0].dms if d.fanout else 0} (limits allow {allowed:.0f} s)",
            _verdict(fan_ok and fan_s <= 1.2 * allowed),
        )
    )
    rss = max((a.serve_rss_max_mb for a in runs), default=float("nan"))
    out.append(("`serve` peak RSS < 200 MB with 100k items", f"{rss:.0f} MB per process", _verdict(rss < 200)))
    return out


def _ack_table(d: DbRuns) -> list[str]:
    lines = [
        "| server | operation | load | p50 ms | p99 ms | errors | answered/s |",
        "|---|---|---|---|---|---|---|",
    ]
    seen: list[tuple[str, str, str]] = []
    for res in d.ack:
        for r in res.rows:
            if (r.server, r.op, r.load) not in seen:
                seen.append((r.server, r.op, r.load))
    for server, op, load in seen:

        def cell(
            pick: Callable[[Any], float], fmt: str = "{:.1f}", s: str = server, o: str = op, lo: str = load
        ) -> str:
            return spread(_ack_cell(d.ack, s, o, lo, pick), fmt)

        errors = sum(_ack_cell(d.ack, server, op, load, lambda r: r.errors))
        lines.append(
            f"| {server} | {op} | {load} | {cell(lambda r: r.p50_ms)} | {cell(lambda r: r.p99_ms)} | {errors:.0f} "
            f"| {cell(lambda r: r.throughput, '{:.0f}')} |"
        )
    return lines


def _dm_lag_table(d: DbRuns) -> list[str]:
    """How long after `/action add @someone` its assignment DM reached the fake Slack."""
    rows = [r for res in d.ack for r in res.rows if r.server == "serve" and r.op in ("assign", "assign-spread")]
    if not rows:
        return []
    lines = [
        "",
        "**Assignment DM lag**: from an `/action add @someone` (scheduled instant) to its DM reaching the fake Slack, "
        "sent by `serve`'s drainers (paced at 50 DMs/s a workspace in each process, 1/s per person). `assign`: one "
        "workspace, so at 200/s the workspace pace decides the lag; `assign-spread`: 20 workspaces, 200 people "
        "(round-robin: one DM a second each at 200/s). Errors: requests without their item or their one DM.",
        "",
        "| operation | load | DMs | p50 ms | p99 ms | max ms | errors | doubled | load average |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for op, load in dict.fromkeys((r.op, r.load) for r in rows):
        cell = [r for r in rows if r.load == load and r.op == op]
        lines.append(
            f"| {op} | {load} | {min(r.dms for r in cell)} | {spread([r.dm_p50_ms for r in cell], '{:.0f}')} | "
            f"{spread([r.dm_p99_ms for r in cell], '{:.0f}')} | {spread([r.dm_max_ms for r in cell], '{:.0f}')} | "
            f"{sum(r.errors for r in cell)} | {sum(r.doubled for r in cell)} | "
            f"{spread([r.load_avg for r in cell])} |"
        )
    return lines


def render(dbs: list[DbRuns], *, command: str, sizes_name: str, runs: int, pg_url: str | None) -> str:
    """The generated part of docs/benchmarks.md."""
    now = datetime.now(UTC)
    out = [
        BEGIN,
        f"## Results — {now:%Y-%m-%d %H:%M} UTC, {sizes_name} size, {runs} run(s) per database",
        "",
        f"Reproduce: `{command}`",
        "",
        "Machine:",
        *machine(pg_url),
        "",
        "Each figure is the median over the runs, with the minimum–maximum in brackets.",
        "",
    ]
    for d in dbs:
        title = "SQLite" if d.kind == "sqlite" else "PostgreSQL"
        out += [f"### {title}", "", "**Targets**", "", "| target | measured (median) | |", "|---|---|---|"]
        out += [f"| {t} | {m} | {v} |" for t, m, v in targets(d)]
        out += ["", "**Ack path** (open loop at fixed rates, closed loop with the stated clients at saturation)", ""]
        out += _ack_table(d)
        out += _dm_lag_table(d)
        t = d.tick
        out += [
            "",
            f"**`tick`** over the seeded workspace (seeded in {d.seed_seconds:.1f} s with Core bulk inserts); "
            f"{t[0].recipients if t else 0} people due, {t[0].dms if t else 0} DMs",
            "",
            "| phase | seconds |",
            "|---|---|",
            "| morning sweep, database work (who is due + what each DM says) | "
            f"{spread([x.db_seconds for x in t], '{:.3f}')} |",
            f"| … of which executing SQL | {spread([x.sql_seconds for x in t], '{:.3f}')} |",
            f"| floor: plain SQL fetching the same due rows ({t[0].floor_rows if t else 0} rows) | "
            f"{spread([x.floor_seconds for x in t], '{:.3f}')} |",
            "| morning sweep queued: the database work, the DMs' blocks, every DM enqueued in one statement | "
            f"{spread([x.morning_seconds for x in t], '{:.3f}')} |",
            "| whole tick queued (`queue_all`: DMs, milestone alerts, digests, held captures; the drainer sends "
            f"apart) | {spread([x.tick_seconds for x in t], '{:.3f}')} |",
            "",
            "**SQL queries per operation**",
            "",
            "| operation | queries |",
            "|---|---|",
        ]
        if t:
            out += [f"| {k} | {v} |" for k, v in t[0].queries.items()]
        if d.plan:
            p = d.plan[0]
            out += [
                f"| `/milestone status` M-1 ({p.items} items) / a milestone with few items | "
                f"{p.status_queries} / {p.status_queries_small} |",
                f"| digest of M-1's channel / of another channel | {p.digest_queries} / {p.digest_queries_small} |",
            ]
        pl = d.plan
        out += [
            "",
            "**Milestone status and digest** (service + Block Kit rendering)",
            "",
            "| operation | ms |",
            "|---|---|",
            f"| `/milestone status M-1` ({pl[0].items if pl else 0} items) | "
            f"{spread([x.status_seconds * 1000 for x in pl])} |",
            f"| digest of M-1's channel | {spread([x.digest_seconds * 1000 for x in pl])} |",
            f"| burn-up chart of M-1 (uploaded after the digest, not part of it) | "
            f"{spread([x.chart_seconds * 1000 for x in pl], '{:.0f}')} |",
        ]
        f = d.fanout
        out += [
            "",
            "**DM fan-out**: the sweep's DMs queued, then `Drainer.drain()` against the simulator (1/s per channel, "
            "50/s per workspace, 429 + Retry-After beyond, plus 3 injected 429s)",
            "",
            "| DMs | seconds | limits allow | delivered | duplicates | 429s answered | failed |",
            "|---|---|---|---|---|---|---|",
        ]
        if f:
            out.append(
                f"| {f[0].dms} | {spread([x.seconds for x in f])} | {f[0].allowed_seconds:.0f} | "
                f"{min(x.delivered for x in f)} | {max(x.duplicates for x in f)} | "
                f"{spread([x.rate_limited for x in f], '{:.0f}')} | {max(x.failed for x in f)} |"
            )
        out += [
            "",
            "**Peak RSS**",
            "",
            "| process | MB |",
            "|---|---|",
            "| `serve`, largest process (gunicorn worker) after the load | "
            f"{spread([a.serve_rss_max_mb for a in d.ack], '{:.0f}')} |",
            f"| `serve`, master and {d.ack[0].workers if d.ack else '?'} worker(s) together | "
            f"{spread([a.serve_rss_total_mb for a in d.ack], '{:.0f}')} |",
            f"| the scheduler's sweep (`tick --at`, its own process) | {spread(d.sweep_rss, '{:.0f}')} |",
            "",
        ]
    out.append(END)
    return "\n".join(out)


def write(path: Path, generated: str) -> None:
    """Replace the generated part of the file, keeping what is written around it."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if BEGIN in old and END in old:
        head, _, rest = old.partition(BEGIN)
        _, _, tail = rest.partition(END)
        text_ = head + generated + tail
    else:
        text_ = (old.rstrip() + "\n\n" if old else "# Benchmarks\n\n") + generated + "\n"
    path.write_text(text_, encoding="utf-8")
