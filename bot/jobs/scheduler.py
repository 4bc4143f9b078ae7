"""`followthrough scheduler`: APScheduler 3.x with a memory job store; the database decides what is due."""

from __future__ import annotations

import logging
import signal
from types import FrameType

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from bot.jobs import sweeps
from bot.jobs.runtime import Runtime

log = logging.getLogger(__name__)
SWEEP_SECONDS = 60
# A sweep more than 50 s late is dropped: the next one, a few seconds away, sends everything still due
# (claims are per day or slot, not per run), so nothing is lost and runs never pile up.
MISFIRE_GRACE_SECONDS = 50


def build_scheduler(rt: Runtime, *, background: bool = False) -> BaseScheduler:
    """One periodic job; several scheduler processes may run, the claims keep each send single."""
    sweeps.install(rt)
    kind = BackgroundScheduler if background else BlockingScheduler
    scheduler = kind(
        jobstores={"default": MemoryJobStore()},
        executors={"default": ThreadPoolExecutor(max_workers=2)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE_SECONDS},
        timezone="UTC",
    )
    scheduler.add_job(
        "bot.jobs.sweeps:minute_job",
        "interval",
        seconds=SWEEP_SECONDS,
        id="minute-sweep",
        name="morning DMs, milestone alerts and digests",
        replace_existing=True,
        next_run_time=rt.clock.now(),
    )
    return scheduler


def run_scheduler(rt: Runtime) -> None:
    """Block until SIGTERM/SIGINT; a sweep in progress finishes (its claimed sends are marked) before exit."""
    scheduler = build_scheduler(rt)

    def stop(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s: finishing the current sweep, then stopping", signum)
        scheduler.shutdown(wait=True)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("scheduler started: a sweep every %s s", SWEEP_SECONDS)
    rt.drainer.start()
    try:
        scheduler.start()
    finally:
        rt.drainer.stop()
