"""The scheduled duties, as plain functions: APScheduler calls them every minute, `tick` calls them once."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bot import capture_flow
from bot.deps import Deps
from bot.jobs.alerts import run_alerts
from bot.jobs.before_due import run_before_due
from bot.jobs.digests import run_digests
from bot.jobs.morning import run_morning
from bot.jobs.runtime import Runtime
from bot.slack.directory import PeopleDirectory
from bot.slack.drainer import SendReport

log = logging.getLogger(__name__)
_RUNTIME: Runtime | None = None


@dataclass
class TickReport:
    """What one pass queued, by duty, and what the drain after it sent."""

    queued: dict[str, int] = field(default_factory=dict)
    sent: SendReport = field(default_factory=SendReport)

    def summary(self) -> str:
        """`morning DMs: 3 queued · … · sent 5, 1 undeliverable`."""
        parts = [f"{name}: {n} queued" for name, n in self.queued.items()]
        r = self.sent
        bits = [f"sent {len(r.sent)}"]
        if r.gone:
            bits.append(f"{len(r.gone)} undeliverable")
        if r.failed:
            bits.append(f"{len(r.failed)} failed (retried later)")
        return " · ".join([*parts, ", ".join(bits)])

    def in_words(self) -> str:
        """What a person at the console reads: only what happened (`2 morning DMs queued, 2 sent`)."""
        done = [f"{n} {name}" for name, n in self.queued.items() if n]
        r = self.sent
        sent = [f"{len(r.sent)} sent"] if r.sent else []
        sent += [f"{len(r.gone)} undeliverable"] if r.gone else []
        sent += [f"{len(r.failed)} failed (retried later)"] if r.failed else []
        if not done and not sent:
            return "nothing was due"
        return " · ".join([*([", ".join(done) + " queued"] if done else []), *sent])

    @property
    def active(self) -> bool:
        """True when the pass queued or sent anything."""
        return any(self.queued.values()) or bool(self.sent.sent or self.sent.gone or self.sent.failed)


def queue_all(rt: Runtime) -> TickReport:
    """Every duty once, for the runtime's clock: what is due is queued in the outbox (the drainer sends it)."""
    report = TickReport()
    report.queued["morning DMs"] = run_morning(rt)
    report.queued["before-due reminders"] = run_before_due(rt)
    report.queued["milestone alerts"] = run_alerts(rt)
    report.queued["digests"] = run_digests(rt)
    report.queued["held captures"] = run_held_captures(rt)
    return report


def run_all(rt: Runtime) -> TickReport:
    """Every duty once, then everything ready in the outbox sent (what `tick` does)."""
    report = queue_all(rt)
    report.sent = rt.drainer.drain()
    return report


def run_held_captures(rt: Runtime) -> int:
    """Write the captures still held after a minute (a crash, a failed write); how many were written."""
    # Written now, each once, a failing one tried again after a growing pause; given up after a day. Returns how many
    # were written.
    capture_flow.give_up_old(rt.db, rt.clock)
    ready = capture_flow.ready_for_sweep(rt.db, rt.clock)
    if not ready:
        return 0
    deps = Deps(settings=rt.settings, db=rt.db, clock=rt.clock, directory=PeopleDirectory(rt.db, rt.clock))
    written = 0
    for team_id, event_id in ready:
        client = rt.client_for(team_id)
        held = capture_flow.read_held(rt.db, team_id, event_id)
        if client is None or held is None:
            continue  # not installed (kept for when it is), or written meanwhile
        actor = deps.author(client, team_id, held.said)
        try:
            written += capture_flow.write(rt.db, rt.clock, held, actor, deps.lookups(client, team_id, held.said))
        except Exception:  # noqa: BLE001 - one capture that cannot be written must not stop the others
            log.exception("held capture %s of %s not written; tried again later", event_id, team_id)
    return written


def install(rt: Runtime) -> None:
    """Make `rt` the runtime the scheduler's textual job references use."""
    global _RUNTIME
    _RUNTIME = rt


def minute_job() -> None:
    """APScheduler entry point ("bot.jobs.sweeps:minute_job"): queue what is due."""
    # Queue what is due; the drainer thread, woken by the commits, sends it.
    if _RUNTIME is None:
        raise RuntimeError("install(runtime) before starting the scheduler")
    report = queue_all(_RUNTIME)
    if report.active:
        log.info("sweep: %s", report.summary())
