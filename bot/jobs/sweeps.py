"""The scheduled duties, as plain functions: APScheduler calls them every minute, `tick` calls them once."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from slack_bolt import BoltContext

from bot.deps import CONTEXT_KEY, Deps
from bot.jobs.alerts import run_alerts
from bot.jobs.digests import run_digests
from bot.jobs.morning import run_morning
from bot.jobs.runtime import Runtime
from bot.listeners import events, outbox
from bot.services import capture, outbound
from bot.slack.delivery import Delivery
from bot.slack.directory import PeopleDirectory
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


# A capture held before its answer is written right after it; one still held after this is the sweep's (a worker
# that died before writing it, a write that failed). One held longer than a day is left, and logged, so that a
# capture that can never be written does not keep the others waiting.
HELD_CAPTURES_AFTER = timedelta(minutes=1)
HELD_CAPTURES_GIVEN_UP_AFTER = timedelta(days=1)


def run_held_captures(rt: Runtime) -> SendReport:
    """Captures held before an answer and not written within a minute: written now, once, and confirmed."""
    now = rt.clock.now()
    with rt.db.session(readonly=True) as session:
        waiting = capture.held_before(session, now - HELD_CAPTURES_AFTER, since=now - HELD_CAPTURES_GIVEN_UP_AFTER)
    deps = Deps(
        settings=rt.settings,
        db=rt.db,
        clock=rt.clock,
        directory=PeopleDirectory(rt.db, rt.clock),
        sends_own_messages=False,
    )
    slots: list[dict[str, str]] = []
    for team_id, event_id in waiting:
        client = rt.client_for(team_id)
        held = events.held_capture(deps, team_id, event_id) if client is not None else None
        if client is None or held is None:
            continue  # not installed (kept for when it is), or written meanwhile
        context = BoltContext({CONTEXT_KEY: deps})
        try:
            events.capture_held(deps, client, context, held)
        except Exception:  # noqa: BLE001 - one capture that cannot be written must not stop the others
            log.exception("held capture %s of %s not written; retried at the next sweep", event_id, team_id)
            continue
        slots += context.get(outbox.STORED_KEY) or []
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
