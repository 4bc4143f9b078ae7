"""How a listener leaves work for after its answer, and queues messages in the outbox."""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient
from sqlmodel import Session

from bot.blocks.cards import Message
from bot.deps import Deps
from storage.repositories import outbox
from storage.repositories.outbox import payload_of

log = logging.getLogger(__name__)
# Two threads: enough that one slow Slack call (a Home tab publish) does not hold up the rest, few enough that the
# request threads, which have Slack's 3-second deadline, get most of the interpreter.
_AFTER_ANSWER = ThreadPoolExecutor(max_workers=2, thread_name_prefix="after-answer")
Job = Callable[[BoltContext, WebClient], None]


def after_answer(handler: Callable[..., None], *jobs: Job, when: Sequence[str]) -> Callable[..., None]:
    """`handler`, then `jobs(context, client)` in a background thread once the answer has left."""
    # Work under one of the `when` context keys. The one way this app defers in-process work (not Bolt's lazy
    # listeners, which copy the whole request and start a thread for every request).

    @functools.wraps(handler)  # Bolt reads the wrapped handler's parameters to know what to pass
    def run(**kwargs: Any) -> None:
        handler(**kwargs)
        context = kwargs["context"]
        client = kwargs.get("client") or context.client
        if any(context.get(key) for key in when):
            with _idle:
                _pending[0] += 1
            _AFTER_ANSWER.submit(_run_jobs, jobs, context, client)

    return run


# Jobs submitted and not yet finished, for `wait_idle`.
_pending = [0]
_idle = threading.Condition()


def finish_pending() -> None:
    """Wait for every job left after an answer, and take no more: for a process that is about to end."""
    _AFTER_ANSWER.shutdown(wait=True)


def wait_idle(timeout: float = 10.0) -> bool:
    """Wait until no job left after an answer is waiting or running (False after `timeout`)."""
    # What the simulator does after each request, before it drains the outbox.
    with _idle:
        return _idle.wait_for(lambda: _pending[0] == 0, timeout)


def _run_jobs(jobs: Sequence[Job], context: BoltContext, client: WebClient) -> None:
    try:
        for job in jobs:
            try:
                job(context, client)
            except Exception:  # noqa: BLE001 - a background job has nobody to raise to; the answer is already sent
                log.exception("%s failed after the answer", getattr(job, "__name__", job))
    finally:
        with _idle:
            _pending[0] -= 1
            _idle.notify_all()


def queue(
    context: BoltContext,
    *,
    team_id: str,
    to: str,
    kind: str,
    slot: str,
    message: Message,
    thread_ts: str | None = None,
    ephemeral_user: str | None = None,
    session: Session | None = None,
) -> bool:
    """Queue `message` for `to` (a channel, or a user for their DM) once per (kind, slot)."""
    # `session`'s transaction (it goes out if and only if that commits), or in one of its own. With `ephemeral_user`,
    # only that person sees it, in channel `to`.
    payload = payload_of(text=message.text, blocks=message.blocks, thread_ts=thread_ts, ephemeral_user=ephemeral_user)
    deps = Deps.of(context)
    if session is not None:
        return outbox.enqueue(
            session, deps.clock.now(), team_id=team_id, recipient=to, kind=kind, slot=slot, payload=payload
        )
    with deps.db.session() as own:
        return outbox.enqueue(
            own, deps.clock.now(), team_id=team_id, recipient=to, kind=kind, slot=slot, payload=payload
        )


def queue_redraw(
    context: BoltContext, session: Session, *, team_id: str, body: dict[str, Any], message: Message
) -> None:
    """Redraw the clicked message through its response_url, queued in `session`'s transaction."""
    action = (body.get("actions") or [{}])[0]
    container = body.get("container") or {}
    slot = f"{container.get('message_ts', '')}:{action.get('action_ts') or body.get('trigger_id', '')}"[:64]
    payload = payload_of(text=message.text, blocks=message.blocks, response_url=body["response_url"])
    outbox.enqueue(
        session,
        Deps.of(context).clock.now(),
        team_id=team_id,
        recipient=str(container.get("channel_id") or ""),
        kind="redraw",
        slot=slot,
        payload=payload,
    )
