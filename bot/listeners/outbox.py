"""Messages a listener wants sent after its answer: queued in the context, sent by a lazy listener, claimed once."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.cards import Message
from bot.deps import Deps
from bot.services import outbound

log = logging.getLogger(__name__)
OUTBOX_KEY = "followthrough_outbox"


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
    """Lazy listener: claim, send and mark each queued message."""
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
