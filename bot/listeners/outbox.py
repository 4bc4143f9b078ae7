"""Messages a listener wants sent after its answer: queued in the context, sent by a lazy listener, claimed once."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.cards import Message
from bot.deps import Deps
from bot.services import outbound

log = logging.getLogger(__name__)
OUTBOX_KEY = "followthrough_outbox"
# Two threads: enough that one slow Slack call does not hold up every confirmation, few enough that under a burst
# the request threads, which have Slack's 3-second deadline, get most of the interpreter (confirmations then lag).
_AFTER_ANSWER = ThreadPoolExecutor(max_workers=2, thread_name_prefix="after-answer")
Job = Callable[[BoltContext, WebClient], None]


def after_answer(handler: Callable[..., None], *jobs: Job, when: Sequence[str] = (OUTBOX_KEY,)) -> Callable[..., None]:
    """`handler`, then `jobs(context, client)` in a background thread once it returned — only when it left work
    under one of the `when` context keys.

    What Bolt's lazy listeners do, without their cost on every request: Bolt copies the whole request (parsing the
    body again and deep-copying the context) and starts a thread for each lazy function before the answer leaves,
    even when there is nothing to send — about a quarter of an `/action list` (docs/benchmarks.md).
    """

    @functools.wraps(handler)  # Bolt reads the wrapped handler's parameters to know what to pass
    def run(**kwargs: Any) -> None:
        handler(**kwargs)
        context, client = kwargs["context"], kwargs["client"]
        if any(context.get(key) for key in when):
            _AFTER_ANSWER.submit(_run_jobs, jobs, context, client)

    return run


def finish_pending() -> None:
    """Wait for every job left after an answer, and take no more: for a process that is about to end."""
    _AFTER_ANSWER.shutdown(wait=True)


def _run_jobs(jobs: Sequence[Job], context: BoltContext, client: WebClient) -> None:
    for job in jobs:
        try:
            job(context, client)
        except Exception:  # noqa: BLE001 - a background job has nobody to raise to; the answer is already sent
            log.exception("%s failed after the answer", getattr(job, "__name__", job))


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
) -> None:
    """Ask for `message` to be posted to `to` (a channel, or a user id for their DM) once per (kind, slot).

    With `ephemeral_user`, only that person sees it, in channel `to`.
    """
    box: list[dict[str, Any]] = context.get(OUTBOX_KEY) or []
    box.append(
        {
            "team_id": team_id,
            "to": to,
            "kind": kind,
            "slot": slot,
            "thread_ts": thread_ts,
            "text": message.text,
            "blocks": message.blocks,
            "ephemeral_user": ephemeral_user,
        }
    )
    context[OUTBOX_KEY] = box


def flush(context: BoltContext, client: WebClient) -> None:
    """After the answer (or as a Bolt lazy listener): claim, send and mark each queued message."""
    box: list[dict[str, Any]] = context.get(OUTBOX_KEY) or []
    if not box:
        return
    deps = Deps.of(context)
    for msg in box:
        slot = {"team_id": msg["team_id"], "recipient": msg["to"], "kind": msg["kind"], "slot": msg["slot"]}
        with deps.db.session() as session:
            if not outbound.claim(session, deps.clock, **slot):
                continue
        try:
            if msg.get("ephemeral_user"):
                client.chat_postEphemeral(
                    channel=msg["to"], user=msg["ephemeral_user"], text=msg["text"], blocks=msg["blocks"]
                )
            else:
                client.chat_postMessage(
                    channel=msg["to"],
                    text=msg["text"],
                    blocks=msg["blocks"],
                    thread_ts=msg["thread_ts"],
                    unfurl_links=False,
                )
        except SlackApiError as exc:
            error = str(exc.response.get("error"))
            log.warning("%s to %s not sent: %s", msg["kind"], msg["to"], error)
            with deps.db.session() as session:
                outbound.mark(session, deps.clock, **slot, sent=False, error=error)
            continue
        with deps.db.session() as session:
            outbound.mark(session, deps.clock, **slot, sent=True)
