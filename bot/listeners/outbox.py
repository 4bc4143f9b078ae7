"""Messages a listener wants sent after its answer: queued in the context, sent by a lazy listener, claimed once."""

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
from bot.services import outbound
from bot.slack import delivery

log = logging.getLogger(__name__)
OUTBOX_KEY = "followthrough_outbox"  # messages a listener left in its context, queued after the answer
STORED_KEY = "followthrough_stored"  # messages a listener queued in its own transaction
# Two threads: enough that one slow Slack call does not hold up every confirmation, few enough that under a burst
# the request threads, which have Slack's 3-second deadline, get most of the interpreter (confirmations then lag).
_AFTER_ANSWER = ThreadPoolExecutor(max_workers=2, thread_name_prefix="after-answer")
Job = Callable[[BoltContext, WebClient], None]


def after_answer(handler: Callable[..., None], *jobs: Job, when: Sequence[str] = (OUTBOX_KEY,)) -> Callable[..., None]:
    """`handler`, then `jobs(context, client)` in a background thread once it returned — only when it left work
    under one of the `when` context keys (or, when this process sends its own messages, queued some in its
    transaction).

    What Bolt's lazy listeners do, without their cost on every request: Bolt copies the whole request (parsing the
    body again and deep-copying the context) and starts a thread for each lazy function before the answer leaves,
    even when there is nothing to send — about a quarter of an `/action list` (docs/benchmarks.md).
    """

    @functools.wraps(handler)  # Bolt reads the wrapped handler's parameters to know what to pass
    def run(**kwargs: Any) -> None:
        handler(**kwargs)
        context, client = kwargs["context"], kwargs["client"]
        stored = context.get(STORED_KEY) and Deps.of(context).sends_own_messages
        if stored or any(context.get(key) for key in when):
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


# Past this many jobs waiting or running in a process, a listener that could leave its work for after the answer
# does it before (a Done click): under overload the answers slow down instead of a backlog growing in memory.
BACKLOG_LIMIT = 32


def backlogged() -> bool:
    """True when the after-answer pool has BACKLOG_LIMIT or more jobs waiting or running."""
    return _pending[0] >= BACKLOG_LIMIT


def wait_idle(timeout: float = 10.0) -> bool:
    """Wait until no job left after an answer is waiting or running (False if `timeout` passed first): what the
    simulator does after each request, so a click's effect is there when the next step looks."""
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
) -> None:
    """Ask for `message` to be posted to `to` (a channel, or a user id for their DM) once per (kind, slot).

    With `ephemeral_user`, only that person sees it, in channel `to`. With `session`, it is queued in the database
    in that transaction (it goes out if and only if the transaction commits); otherwise `flush` queues it after
    the answer.
    """
    payload = delivery.payload_of(
        text=message.text, blocks=message.blocks, thread_ts=thread_ts, ephemeral_user=ephemeral_user
    )
    slot_keys = {"team_id": team_id, "recipient": to, "kind": kind, "slot": slot}
    if session is not None:
        if outbound.enqueue(session, Deps.of(context).clock, **slot_keys, payload=payload):
            context[STORED_KEY] = [*(context.get(STORED_KEY) or []), slot_keys]
        return
    context[OUTBOX_KEY] = [*(context.get(OUTBOX_KEY) or []), (slot_keys, payload)]


def pending(
    context: BoltContext,
    *,
    team_id: str,
    to: str,
    kind: str,
    slot: str,
    message: Message,
    thread_ts: str | None = None,
) -> dict[str, Any]:
    """The outbound row that would queue `message` — for an insert made with the items it names
    (`action_items.insert_planned`), then noted with `stored`."""
    payload = delivery.payload_of(text=message.text, blocks=message.blocks, thread_ts=thread_ts)
    clock = Deps.of(context).clock
    return outbound.queued_row(clock, team_id=team_id, recipient=to, kind=kind, slot=slot, payload=payload)


def stored(context: BoltContext, rows: Sequence[dict[str, Any]], fill: Callable[[str], str] = str) -> None:
    """Note outbound rows this request inserted itself (`fill` puts the keys into their slots), so that `flush`
    sends them when this process sends its own messages."""
    slots = [{k: fill(str(row[k])) for k in ("team_id", "recipient", "kind", "slot")} for row in rows]
    context[STORED_KEY] = [*(context.get(STORED_KEY) or []), *slots]


def queue_redraw(
    context: BoltContext, session: Session, *, team_id: str, body: dict[str, Any], message: Message
) -> None:
    """Redraw the clicked message through its response_url, queued in `session`'s transaction."""
    action = (body.get("actions") or [{}])[0]
    container = body.get("container") or {}
    slot = f"{container.get('message_ts', '')}:{action.get('action_ts') or body.get('trigger_id', '')}"[:64]
    slot_keys = {
        "team_id": team_id,
        "recipient": str(container.get("channel_id") or ""),
        "kind": "redraw",
        "slot": slot,
    }
    payload = delivery.payload_of(text=message.text, blocks=message.blocks, response_url=body["response_url"])
    if outbound.enqueue(session, Deps.of(context).clock, **slot_keys, payload=payload):
        context[STORED_KEY] = [*(context.get(STORED_KEY) or []), slot_keys]


def flush(context: BoltContext, client: WebClient) -> None:
    """After the answer (or as a Bolt lazy listener): queue what the listener left in its context, then — when this
    process sends its own messages — send everything this request queued; otherwise the sender process does."""
    deps = Deps.of(context)
    stored: list[dict[str, str]] = list(context.get(STORED_KEY) or [])
    box: list[tuple[dict[str, str], dict[str, Any]]] = context.get(OUTBOX_KEY) or []
    if box:
        with deps.db.session() as session:
            stored += [keys for keys, payload in box if outbound.enqueue(session, deps.clock, **keys, payload=payload)]
    if deps.sends_own_messages and stored:
        delivery.Delivery(deps.db, deps.clock, lambda _team: client).deliver_slots(stored)
