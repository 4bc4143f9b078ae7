"""Captures held before their answers (bot/listeners/events.py), written outside the request: by `serve`'s sender
process as they come, and by the scheduler's sweep when one is still held a minute later."""

from __future__ import annotations

import logging
from datetime import timedelta

from slack_bolt import BoltContext

from bot.deps import CONTEXT_KEY, Deps
from bot.jobs.runtime import Runtime
from bot.listeners import events, outbox
from bot.services import capture
from bot.slack.directory import PeopleDirectory

log = logging.getLogger(__name__)
# One held longer than this is left, and logged, so that a capture that can never be written does not keep the
# others waiting (nothing is deleted: it stays where it is held for a person to look at).
GIVEN_UP_AFTER = timedelta(days=1)


class HeldCaptures:
    """Writes held captures once each (a capture another writer took first is skipped): items, audit rows, and
    the confirmation and DMs queued for the sender."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        # One directory for the process's life: the people it read stay cached between passes.
        self.deps = Deps(
            settings=rt.settings,
            db=rt.db,
            clock=rt.clock,
            directory=PeopleDirectory(rt.db, rt.clock),
            sends_own_messages=False,
        )

    def write(self, *, held_for: timedelta = timedelta(0), limit: int = 100) -> list[dict[str, str]]:
        """Write up to `limit` captures held for at least `held_for`, oldest first; the queued messages' slots."""
        now = self.rt.clock.now()
        store = self.rt.db.held
        if store is not None:
            waiting = store.waiting(now - held_for, since=now - GIVEN_UP_AFTER, limit=limit)
        else:
            with self.rt.db.session(readonly=True) as session:
                waiting = capture.held_before(session, now - held_for, since=now - GIVEN_UP_AFTER, limit=limit)
        slots: list[dict[str, str]] = []
        written: list[tuple[str, str]] = []
        try:
            for team_id, event_id in waiting:
                client = self.rt.client_for(team_id)
                held = events.held_capture(self.deps, team_id, event_id) if client is not None else None
                if client is None or held is None:
                    continue  # not installed (kept for when it is), or written meanwhile
                context = BoltContext({CONTEXT_KEY: self.deps})
                try:
                    events.capture_held(self.deps, client, context, held, release=False)
                except Exception:  # noqa: BLE001 - one capture that cannot be written must not stop the others
                    log.exception("held capture %s of %s not written; tried again later", event_id, team_id)
                    continue
                written.append((team_id, event_id))
                slots += context.get(outbox.STORED_KEY) or []
        finally:
            # Held in a file of their own (SQLite): let go of in one transaction, not one each — each was a wait
            # for the answers holding the next ones. One left behind by a crash is found written, and let go of.
            if store is not None:
                store.release(*written)
        return slots
