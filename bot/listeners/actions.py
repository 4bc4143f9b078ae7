"""Buttons and menus on item cards, lists and the Home tab; a click updates the message in place."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any

from slack_bolt import Ack, App, BoltContext, BoltRequest, Respond
from slack_sdk import WebClient

from bot.blocks import cards, modals
from bot.deps import Deps
from bot.errors import BadInput
from bot.ids import ActionId
from bot.listeners import capture_confirm, home, outbox
from bot.listeners.capture_confirm import CAPTURE_BLOCK_PREFIX
from bot.listeners.commands import list_page, parse_page_value
from bot.listeners.notify import notify_done
from bot.services import action_items, item_changes
from bot.services.common import Actor

# A click's redraw, left by the listener for after its answer: (redraw, body, request).
REDRAW_KEY = "followthrough_redraw"


def register(app: App) -> None:
    """Attach the block_actions listeners."""
    redraw_later = (REDRAW_KEY,)
    app.action(ActionId.ITEM_DONE.value)(outbox.after_answer(handle_done, redraw_clicked, when=redraw_later))
    app.action(ActionId.ITEM_SNOOZE.value)(outbox.after_answer(handle_snooze, redraw_clicked, when=redraw_later))
    app.action(ActionId.ITEM_EDIT.value)(handle_edit)
    app.action(ActionId.ITEM_REASSIGN.value)(handle_reassign)
    app.action(ActionId.ITEM_UNDO.value)(outbox.after_answer(handle_undo, redraw_clicked, when=redraw_later))
    app.action(ActionId.ITEM_TAKE.value)(outbox.after_answer(handle_take, redraw_clicked, when=redraw_later))
    app.action(ActionId.LIST_PAGE.value)(handle_page)


def _update(
    respond: Respond,
    body: dict[str, Any],
    client: WebClient,
    deps: Deps,
    actor: Actor,
    message: cards.Message,
    note: str,
) -> None:
    """Redraw what was clicked: the Home tab, the list page it came from, or the card itself."""
    if (body.get("container") or {}).get("type") == "view":
        home.publish(client, deps, actor)
        return
    _, _, list_ctx = _block_id(body).partition("|")
    if list_ctx.count("|") == 2:
        scope, user, offset = list_ctx.split("|")
        message = list_page(deps, actor, scope, user or None, int(offset or 0), note=note)
    respond(text=message.text, blocks=message.blocks, replace_original=True, response_type="ephemeral")


def _block_id(body: dict[str, Any]) -> str:
    return str((body.get("actions") or [{}])[0].get("block_id", ""))


def _redraws_card_only(body: dict[str, Any]) -> bool:
    """True when the click came from a card in a message (not the Home tab, not a list page)."""
    if (body.get("container") or {}).get("type") == "view" or not body.get("response_url"):
        return False
    return _block_id(body).partition("|")[2].count("|") != 2


def redraw_after_answer(
    context: BoltContext, request: BoltRequest, body: dict[str, Any], redraw: Callable[[], object]
) -> None:
    """Leave `redraw` (a call to `_update`) for `redraw_clicked`, which runs it once the answer has left."""
    context[REDRAW_KEY] = (redraw, body, request)


def redraw_clicked(context: BoltContext, client: WebClient) -> None:
    """After the answer: redraw what was clicked; a failure reaches the clicker as the error handler words it."""
    _run_left(context, REDRAW_KEY)


def _run_left(context: BoltContext, key: str) -> None:
    queued: tuple[Callable[[], object], dict[str, Any], BoltRequest] | None = context.get(key)
    if queued is None:
        return
    work, body, request = queued
    try:
        work()
    except Exception as exc:  # noqa: BLE001 - said to the clicker (and logged) as before the answer
        from bot.app import handle_error  # bot.app registers this module

        handle_error(exc, body, request)


def handle_done(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    respond: Respond,
    request: BoltRequest,
    actor: Actor,
) -> None:
    """Done: the item completed, the creator told when they asked to be, and the clicked card redrawn."""
    deps = Deps.of(context)
    today = actor.today(deps.clock)
    with deps.db.session() as session:
        item = action_items.complete(session, deps.clock, actor, str(action.get("value", "")))
        notify_done(context, session, actor.team_id, item, by=actor.user_id, today=today)
        message, note = cards.completed(item, today=today), f"☑️ {item.key} done"
        if _redraws_card_only(body):  # the card is all there is to redraw: queued with the change
            outbox.queue_redraw(context, session, team_id=actor.team_id, body=body, message=message)
    ack()
    if not _redraws_card_only(body):
        redraw_after_answer(
            context, request, body, functools.partial(_update, respond, body, client, deps, actor, message, note)
        )


def _snooze_until(choice: str, today: date) -> date | None:
    if choice == "1d":
        return None
    if choice == "monday":
        return item_changes.next_monday(today)
    raise BadInput("Pick 1 day, next Monday, or a date.")


def handle_snooze(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    respond: Respond,
    request: BoltRequest,
    actor: Actor,
) -> None:
    """Snooze ▾: 1 day or next Monday at once; "Pick a date…" opens a small modal."""
    # 1 day or next Monday at once (the card is redrawn after the answer); "Pick a date…" opens a small modal.
    deps = Deps.of(context)
    choice, _, key = str((action.get("selected_option") or {}).get("value", "")).partition("|")
    today = actor.today(deps.clock)
    if choice == "pick":
        with deps.db.session(readonly=True) as session:
            item_changes.check_may_change(session, actor, key, "snooze")
        client.views_open(trigger_id=body["trigger_id"], view=modals.snooze_modal(key, today))
        ack()
        return
    with deps.db.session() as session:
        item = item_changes.snooze(session, deps.clock, actor, key, _snooze_until(choice, today))
    ack()
    assert item.snoozed_until is not None
    note = f"💤 {item.key} snoozed until {item.snoozed_until:%a, %b} {item.snoozed_until.day}"
    message = cards.changed(item, viewer=actor.user_id, today=today, what=note, icon="")
    redraw_after_answer(
        context, request, body, functools.partial(_update, respond, body, client, deps, actor, message, note)
    )


def _changeable(deps: Deps, actor: Actor, key: str, doing: str = "change") -> action_items.ItemView:
    """The item a click names, when the clicker may do `doing` to it (else the refusal says who can)."""
    with deps.db.session(readonly=True) as session:
        item_changes.check_may_change(session, actor, key, doing)
        return item_changes.show(session, actor, key)[0]


def handle_edit(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, client: WebClient, actor: Actor
) -> None:
    """Edit: open the item form, filled."""
    item = _changeable(Deps.of(context), actor, str(action.get("value", "")))
    view = modals.item_modal(
        metadata={"mode": "edit", "key": item.key, "channel": actor.channel},
        title=item.title,
        owners=[item.owner] if item.owner else [],
        due_date=item.due_date,
        due_time=item.due_time,
        editing=item.key,
        deliverable=(item.deliverable, item.deliverable_title or "") if item.deliverable else None,
    )
    client.views_open(trigger_id=body["trigger_id"], view=view)
    ack()


def handle_reassign(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, client: WebClient, actor: Actor
) -> None:
    """Reassign: pick the new owner in a modal."""
    item = _changeable(Deps.of(context), actor, str(action.get("value", "")), "assign")
    client.views_open(trigger_id=body["trigger_id"], view=modals.reassign_modal(item.key, item.owner))
    ack()


def handle_undo(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    respond: Respond,
    request: BoltRequest,
    actor: Actor,
) -> None:
    """Undo on the add confirmation: cancel the item (kept, and reopenable); the card is redrawn after the answer."""
    deps = Deps.of(context)
    with deps.db.session() as session:
        item = item_changes.cancel(session, deps.clock, actor, str(action.get("value", "")))
    ack()
    note = f"↩️ {item.key} cancelled. `/action reopen {item.key}` brings it back."
    message = cards.changed(item, viewer=actor.user_id, today=actor.today(deps.clock), what=note, icon="")
    redraw_after_answer(
        context, request, body, functools.partial(_update, respond, body, client, deps, actor, message, note)
    )


def handle_take(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    respond: Respond,
    request: BoltRequest,
    actor: Actor,
) -> None:
    """Take it: the item becomes the clicker's, first come; what was clicked is redrawn with it taken."""
    # A capture's confirmation redraws itself (bot/listeners/capture_confirm.py); a card is queued with the change.
    deps = Deps.of(context)
    from_capture = _block_id(body).startswith(CAPTURE_BLOCK_PREFIX)
    redrawn = False
    with deps.db.session() as session:
        item = item_changes.take(session, deps.clock, actor, str(action.get("value", "")))
        note = f"🙋 {item.key} is yours now."
        message = cards.changed(item, viewer=actor.user_id, today=actor.today(deps.clock), what=note, icon="")
        if from_capture:
            redrawn = capture_confirm.redraw_capture_confirmation(context, session, body=body, actor=actor, item=item)
        elif _redraws_card_only(body):
            outbox.queue_redraw(context, session, team_id=actor.team_id, body=body, message=message)
            redrawn = True
    ack()
    if from_capture and not redrawn:  # never replace the thread's confirmation with one item's card
        tell = functools.partial(
            respond, text=message.text, blocks=message.blocks, replace_original=False, response_type="ephemeral"
        )
        redraw_after_answer(context, request, body, tell)
    elif not redrawn:
        redraw_after_answer(
            context, request, body, functools.partial(_update, respond, body, client, deps, actor, message, note)
        )


def handle_page(
    ack: Ack,
    action: dict[str, Any],
    context: BoltContext,
    respond: Respond,
    actor: Actor,
) -> None:
    """Next page ▸ of a list."""
    deps = Deps.of(context)
    scope, user, offset = parse_page_value(str(action.get("value", "{}")))
    message = list_page(deps, actor, scope, user, offset)
    ack()
    respond(text=message.text, blocks=message.blocks, replace_original=True, response_type="ephemeral")
