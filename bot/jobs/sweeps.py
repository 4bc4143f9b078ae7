"""The scheduled duties, as plain functions: APScheduler calls them every minute, `tick` calls them once."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bot.jobs.alerts import run_alerts
from bot.jobs.digests import run_digests
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
    report.reports["queued messages"] = run_queued(rt)
    return report


def run_queued(rt: Runtime) -> SendReport:
    """Messages queued after answers that no sender took within a minute (a sender that stopped), and sends left
    unmarked by a crash or failed 5 minutes ago (at most 5 attempts)."""
    delivery = Delivery(rt.db, rt.clock, rt.client_for)
    return delivery.drain(queued_before=rt.clock.now() - outbound.QUEUED_BY_SWEEP_AFTER, retry_stale=True)


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
