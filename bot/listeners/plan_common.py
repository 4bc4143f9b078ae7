"""What the planning listeners share: who is acting, answering, checking people, and cards updated after the ack."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient
from sqlmodel import Session

from bot.blocks.cards import Message
from bot.deps import Deps
from bot.listeners import outbox
from bot.services.common import Actor
from bot.services.plan_lookup import check_people

log = logging.getLogger(__name__)
CARD_UPDATES_KEY = "followthrough_plan_card_updates"
HOME_REFRESH_KEY = "followthrough_plan_home_refresh"


@dataclass
class Call:
    """One slash command: who, where, the words after the verb."""

    deps: Deps
    actor: Actor
    client: WebClient
    context: BoltContext
    command: dict[str, Any]
    rest: str
    today: date


def reply(ack: Ack, message: Message) -> None:
    """Answer the command ephemerally."""
    ack(text=message.text, blocks=message.blocks, response_type="ephemeral")


def run_verb(
    ack: Ack,
    handler: Callable[[Call], Message | None],
    command: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    actor: Actor,
    rest: str,
) -> None:
    """Run one verb's handler and answer with what it says (nothing: it answered, or opened a modal)."""
    deps = Deps.of(context)
    message = handler(Call(deps, actor, client, context, command, rest, actor.today(deps.clock)))
    if message is None:
        ack()
    else:
        reply(ack, message)


def check_named(deps: Deps, client: WebClient, team_id: str, named: list[tuple[str, str | None]]) -> None:
    """Refuse bots, deactivated people and strangers in the roles named."""
    roles = [(role, uid) for role, uid in named if uid]
    if roles:
        check_people(roles, deps.directory.resolve(client, team_id, [uid for _, uid in roles]))


def past_warning(due: date | None, phrase: str | None, today: date, what: str) -> list[str]:
    """A date in the past is kept, with a word about it."""
    if due is not None and due < today:
        return [f"{phrase or due.isoformat()} is in the past; I kept it, so {what} shows as late."]
    return []


def dm(
    context: BoltContext,
    *,
    team_id: str,
    to: str,
    kind: str,
    slot: str,
    message: Message,
    session: Session | None = None,
) -> None:
    """Send a DM after the answer (claimed once per kind and slot)."""
    outbox.queue(context, team_id=team_id, to=to, kind=kind, slot=slot, message=message, session=session)


def queue_card_update(
    context: BoltContext, *, channel: str | None, ts: str | None, response_url: str | None, message: Message
) -> None:
    """Replace a card after the answer: a posted message by chat.update, an ephemeral one through its response_url."""
    updates: list[dict[str, Any]] = context.get(CARD_UPDATES_KEY) or []
    updates.append(
        {"channel": channel, "ts": ts, "response_url": response_url, "text": message.text, "blocks": message.blocks}
    )
    context[CARD_UPDATES_KEY] = updates


def queue_home_refresh(context: BoltContext, *, team_id: str, user_id: str) -> None:
    """Redraw this person's Home tab after the answer (a click there has no message to replace)."""
    context[HOME_REFRESH_KEY] = {"team_id": team_id, "user_id": user_id}


def refresh_home(context: BoltContext, client: WebClient) -> None:
    """Lazy listener: republish the Home tab asked for by queue_home_refresh."""
    wanted = context.get(HOME_REFRESH_KEY)
    if not wanted:
        return
    from bot.listeners.home import publish  # the Home tab's own builder

    deps = Deps.of(context)
    try:
        publish(client, deps, deps.actor(client, wanted["team_id"], wanted["user_id"], None, private=True))
    except SlackApiError as exc:
        log.warning("home tab not refreshed: %s", exc.response.get("error"))


def update_cards(context: BoltContext, client: WebClient) -> None:
    """Lazy listener: apply the queued card updates (best effort; a failure is logged)."""
    for u in context.get(CARD_UPDATES_KEY) or []:
        try:
            if u["channel"] and u["ts"]:
                client.chat_update(channel=u["channel"], ts=u["ts"], text=u["text"], blocks=u["blocks"])
            elif u["response_url"]:
                WebhookClient(u["response_url"], timeout=5).send_dict(
                    {"text": u["text"], "blocks": u["blocks"], "replace_original": True}
                )
        except SlackApiError as exc:
            log.warning("review card not updated: %s", exc.response.get("error"))
