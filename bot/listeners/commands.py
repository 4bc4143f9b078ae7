"""Slash commands: parse, call one service, answer ephemerally with blocks."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.blocks import cards
from bot.capture.commands import GrammarError, parse_options
from bot.capture.text import mentions
from bot.deps import Deps
from bot.errors import BadInput
from bot.services import action_items
from bot.services.action_items import check_owners
from bot.services.common import channel_is_private

ADD_KEYWORDS = frozenset({"by", "due", "on", "for"})
HANDLED_COMMANDS = ("/action",)


def register(app: App) -> None:
    """Attach the slash-command listeners."""
    handlers = {"/action": handle_action}
    for command in HANDLED_COMMANDS:
        app.command(command)(handlers[command])


def _reply(ack: Ack, message: cards.Message) -> None:
    ack(text=message.text, blocks=message.blocks, response_type="ephemeral")


def handle_action(ack: Ack, command: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    """`/action <verb> ...`."""
    deps = Deps.of(context)
    text = (command.get("text") or "").strip()
    verb, _, rest = text.partition(" ")
    verb = verb.lower()
    if verb in ("", "help"):
        _reply(ack, cards.usage())
        return
    channel_id = command.get("channel_id")
    actor = deps.actor(
        client,
        command["team_id"],
        command["user_id"],
        channel_id,
        private=channel_is_private(channel_id, command.get("channel_name")),
    )
    today = actor.today(deps.clock)
    if verb == "add":
        try:
            parsed = parse_options(rest, today=today, keywords=ADD_KEYWORDS)
        except GrammarError as exc:
            raise BadInput(exc.message) from None
        owners = parsed.mentions
        if owners:
            check_owners(owners, deps.directory.resolve(client, actor.team_id, owners))
        warnings = []
        if parsed.due and parsed.due.day < today:
            warnings.append(f"{parsed.due_phrase} is in the past; I kept it, so the item shows as overdue.")
        with deps.db.session() as session:
            items = action_items.add_items(
                session,
                deps.clock,
                actor,
                title=parsed.title,
                owners=owners,
                due=parsed.due,
                deliverable_key=parsed.for_key,
            )
        _reply(ack, cards.added(items, viewer=actor.user_id, today=today, warnings=warnings))
    elif verb == "list":
        scope, user = _list_scope(rest, channel_id)
        with deps.db.session(readonly=True) as session:
            result = action_items.list_items(session, deps.clock, actor, scope=scope, user=user)
        _reply(
            ack,
            cards.item_list(result, viewer=actor.user_id, today=today, channel_id=channel_id, user_id=user),
        )
    elif verb == "done":
        keys = rest.replace(",", " ").split()
        if not keys:
            raise BadInput("Which item? Try `/action done A-12`.")
        with deps.db.session() as session:
            done = [action_items.complete(session, deps.clock, actor, key) for key in keys]
        messages = [cards.completed(item, today=today) for item in done]
        _reply(
            ack, cards.Message(text=" ".join(m.text for m in messages), blocks=[b for m in messages for b in m.blocks])
        )
    else:
        raise BadInput(
            f"I don't know `/action {verb}`. Try `/action add`, `/action list` or `/action done` — or `/action help`."
        )


def _list_scope(rest: str, channel_id: str | None) -> tuple[str, str | None]:
    word = rest.strip().lower()
    ids = mentions(rest)
    if ids:
        return "user", ids[0]
    if word in ("", "open", "all"):
        return ("mine", None) if not channel_id or channel_id.startswith("D") else ("channel", None)
    if word in ("mine", "me", "my"):
        return "mine", None
    if word in ("overdue", "late"):
        return "overdue", None
    if word in ("week", "this week"):
        return "week", None
    if word == "done":
        return "done", None
    raise BadInput(
        f'I can\'t list "{rest.strip()}". Try `/action list`, `mine`, `@someone`, `overdue`, `week` or `done`.'
    )
