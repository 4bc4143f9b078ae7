"""`/action nudge A-12` and the Nudge button: the owner's DM is queued with the nudge; the nudger's answer is theirs."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.blocks.cards import Message, refusal
from bot.blocks.nudge import nudge_dm, nudged
from bot.deps import Deps
from bot.errors import BadInput, DomainError
from bot.ids import ActionId
from bot.listeners import home, outbox
from bot.listeners.plan_common import Call
from bot.services import nudging
from bot.services.common import Actor
from storage.repositories.outbox import payload_of

ANSWER_KEY = "followthrough_nudge_answer"  # (message, response_url or None for the Home tab, actor)


def register(app: App) -> None:
    """Attach the Nudge button."""
    app.action(ActionId.ITEM_NUDGE.value)(outbox.after_answer(handle_nudge, answer_nudger, when=(ANSWER_KEY,)))


def _compose(n: nudging.Nudge) -> dict[str, Any]:
    message = nudge_dm(n)
    return payload_of(text=message.text, blocks=message.blocks)


def send_nudge(deps: Deps, client: WebClient, actor: Actor, key: str) -> nudging.Nudge:
    """Check, then queue the owner's DM in one transaction (the owner is looked up in Slack before it begins)."""
    with deps.db.session(readonly=True) as session:
        owner = nudging.owner_to_nudge(session, actor, key)
    people = deps.directory.resolve(client, actor.team_id, [owner])
    with deps.db.session() as session:
        return nudging.nudge(
            session,
            deps.clock,
            actor,
            key,
            people=lambda uid: people.get(uid) or deps.directory.resolve(client, actor.team_id, [uid]).get(uid),
            default_tz=deps.settings.default_tz,
            compose=_compose,
        )


def verb_nudge(v: Call) -> Message:
    """`/action nudge A-12`."""
    key = v.rest.split()[0] if v.rest.split() else ""
    if not key:
        raise BadInput("Which item? Try `/action nudge A-12`.")
    return nudged(send_nudge(v.deps, v.client, v.actor, key))


def handle_nudge(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, client: WebClient, actor: Actor
) -> None:
    """Nudge: the DM is queued with the click; the answer goes to the clicker after the ack."""
    on_home = (body.get("container") or {}).get("type") == "view"
    try:
        message = nudged(send_nudge(Deps.of(context), client, actor, str(action.get("value", ""))))
    except DomainError as exc:
        if not on_home:
            raise  # the error handler answers through the response_url
        message = refusal(exc.message)  # the Home tab has no response_url: the note shows on the tab itself
    ack()
    context[ANSWER_KEY] = (message, None if on_home else body.get("response_url"), actor)


def answer_nudger(context: BoltContext, client: WebClient) -> None:
    """After the answer: a new ephemeral message under the clicked one, or the Home tab redrawn with a note."""
    message, response_url, actor = context[ANSWER_KEY]
    if response_url is None:
        home.publish(client, Deps.of(context), actor, note=message.text)
        return
    WebhookClient(response_url, timeout=5).send_dict(
        {"text": message.text, "blocks": message.blocks, "response_type": "ephemeral", "replace_original": False}
    )
