"""The ack path: `followthrough serve` and the two floors under open-loop load at fixed rates and at saturation; and
how long after an `/action add @someone` its assignment DM reaches the fake Slack."""

from __future__ import annotations

import os
import re
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlmodel import col

from bench import load, slackreq
from bench.measure import percentile
from bench.procs import FakeSlack, Served, app_env, floor_argv, free_port, serve_argv
from bench.seed import Seeded
from bench.sizes import Sizes
from storage.db import Database
from storage.models import ActionItem, OutboundClaim, ProcessedEvent
from storage.repositories.outbox import OutboxState

THREADS = 8  # `followthrough serve`'s default
SAT_PREBUILT_PER_SECOND = {"serve": 2_500, "floor": 6_000}
OPS = ("list", "add", "assign", "assign-spread", "done", "message")
# Their DMs are paced at 50/s a workspace: a saturation phase would only build a backlog.
AT_RATES_ONLY = ("assign", "assign-spread")
# `assign-spread` (the requirement's figure: 20 workspaces, 200 people) runs at the highest rate only.
AT_TOP_RATE_ONLY = ("assign-spread",)
DM_OPS = ("assign", "assign-spread")


def workers_for(database_url: str) -> int:
    """`followthrough serve`'s default: one process on SQLite (threads), two on PostgreSQL."""
    return 1 if database_url.startswith("sqlite") else 2


@dataclass
class AckRow:
    """One (server, operation, load) cell."""

    server: str
    op: str
    load: str  # "50/s", "200/s" or "saturation"
    sent: int
    p50_ms: float
    p99_ms: float
    errors: int
    throughput: float
    timeouts: int = 0
    dms: int = 0  # `assign`: assignment DMs that reached the fake Slack
    dm_p50_ms: float = 0.0  # … from the request's scheduled instant to the DM's arrival
    dm_p99_ms: float = 0.0
    dm_max_ms: float = 0.0
    doubled: int = 0  # DMs that reached the fake Slack more than once
    dm_p50_by_second: list[float] = field(default_factory=list)  # … p50 ms of the requests sent in each second
    load_avg: float = 0.0  # the machine's 1-minute load average at the end of the phase


@dataclass
class AckResult:
    """Every cell of one run, and the peak RSS of serve's processes."""

    rows: list[AckRow]
    serve_rss_max_mb: float
    serve_rss_total_mb: float
    workers: int = 1


class _Phases:
    """Builds each phase's signed requests and checks their effects in the database."""

    def __init__(self, sizes: Sizes, seeded: Seeded, db: Database, slack: FakeSlack, run: int) -> None:
        self.sizes, self.seeded, self.db, self.slack, self.run = sizes, seeded, db, slack, run
        self.api = slack.root
        self.next_item = sizes.big_milestone_items  # items past M-1's, so the status bench keeps its shape
        self.phase = 0
        self.confirmed_before = 0

    def confirmations(self) -> int:
        """Thread confirmations sent so far."""
        with self.db.session(readonly=True) as session:
            return int(
                session.exec(
                    select(func.count())
                    .select_from(OutboundClaim)
                    .where(col(OutboundClaim.kind) == "capture-confirm", col(OutboundClaim.state) == "sent")
                ).one()[0]
            )

    def in_flight(self) -> int:
        """Work answers left for after them and not finished: captures held and not yet written, and messages in
        the outbox queued, or claimed and not yet marked."""
        with self.db.session(readonly=True) as session:
            held = session.exec(
                select(func.count()).select_from(ProcessedEvent).where(col(ProcessedEvent.payload).is_not(None))
            ).one()[0]
            queued = session.exec(
                select(func.count())
                .select_from(OutboundClaim)
                .where(col(OutboundClaim.state).in_([OutboxState.QUEUED.value, OutboxState.SENDING.value]))
            ).one()[0]
        return int(held) + int(queued)

    def settle(self, limit: float = 120.0) -> None:
        """Wait (up to `limit` seconds) until `serve`'s drainer has sent what earlier phases left queued — the
        assignment DMs, the card redraws of a Done phase, the confirmations of a message phase — so a phase is not
        charged with the previous one's work after the answers."""
        deadline = time.monotonic() + limit
        while self.in_flight() and time.monotonic() < deadline:
            time.sleep(0.2)

    def unconfirmed(self, sent: int) -> int:
        """Captured messages whose thread confirmation did not go out, once the drainer has worked through what
        the phase left."""
        self.settle()
        return max(0, sent - (self.confirmations() - self.confirmed_before))

    def completed(self, first: int, sent: int, quiet: float = 5.0) -> int:
        """Items the phase's clicks completed. A click is answered before its write (the write follows at once,
        in the worker), so this waits until all are done or the count has not moved for `quiet` seconds."""
        done, moved = -1, time.monotonic()
        while True:
            with self.db.session(readonly=True) as session:
                now = int(
                    session.exec(
                        select(func.count())
                        .select_from(ActionItem)
                        .where(col(ActionItem.number).between(first + 1, first + sent))
                        .where(col(ActionItem.status) == "done")
                    ).one()[0]
                )
            if now != done:
                done, moved = now, time.monotonic()
            if done >= sent or time.monotonic() - moved > quiet:
                return done
            time.sleep(0.1)

    def requests(self, op: str, count: int, port: int) -> tuple[list[bytes], str, int]:
        """`count` prebuilt requests for `op`, the tag of their effects, and the first item clicked."""
        self.phase += 1
        tag = f"B{self.run}x{self.phase}q"
        first = self.next_item
        if op in ("list", "ack"):  # the floors ack any command
            build = slackreq.list_command(self.sizes, self.api)
        elif op == "add":
            build = slackreq.add_command(self.sizes, self.api, tag)
        elif op == "assign":
            build = slackreq.assign_command(self.sizes, self.api, tag)
        elif op == "assign-spread":
            build = slackreq.assign_spread(self.sizes, self.api, tag)
        elif op == "done":
            count = min(count, self.sizes.open_items - first)
            build = slackreq.done_click(self.sizes, self.api, first)
            self.next_item += count
        else:
            build = slackreq.marker_message(self.sizes, tag, self.run * 100 + self.phase)
            self.confirmed_before = self.confirmations()
        raw = []
        for n in range(count):
            content_type, body = build(n)
            raw.append(slackreq.http_request("127.0.0.1", port, content_type, body))
        return raw, tag, first

    def failures(self, op: str, result: load.LoadResult, tag: str, first: int) -> int:
        """Requests that failed: no 200, an apology in the answer, or no effect in the database."""
        answered = [s for s in result.samples if s.status == 200]
        bad = len(result.samples) - len(answered)
        bad += sum(b"Something went wrong" in s.body for s in answered)
        if op == "list":
            return bad + sum(b'"blocks"' not in s.body for s in answered)
        sent = len(result.samples)
        if op == "done":
            return max(bad, sent - self.completed(first, sent))
        if op in ("message", *DM_OPS):
            self.settle()  # a capture is written after its answer; a DM is sent after it
        with self.db.session(readonly=True) as session:
            made = session.exec(
                select(func.count()).select_from(ActionItem).where(col(ActionItem.title).like(f"{tag} %"))
            ).one()
        missing = sent - int(made[0])
        if op == "message":
            missing += self.unconfirmed(sent)
        if op in DM_OPS:
            arrived = Counter(n for n, _at in self.dm_arrivals(tag))
            missing += sum(n not in arrived for n in range(sent)) + sum(c - 1 for c in arrived.values())
        return max(bad, missing)

    def dm_arrivals(self, tag: str) -> list[tuple[int, float]]:
        """(request number, when its assignment DM reached the fake Slack) for the phase tagged `tag`."""
        pattern = re.compile(rf"assigned you A-\d+: {re.escape(tag)} (\d+) ")
        found = []
        for post in self.slack.posts():
            m = pattern.search(post.text)
            if m:
                found.append((int(m.group(1)), post.at))
        return found

    def dm_lag(self, row: AckRow, tag: str, result: load.LoadResult, rate: float) -> None:
        """DMs, p50, p99, max (ms) from each request's scheduled instant to its DM's arrival, doubled DMs, and the
        p50 of each second's requests (does the lag grow through the phase?)."""
        arrivals = self.dm_arrivals(tag)
        lags = [at - (result.wall_start + n / rate) for n, at in arrivals]
        row.dms, row.doubled = len(lags), len(arrivals) - len({n for n, _ in arrivals})
        row.dm_p50_ms, row.dm_p99_ms = percentile(lags, 50) * 1000, percentile(lags, 99) * 1000
        row.dm_max_ms = max(lags, default=0.0) * 1000
        by_second: dict[int, list[float]] = {}
        for (n, _at), lag in zip(arrivals, lags, strict=True):
            by_second.setdefault(int(n / rate), []).append(lag)
        row.dm_p50_by_second = [percentile(by_second[s], 50) * 1000 for s in sorted(by_second)]


def _cell(server: str, op: str, label: str, result: load.LoadResult, errors: int) -> AckRow:
    latencies = [s.latency for s in result.samples if s.status == 200]
    return AckRow(
        server=server,
        op=op,
        load=label,
        sent=len(result.samples),
        p50_ms=percentile(latencies, 50) * 1000,
        p99_ms=percentile(latencies, 99) * 1000,
        errors=errors,
        throughput=result.throughput,
        timeouts=sum(s.status == 0 for s in result.samples),
    )


def drained(port: int, limit: float = 60.0) -> None:
    """Wait until the server answers /healthz at once again: an overloaded phase leaves requests queued (and work
    after the answers, like thread confirmations), which must not be charged to the next phase."""
    deadline = time.monotonic() + limit
    quick = 0
    while quick < 3 and time.monotonic() < deadline:
        started = time.monotonic()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10):
                pass
        except OSError:
            quick = 0
            continue
        quick = quick + 1 if time.monotonic() - started < 0.02 else 0
        time.sleep(0.05)


def _drive(server: str, ops: tuple[str, ...], port: int, phases: _Phases, sizes: Sizes, kind: str) -> list[AckRow]:
    rows = []
    for op in ops:
        for rate in sizes.ack_rates[-1:] if op in AT_TOP_RATE_ONLY else sizes.ack_rates:
            raw, tag, first = phases.requests(op, int(rate * sizes.ack_seconds), port)
            phases.settle()
            drained(port)
            result = load.open_loop("127.0.0.1", port, raw, rate)
            errors = phases.failures(op, result, tag, first) if kind == "serve" else result.errors
            row = _cell(server, op, f"{rate}/s", result, errors)
            if op in DM_OPS:
                phases.dm_lag(row, tag, result, rate)
            row.load_avg = os.getloadavg()[0]
            rows.append(row)
        if op in AT_RATES_ONLY:
            continue
        count = int(SAT_PREBUILT_PER_SECOND[kind] * sizes.saturation_seconds)
        raw, tag, first = phases.requests(op, count, port)
        phases.settle()
        drained(port)
        result = load.saturate("127.0.0.1", port, raw, sizes.saturation_clients, sizes.saturation_seconds)
        errors = phases.failures(op, result, tag, first) if kind == "serve" else result.errors
        rows.append(_cell(server, op, "saturation", result, errors))
        rows[-1].load_avg = os.getloadavg()[0]
    return rows


def run_ack(
    database_url: str,
    db: Database,
    sizes: Sizes,
    seeded: Seeded,
    slack: FakeSlack,
    run: int,
    ops: tuple[str, ...] = OPS,
    floors: tuple[str, ...] = ("bare", "insert"),
) -> AckResult:
    """serve (every operation), then the bare floor and the insert floor (a slash command each), each served in
    `serve`'s shape for this database (one process on SQLite, two on PostgreSQL; 8 threads each)."""
    env = app_env(database_url, f"{slack.root}/api/")
    phases = _Phases(sizes, seeded, db, slack, run)
    workers = workers_for(database_url)
    port = free_port()
    served = Served(serve_argv(port, workers, THREADS), env, port)
    try:
        rows = _drive("serve", ops, port, phases, sizes, "serve")
        served.check_alive()
        rss_max, rss_total = served.peak_rss()
    finally:
        served.stop()
    for floor in floors:
        port = free_port()
        argv = floor_argv(floor, port, workers, THREADS, f"{slack.root}/api/", database_url)
        served = Served(argv, env, port)
        try:
            rows += _drive(f"floor: {floor}", ("ack",), port, phases, sizes, "floor")
            served.check_alive()
        finally:
            served.stop()
    return AckResult(rows, rss_max, rss_total, workers)
