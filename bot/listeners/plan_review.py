"""Review buttons (Approve, Request changes, Submit, Submit anyway) and the planning modals' submissions."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks import plan, plan_status
from bot.blocks.cards import Message
from bot.blocks.plan import REVIEW_CARD_BLOCK
from bot.blocks.plan_modals import GATE_OPTION, request_changes_modal
from bot.capture import plan_commands
from bot.capture.plan_commands import DeliverableEdit, MilestoneEdit
from bot.deps import Deps
from bot.errors import DomainError
from bot.ids import PlanActionId, PlanBlockId
from bot.listeners import outbox
from bot.listeners.plan_common import (
    check_named,
    dm,
    queue_card_update,
    queue_home_refresh,
)
from bot.listeners.plan_deliverables import ask_review, tell_owner
from bot.services import deliverable_changes, deliverables, milestones
from bot.services.common import Actor


def _replaces_card(body: dict[str, Any]) -> bool:
    """Replace the clicked message only when it is our own review card or an ephemeral answer of ours."""
    if (body.get("container") or {}).get("is_ephemeral"):
        return True
    blocks = (body.get("message") or {}).get("blocks") or []
    return any(str(b.get("block_id", "")).startswith(REVIEW_CARD_BLOCK) for b in blocks)


def _from_home(body: dict[str, Any]) -> bool:
    return (body.get("view") or {}).get("type") == "home"


def _answer(context: BoltContext, respond: Respond, body: dict[str, Any], actor: Actor, message: Message) -> None:
    """Answer where the click came from: the card (through its response_url), the Home tab (redrawn), else a DM."""
    if body.get("response_url"):
        replace = _replaces_card(body)
        respond(text=message.text, blocks=message.blocks, replace_original=replace, response_type="ephemeral")
    elif _from_home(body):
        queue_home_refresh(context, team_id=actor.team_id, user_id=actor.user_id)
    else:
        slot = f"{actor.user_id}:{Deps.of(context).clock.now().isoformat()}"
        dm(context, team_id=actor.team_id, to=actor.user_id, kind="plan-answer", slot=slot, message=message)


def handle_approve(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    context: BoltContext,
    respond: Respond,
    actor: Actor,
) -> None:
    """Approve on a review card."""
    ack()
    deps = Deps.of(context)
    with deps.db.session() as session:
        decision = deliverable_changes.approve(session, deps.clock, actor, str(action.get("value", "")))
        tell_owner(context, actor.team_id, decision, session=session)
    _answer(context, respond, body, actor, plan.decided(decision))


def handle_request_changes(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, client: WebClient, actor: Actor
) -> None:
    """Request changes on a review card: open a modal asking for the reason."""
    ack()
    deps = Deps.of(context)
    with deps.db.session(readonly=True) as session:
        view = deliverable_changes.check_reviewer(
            session, deps.clock, actor, str(action.get("value", "")), doing="request changes on"
        )
    container = body.get("container") or {}
    replace = _replaces_card(body)
    metadata = {
        "key": view.key,
        "channel": container.get("channel_id") if replace and not container.get("is_ephemeral") else None,
        "ts": container.get("message_ts") if replace and not container.get("is_ephemeral") else None,
        "response_url": body.get("response_url") if replace and container.get("is_ephemeral") else None,
        "home": _from_home(body),
    }
    client.views_open(trigger_id=body["trigger_id"], view=request_changes_modal(view, json.dumps(metadata)))


def handle_submit(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond, actor: Actor
) -> None:
    """Submit for review (asks first when action items are open), or Submit anyway after being told."""
    ack()
    anyway = action.get("action_id") == PlanActionId.SUBMIT_ANYWAY.value
    deps = Deps.of(context)
    with deps.db.session() as session:
        result = deliverable_changes.submit(session, deps.clock, actor, str(action.get("value", "")), anyway=anyway)
        today = actor.today(deps.clock)
        if result.submitted:
            ask_review(context, actor.team_id, result, today=today, session=session)
    if not result.submitted:
        _answer(context, respond, body, actor, plan.submit_confirm(result, today=today))
        return
    _answer(context, respond, body, actor, plan.submitted(result))


def _values(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    values: dict[str, dict[str, Any]] = (view.get("state") or {}).get("values") or {}
    return values


def _value(values: dict[str, dict[str, Any]], block_id: str) -> dict[str, Any]:
    entry = values.get(block_id) or {}
    found: dict[str, Any] = next(iter(entry.values()), {}) if entry else {}
    if isinstance(found.get("value"), str):
        found = {**found, "value": plan_commands.clean(found["value"])}
    return found


def _metadata(view: dict[str, Any]) -> dict[str, Any]:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except json.JSONDecodeError:
        data = {}
    return data if isinstance(data, dict) else {}


def handle_request_changes_submission(ack: Ack, view: dict[str, Any], context: BoltContext, actor: Actor) -> None:
    """The reason is required; the owner gets it in a DM and the review card says what was decided."""
    deps = Deps.of(context)
    meta = _metadata(view)
    reason = (_value(_values(view), PlanBlockId.REASON).get("value") or "").strip()
    if not reason:
        ack(response_action="errors", errors={PlanBlockId.REASON.value: "Say what needs to change."})
        return
    try:
        with deps.db.session() as session:
            decision = deliverable_changes.request_changes(session, deps.clock, actor, str(meta.get("key", "")), reason)
            tell_owner(context, actor.team_id, decision, session=session)
    except DomainError as exc:
        ack(response_action="errors", errors={PlanBlockId.REASON.value: exc.message})
        return
    ack()
    if meta.get("home"):
        queue_home_refresh(context, team_id=actor.team_id, user_id=actor.user_id)
    if meta.get("ts") or meta.get("response_url"):
        queue_card_update(
            context,
            channel=meta.get("channel"),
            ts=meta.get("ts"),
            response_url=meta.get("response_url"),
            message=plan.decided(decision),
        )


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def _saved(context: BoltContext, actor: Actor, meta: dict[str, Any], message: Message, key: str) -> None:
    """Show the saved card to the editor where they typed the command (in a DM: as a DM)."""
    where = str(meta.get("channel") or "")
    slot = f"{key}:{actor.user_id}:{Deps.of(context).clock.now().isoformat()}"
    if not where or where.startswith("D"):
        dm(context, team_id=actor.team_id, to=actor.user_id, kind="plan-edit", slot=slot, message=message)
        return
    outbox.queue(
        context,
        team_id=actor.team_id,
        to=where,
        kind="plan-edit",
        slot=slot,
        message=message,
        ephemeral_user=actor.user_id,
    )


def _form(view: dict[str, Any]) -> tuple[dict[str, Any], dict[str, dict[str, Any]], str, date | None, str | None]:
    """A plan form's metadata and values, with the fields both forms have: title, date, owner."""
    values = _values(view)
    title = (_value(values, PlanBlockId.TITLE).get("value") or "").strip()
    due = _date(_value(values, PlanBlockId.DUE).get("selected_date"))
    return _metadata(view), values, title, due, _value(values, PlanBlockId.OWNER).get("selected_user")


def handle_edit_deliverable_submission(
    ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient, actor: Actor
) -> None:
    """Save the deliverable form; problems stay in the modal, next to the field."""
    deps = Deps.of(context)
    meta, values, title, due, owner = _form(view)
    approver = _value(values, PlanBlockId.APPROVER).get("selected_user")
    criteria = (_value(values, PlanBlockId.CRITERIA).get("value") or "").strip()
    if not title:
        ack(response_action="errors", errors={PlanBlockId.TITLE.value: "Give it a title."})
        return
    edit = DeliverableEdit(
        title=title,
        owner=owner,
        approver=approver,
        clear_approver=not approver,
        due_date=due,
        clear_due=due is None,
        criteria=criteria or None,
        clear_criteria=not criteria,
    )
    block = PlanBlockId.TITLE.value
    try:
        for role, uid, block_id in (("owner", owner, PlanBlockId.OWNER), ("approver", approver, PlanBlockId.APPROVER)):
            block = block_id.value
            check_named(deps, client, actor.team_id, [(role, uid)])
        block = PlanBlockId.TITLE.value
        with deps.db.session() as session:
            result = deliverable_changes.update(session, deps.clock, actor, str(meta.get("key", "")), edit)
    except DomainError as exc:
        ack(response_action="errors", errors={block: exc.message})
        return
    ack()
    today = actor.today(deps.clock)
    if result.review_to:
        with deps.db.session(readonly=True) as session:
            detail = deliverables.show(session, deps.clock, actor, result.view.key)
        request = deliverable_changes.SubmitResult(
            detail.view, True, detail.items, notify=result.review_to, seq=result.seq
        )
        ask_review(context, actor.team_id, request, today=today)
    _saved(context, actor, meta, plan.edited(result, today=today), result.view.key)


def handle_edit_milestone_submission(
    ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient, actor: Actor
) -> None:
    """Save the milestone form; problems stay in the modal."""
    deps = Deps.of(context)
    meta, values, title, due, owner = _form(view)
    gate = any(o.get("value") == GATE_OPTION for o in _value(values, PlanBlockId.GATE).get("selected_options") or [])
    errors = {}
    if not title:
        errors[PlanBlockId.TITLE.value] = "Give it a title."
    if due is None:
        errors[PlanBlockId.DUE.value] = "Pick its date."
    if errors:
        ack(response_action="errors", errors=errors)
        return
    block = PlanBlockId.OWNER.value
    try:
        check_named(deps, client, actor.team_id, [("milestone owner", owner)])
        block = PlanBlockId.TITLE.value
        with deps.db.session() as session:
            saved, changed = milestones.update(
                session,
                deps.clock,
                actor,
                str(meta.get("key", "")),
                MilestoneEdit(title=title, due_date=due, owner=owner, gate=gate),
            )
    except DomainError as exc:
        ack(response_action="errors", errors={block: exc.message})
        return
    ack()
    names = {"due_date": "date"}
    what = "updated (" + ", ".join(names.get(c, c) for c in changed) + ")" if changed else "unchanged"
    message = plan_status.milestone_changed(saved, what=what, today=actor.today(deps.clock))
    _saved(context, actor, meta, message, saved.key)
