"""Modal submissions, validated in the modal (response_action: errors), and the deliverable picker's options."""

from __future__ import annotations

import json
from datetime import date, time
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks import cards
from bot.blocks.modals import state_value
from bot.capture.dates import DateError, ParsedDate, When
from bot.capture.keys import parse_key
from bot.capture.recurrence import Rule, parse_rule, starting
from bot.capture.text import quote
from bot.deps import Deps
from bot.errors import BadInput, DomainError
from bot.ids import ActionId, BlockId, CallbackId
from bot.listeners import outbox
from bot.listeners.notify import notify_assignees
from bot.listeners.settings import handle_settings_modal
from bot.services import action_items, capture, item_changes, settings
from bot.services.action_items import check_owners
from bot.services.common import Actor
from bot.services.lookup import deliverable_options

# A domain error's field, and the item form's block it is shown beside.
_FIELD_BLOCKS = {
    "title": BlockId.TITLE,
    "owners": BlockId.OWNERS,
    "due": BlockId.DUE_DATE,
    "deliverable": BlockId.DELIVERABLE,
    "repeat": BlockId.REPEAT_TEXT,
}
PERMALINK_KEY = "followthrough_permalink"  # items made from a message, to link to its permalink after the answer


def register(app: App) -> None:
    """Attach view_submission and options listeners."""
    app.view(CallbackId.ITEM_MODAL.value)(outbox.after_answer(handle_item_modal, link_permalink, when=(PERMALINK_KEY,)))
    app.view(CallbackId.SNOOZE_MODAL.value)(handle_snooze_modal)
    app.view(CallbackId.REASSIGN_MODAL.value)(handle_reassign_modal)
    app.view(CallbackId.SETTINGS_MODAL.value)(handle_settings_modal)
    app.options(ActionId.DELIVERABLE_PICK.value)(handle_deliverable_options)


def _meta(view: dict[str, Any]) -> dict[str, Any]:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _errors(ack: Ack, block_id: str, message: str) -> None:
    ack(response_action="errors", errors={block_id: message[:150]})


def _where_to_answer(actor: Actor) -> tuple[str, str | None]:
    """An ephemeral in the channel the form came from, else a DM."""
    if actor.channel and not actor.channel.startswith("D"):
        return actor.channel, actor.user_id
    return actor.user_id, None


def repeat_of(view: dict[str, Any], when: When, due: ParsedDate | None) -> Rule | None:
    """The form's Repeat: the typed rule, else the chosen one; refused on its field when it does not read."""
    typed = str(state_value(view, BlockId.REPEAT_TEXT).get("value") or "").strip()
    chosen = (state_value(view, BlockId.REPEAT).get("selected_option") or {}).get("value")
    said = typed or chosen
    if not said:
        return None
    words = said.split() if said.lower().startswith(("every", "each")) else ["every", *said.split()]
    try:
        found = parse_rule(words, when)
    except DateError:
        found = None
    if found is None or found[1] != len(words):
        raise BadInput(
            f'I couldn\'t read "{quote(said, 40)}" as a rule. Try "every Monday" or "every month on the 1st".',
            field="repeat",
        )
    rule = found[0]
    if due is None:
        return rule
    started = starting(rule, due)
    if started is None:
        raise BadInput(f"The due date isn't one of the days {rule.words} falls on.", field="repeat")
    return started


def handle_item_modal(ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient, actor: Actor) -> None:
    """Create (one item per owner) or save an edit; every problem is shown on its field."""
    deps, meta = Deps.of(context), _meta(view)
    title = str(state_value(view, BlockId.TITLE).get("value") or "").strip()
    owner_state = state_value(view, BlockId.OWNERS)
    owners = list(
        owner_state.get("selected_users")
        or ([owner_state["selected_user"]] if owner_state.get("selected_user") else [])
    )
    picked_date = state_value(view, BlockId.DUE_DATE).get("selected_date")
    picked_time = state_value(view, BlockId.DUE_TIME).get("selected_time")
    picked = (state_value(view, BlockId.DELIVERABLE).get("selected_option") or {}).get("value")
    if not title:
        return _errors(ack, BlockId.TITLE, "What needs doing? A title is required.")
    if picked_time and not picked_date:
        return _errors(ack, BlockId.DUE_DATE, "Pick a date for that time, or clear the time.")
    due_day = date.fromisoformat(picked_date) if picked_date else None
    due_at = time.fromisoformat(picked_time) if picked_time else None
    people = deps.directory.resolve(client, actor.team_id, owners)
    try:
        check_owners(owners, people)
    except DomainError as exc:
        return _errors(ack, BlockId.OWNERS, exc.message.replace("*", ""))
    deliverable_key = parse_key(picked) if picked else None
    today = actor.today(deps.clock)
    try:
        with deps.db.session() as session:
            if meta.get("mode") == "edit":
                change = item_changes.edit(
                    session,
                    deps.clock,
                    actor,
                    str(meta.get("key")),
                    title=title,
                    owner=owners[0] if owners else actor.user_id,
                    due_date=due_day,
                    due_time=due_at,
                    deliverable_key=deliverable_key,
                    people=people,
                )
                items, what = [change.item], f"{change.item.key} saved."
                newly_owned = items if change.previous_owner else []
            else:
                due = ParsedDate(due_day, due_at) if due_day else None
                rule = repeat_of(view, settings.reading_moment(session, deps.clock, actor), due)
                items = action_items.add_items(
                    session,
                    deps.clock,
                    actor,
                    title=title,
                    owners=owners,
                    due=due,
                    deliverable_key=deliverable_key,
                    source_channel=meta.get("source_channel"),
                    source_ts=meta.get("source_ts"),
                    recurrence=rule,
                )
                what, newly_owned = "", items
            notify_assignees(context, actor.team_id, newly_owned, by=actor.user_id, today=today, session=session)
    except DomainError as exc:
        block = _FIELD_BLOCKS.get(exc.field or "", BlockId.TITLE)
        return _errors(ack, block, exc.message.replace("`", ""))
    ack()
    to, ephemeral_user = _where_to_answer(actor)
    message = (
        cards.changed(items[0], viewer=actor.user_id, today=today, what=what)
        if what
        else cards.added(items, viewer=actor.user_id, today=today, warnings=[])
    )
    outbox.queue(
        context,
        team_id=actor.team_id,
        to=to,
        kind="modal-answer",
        slot=str(view.get("id")),
        message=message,
        ephemeral_user=ephemeral_user,
    )
    if meta.get("source_ts"):
        context[PERMALINK_KEY] = {
            "team_id": actor.team_id,
            "channel": meta["source_channel"],
            "ts": meta["source_ts"],
        }


def link_permalink(context: BoltContext, client: WebClient) -> None:
    """After the answer: link items made from a message to its permalink."""
    request = context.get(PERMALINK_KEY)
    if not request:
        return
    try:
        url = client.chat_getPermalink(channel=request["channel"], message_ts=request["ts"])["permalink"]
    except SlackApiError:
        return
    deps = Deps.of(context)
    with deps.db.session() as session:
        capture.link_source(session, request["team_id"], request["channel"], request["ts"], str(url))


def handle_snooze_modal(ack: Ack, view: dict[str, Any], context: BoltContext, actor: Actor) -> None:
    """Snooze until the picked day."""
    deps, key = Deps.of(context), str(_meta(view).get("key"))
    picked = state_value(view, BlockId.SNOOZE_DATE).get("selected_date")
    if not picked:
        return _errors(ack, BlockId.SNOOZE_DATE, "Pick the day reminders should resume.")
    try:
        with deps.db.session() as session:
            item_changes.snooze(session, deps.clock, actor, key, date.fromisoformat(picked))
    except DomainError as exc:
        return _errors(ack, BlockId.SNOOZE_DATE, exc.message)
    ack()


def handle_reassign_modal(
    ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient, actor: Actor
) -> None:
    """Give the item to the picked person; they get a DM card."""
    deps, key = Deps.of(context), str(_meta(view).get("key"))
    owner = state_value(view, BlockId.NEW_OWNER).get("selected_user")
    if not owner:
        return _errors(ack, BlockId.NEW_OWNER, "Pick the new owner.")
    people = deps.directory.resolve(client, actor.team_id, [owner])
    try:
        with deps.db.session() as session:
            change = item_changes.assign(session, deps.clock, actor, key, owner, people)
            today = actor.today(deps.clock)
            notify_assignees(context, actor.team_id, [change.item], by=actor.user_id, today=today, session=session)
    except DomainError as exc:
        return _errors(ack, BlockId.NEW_OWNER, exc.message)
    ack()


def handle_deliverable_options(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """Options for the deliverable picker: open deliverables matching what was typed (at most 100)."""
    deps = Deps.of(context)
    team_id = (body.get("team") or {}).get("id") or body.get("user", {}).get("team_id", "")
    with deps.db.session(readonly=True) as session:
        found = deliverable_options(session, team_id, str(body.get("value") or ""))
    ack(options=[{"text": {"type": "plain_text", "text": f"{k} {t}"[:75]}, "value": k} for k, t in found])
