"""`/deliverable`: parse, call one service, answer with blocks; review requests and decisions go out as DMs."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from sqlmodel import Session

from bot.blocks import plan
from bot.blocks.cards import Message
from bot.blocks.common import context as note_block
from bot.blocks.plan_modals import edit_deliverable_modal
from bot.capture import plan_commands
from bot.capture.keys import parse_key
from bot.capture.text import mentions, plain
from bot.errors import BadInput
from bot.listeners.plan_common import Call, check_named, dm, past_warning, reply, run_verb
from bot.services import deliverable_changes, deliverables
from bot.services.common import Actor
from bot.services.deliverable_changes import Decision, SubmitResult
from bot.services.plan_lookup import find_deliverable, require_manager


def handle_deliverable(
    ack: Ack, command: dict[str, Any], context: BoltContext, client: WebClient, actor: Actor
) -> None:
    """`/deliverable <verb> ...`."""
    verb, rest = plan_commands.first_word(plan_commands.clean(command.get("text") or ""))
    verb = verb.lower()
    if verb in ("", "help"):
        reply(ack, plan.usage())
        return
    handler = VERBS.get(verb)
    if handler is None:
        raise BadInput(
            f"I don't know `/deliverable {verb[:20]}`. Try `add`, `list`, `show`, `edit`, `submit`, `approve`, "
            "`reject` or `cancel` — or `/deliverable help`."
        )
    run_verb(ack, handler, command, context, client, actor, rest)


def _add(call: Call) -> Message:
    args = plan_commands.deliverable_add(call.rest, call.today)
    check_named(call.deps, call.client, call.actor.team_id, [("owner", args.owner), ("approver", args.approver)])
    warnings = past_warning(args.due, args.due_phrase, call.today, "it")
    with call.deps.db.session() as session:
        view = deliverables.add(
            session,
            call.deps.clock,
            call.actor,
            title=args.title,
            links=args.links,
            owner=args.owner,
            approver=args.approver,
            due=args.due,
            criteria=args.criteria,
        )
    return plan.deliverable_added(view, today=call.today, warnings=warnings)


def _list(call: Call) -> Message:
    word = call.rest.strip().lower()
    people = mentions(call.rest)
    key = parse_key(word) if word else None
    scope, user, link = "open", None, ""
    if people:
        scope, user = "user", people[0]
    elif key is not None and key.kind in ("M", "O"):
        scope, link = ("milestone" if key.kind == "M" else "outcome"), word
    elif word in ("mine", "me", "my"):
        scope = "mine"
    elif word in ("review", "reviews", "to review"):
        scope = "review"
    elif word in ("all", "everything"):
        scope = "all"
    elif word not in ("", "open"):
        raise BadInput(
            f'I can\'t list "{call.rest.strip()[:30]}". Try `/deliverable list`, `mine`, `review`, `@someone`, '
            "`M-1`, `O-1` or `all`."
        )
    with call.deps.db.session(readonly=True) as session:
        result = deliverables.list_deliverables(session, call.deps.clock, call.actor, scope=scope, user=user, link=link)
    return plan.deliverable_list(result, today=call.today)


def _show(call: Call) -> Message:
    key, _ = plan_commands.first_word(call.rest)
    with call.deps.db.session(readonly=True) as session:
        detail = deliverables.show(session, call.deps.clock, call.actor, key)
    return plan.deliverable_card(detail, viewer=call.actor.user_id, today=call.today)


def _edit(call: Call) -> Message | None:
    key, rest = plan_commands.first_word(call.rest)
    if not rest:
        _open_edit_modal(call, key)
        return None
    edit = plan_commands.deliverable_edit(key.upper(), rest, call.today)
    check_named(call.deps, call.client, call.actor.team_id, [("owner", edit.owner), ("approver", edit.approver)])
    with call.deps.db.session() as session:
        result = deliverable_changes.update(session, call.deps.clock, call.actor, key, edit)
    if result.review_to:
        with call.deps.db.session(readonly=True) as session:
            detail = deliverables.show(session, call.deps.clock, call.actor, key)
        request = SubmitResult(detail.view, True, detail.items, notify=result.review_to, seq=result.seq)
        ask_review(call.context, call.actor.team_id, request, today=call.today)
    message = plan.edited(result, today=call.today)
    message.blocks.extend(note_block(f"⚠️ {w}") for w in past_warning(edit.due_date, None, call.today, "it"))
    return message


def _open_edit_modal(call: Call, key: str) -> None:
    with call.deps.db.session(readonly=True) as session:
        row = find_deliverable(session, call.actor, key)
        d = row.deliverable
        require_manager(call.actor, d.owner, d.created_by, doing="edit", key=f"D-{d.number}")
        view = deliverables.view_of(d, row.milestone, row.outcome)
    if view.status == "cancelled":
        raise BadInput(f"{view.key} was cancelled, so there is nothing to edit.")
    metadata = json.dumps({"key": view.key, "channel": call.actor.channel})
    call.client.views_open(trigger_id=call.command["trigger_id"], view=edit_deliverable_modal(view, metadata))


def _cancel(call: Call) -> Message:
    key, _ = plan_commands.first_word(call.rest)
    with call.deps.db.session() as session:
        view = deliverable_changes.cancel(session, call.deps.clock, call.actor, key)
    return plan.deliverable_changed(view, what="is cancelled", today=call.today)


def ask_review(
    context: BoltContext, team_id: str, result: SubmitResult, *, today: date, session: Session | None = None
) -> None:
    """DM the review card to whoever must approve."""
    if result.notify:
        dm(
            context,
            team_id=team_id,
            to=result.notify,
            kind="review-request",
            slot=f"{result.view.key}:{result.seq}:{result.notify}",
            message=plan.review_request(result, today=today),
            session=session,
        )


def _submit(call: Call) -> Message:
    key, rest = plan_commands.first_word(call.rest)
    anyway = rest.lower().strip(" !.") in ("anyway", "now", "force", "regardless")
    if rest and not anyway:
        raise BadInput(f"To submit with open action items, type `/deliverable submit {key.upper()} anyway`.")
    with call.deps.db.session() as session:
        result = deliverable_changes.submit(session, call.deps.clock, call.actor, key, anyway=anyway)
        if result.submitted:
            ask_review(call.context, call.actor.team_id, result, today=call.today, session=session)
    if not result.submitted:
        return plan.submit_confirm(result, today=call.today)
    return plan.submitted(result)


def tell_owner(context: BoltContext, team_id: str, decision: Decision, *, session: Session | None = None) -> None:
    """DM the owner the decision (the reason, when changes are requested) unless they made it."""
    owner = decision.view.owner
    if owner and owner != decision.decided_by:
        dm(
            context,
            team_id=team_id,
            to=owner,
            kind="review-decision",
            slot=f"{decision.view.key}:{decision.seq}",
            message=plan.decision_notice(decision),
            session=session,
        )


def _approve(call: Call) -> Message:
    key, note = plan_commands.first_word(call.rest)
    with call.deps.db.session() as session:
        decision = deliverable_changes.approve(session, call.deps.clock, call.actor, key, plain(note) or None)
        tell_owner(call.context, call.actor.team_id, decision, session=session)
    return plan.decided(decision)


def _reject(call: Call) -> Message:
    key, reason = plan_commands.first_word(call.rest)
    if not key:
        raise BadInput("Which deliverable? Try `/deliverable reject D-1 Use the new logo`.")
    with call.deps.db.session() as session:
        decision = deliverable_changes.request_changes(session, call.deps.clock, call.actor, key, plain(reason))
        tell_owner(call.context, call.actor.team_id, decision, session=session)
    return plan.decided(decision)


VERBS: dict[str, Callable[[Call], Message | None]] = {
    "add": _add,
    "new": _add,
    "create": _add,
    "list": _list,
    "ls": _list,
    "show": _show,
    "status": _show,
    "view": _show,
    "edit": _edit,
    "cancel": _cancel,
    "submit": _submit,
    "approve": _approve,
    "reject": _reject,
    "request-changes": _reject,
    "changes": _reject,
}
