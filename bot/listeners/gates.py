"""Go / No-go buttons on a gate's day: a short note in a modal, then the decision, and the question updated."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.modals import VALUE, state_value
from bot.blocks.plan_status import gate_decided
from bot.capture.text import plain
from bot.deps import Deps
from bot.errors import DomainError
from bot.ids import ActionId, BlockId, CallbackId
from bot.listeners import outbox
from bot.services import milestones
from bot.services.common import Actor

UPDATE_KEY = "followthrough_gate_update"


def register(app: App) -> None:
    """Attach the gate buttons and their modal."""
    app.action(ActionId.GATE_GO.value)(handle_gate_button)
    app.action(ActionId.GATE_NO_GO.value)(handle_gate_button)
    app.view(CallbackId.GATE_MODAL.value)(outbox.after_answer(handle_gate_modal, update_question, when=(UPDATE_KEY,)))


def gate_modal(key: str, decision: str, where: dict[str, Any]) -> dict[str, Any]:
    """Ask for the note that goes with the decision (required for no-go)."""
    word = "Go" if decision == "go" else "No-go"
    return {
        "type": "modal",
        "callback_id": CallbackId.GATE_MODAL,
        "title": {"type": "plain_text", "text": f"{word} for {key}"[:24]},
        "submit": {"type": "plain_text", "text": f"Record {word.lower()}"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": json.dumps({"key": key, "decision": decision, **where}),
        "blocks": [
            {
                "type": "input",
                "block_id": BlockId.GATE_NOTE,
                "optional": decision == "go",
                "label": {"type": "plain_text", "text": "A note for the team"},
                "element": {"type": "plain_text_input", "action_id": VALUE, "multiline": True, "max_length": 500},
            }
        ],
    }


def handle_gate_button(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
    """Open the note modal for Go or No-go."""
    decision = "go" if action["action_id"] == ActionId.GATE_GO else "no-go"
    container = body.get("container") or {}
    where = {"channel": container.get("channel_id"), "ts": container.get("message_ts")}
    client.views_open(trigger_id=body["trigger_id"], view=gate_modal(str(action.get("value")), decision, where))
    ack()


def handle_gate_modal(ack: Ack, view: dict[str, Any], context: BoltContext, actor: Actor) -> None:
    """Record the decision; a refusal (not the owner, not a gate) shows on the note field."""
    deps = Deps.of(context)
    meta = json.loads(view.get("private_metadata") or "{}")
    note = plain(str(state_value(view, BlockId.GATE_NOTE).get("value") or "")).strip() or None
    try:
        with deps.db.session() as session:
            milestone, changed = milestones.decide(session, deps.clock, actor, meta["key"], meta["decision"], note)
    except DomainError as exc:
        ack(response_action="errors", errors={BlockId.GATE_NOTE: exc.message[:150]})
        return
    ack()
    if meta.get("channel") and meta.get("ts"):
        message = gate_decided(milestone, changed, today=actor.today(deps.clock))
        context[UPDATE_KEY] = {
            "channel": meta["channel"],
            "ts": meta["ts"],
            "text": message.text,
            "blocks": message.blocks,
        }


def update_question(context: BoltContext, client: WebClient) -> None:
    """Lazy: replace the question (and its buttons) with the decision."""
    update = context.get(UPDATE_KEY)
    if not update:
        return
    try:
        client.chat_update(channel=update["channel"], ts=update["ts"], text=update["text"], blocks=update["blocks"])
    except SlackApiError:
        return
