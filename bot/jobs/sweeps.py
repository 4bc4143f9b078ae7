"""The scheduled duties, as plain functions: APScheduler calls them every minute, `tick` calls them once."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from bot.jobs.alerts import run_alerts
from bot.jobs.digests import run_digests
from bot.jobs.held import HeldCaptures
from bot.jobs.morning import run_morning
from bot.jobs.runtime import Runtime
from bot.services import outbound
from bot.slack.delivery import Delivery
from bot.slack.sender import SendReport

log = logging.getLogger(__name__)
_RUNTIME: Runtime | None = None


@dataclass
class TickReport:
    """What one pass sent, by duty."""

    reports: dict[str, SendReport] = field(default_factory=dict)

    def summary(self) -> str:
        """`morning: 3 sent, 1 already sent · …`."""
        parts = []
        for name, r in self.reports.items():
            bits = [f"{len(r.sent)} sent"]
            if r.already_claimed:
                bits.append(f"{len(r.already_claimed)} already claimed")
            if r.gone:
                bits.append(f"{len(r.gone)} undeliverable")
            if r.failed:
                bits.append(f"{len(r.failed)} failed (retried later)")
            parts.append(f"{name}: {', '.join(bits)}")
        return " · ".join(parts)


def run_all(rt: Runtime) -> TickReport:
    """Every duty once, for the runtime's clock."""
    report = TickReport()
    report.reports["morning DMs"] = run_morning(rt)
    report.reports["milestone alerts"] = run_alerts(rt)
    report.reports["digests"] = run_digests(rt)
    report.reports["held captures"] = run_held_captures(rt)
    report.reports["queued messages"] = run_queued(rt)
    return report


def run_queued(rt: Runtime) -> SendReport:
    """Messages queued after answers that no sender took within a minute (a sender that stopped), and sends left
    unmarked by a crash or failed 5 minutes ago (at most 5 attempts)."""
    delivery = Delivery(rt.db, rt.clock, rt.client_for)
    return delivery.drain(queued_before=rt.clock.now() - outbound.QUEUED_BY_SWEEP_AFTER, retry_stale=True)


# A capture held before its answer is written right after it (by the answering process, or by `serve`'s sender);
# one still held after this is the sweep's: a process that died before writing it, a write that failed.
HELD_CAPTURES_AFTER = timedelta(minutes=1)


def run_held_captures(rt: Runtime) -> SendReport:
    """Captures held before an answer and not written within a minute: written now, once, and confirmed."""
    slots = HeldCaptures(rt).write(held_for=HELD_CAPTURES_AFTER)
    return Delivery(rt.db, rt.clock, rt.client_for).deliver_slots(slots)


def install(rt: Runtime) -> None:
    """Make `rt` the runtime the scheduler's textual job references use."""
    global _RUNTIME
    _RUNTIME = rt


def minute_job() -> None:
    """APScheduler entry point (referenced as "bot.jobs.sweeps:minute_job")."""
    if _RUNTIME is None:
        raise RuntimeError("install(runtime) before starting the scheduler")
    report = run_all(_RUNTIME)
    if any(r.sent or r.failed or r.gone for r in report.reports.values()):
        log.info("sweep: %s", report.summary())
