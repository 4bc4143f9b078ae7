"""Correctness checks that hold on any machine (timings are reported, never checked): what fails a smoke run."""

from __future__ import annotations

from bench.report import DbRuns, constant_queries
from bench.sizes import Sizes


def check(results: list[DbRuns], sizes: Sizes) -> list[str]:
    """Zero errors on the ack path, every DM delivered once, constant query counts."""
    problems = []
    for d in results:
        for res in d.ack:
            for r in res.rows:
                # A timeout under overload is timing, not correctness; at the smoke rate it is a failure too.
                wrong = r.errors - r.timeouts
                slow = r.timeouts if r.load != "saturation" and int(r.load.removesuffix("/s")) <= 50 else 0
                if wrong or slow:
                    what = f"{r.errors} errors of {r.sent} ({r.timeouts} timeouts)"
                    problems.append(f"{d.kind}: {r.server} {r.op} at {r.load}: {what}")
                if r.sent == 0:
                    problems.append(f"{d.kind}: {r.server} {r.op} at {r.load}: nothing sent")
        for t in d.tick:
            if not constant_queries(t.queries):
                problems.append(f"{d.kind}: the morning sweep's query count changes with the people due: {t.queries}")
            if t.dms == 0:
                problems.append(f"{d.kind}: the morning sweep queued no DM")
        for p in d.plan:
            if (p.status_queries, p.digest_queries) != (p.status_queries_small, p.digest_queries_small):
                problems.append(f"{d.kind}: status/digest queries grow with items: {p}")
        for f in d.fanout:
            if f.dms < min(sizes.fanout_dms, 1):
                problems.append(f"{d.kind}: fan-out had no DMs")
            if f.delivered != f.dms or f.duplicates or f.failed or f.claims_sent != f.dms:
                problems.append(f"{d.kind}: fan-out dropped, doubled or failed DMs: {f}")
    return problems
