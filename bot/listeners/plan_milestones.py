"""`/milestone` and `/outcome`: parse, call one service, answer with blocks."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.blocks import plan_status
from bot.blocks.cards import Message
from bot.blocks.common import context as note_block
from bot.blocks.plan_modals import edit_milestone_modal
from bot.capture import plan_commands
from bot.capture.text import plain
from bot.errors import BadInput
from bot.listeners.plan_common import Call, check_named, past_warning, reply, run_verb
from bot.services import milestones, outcomes
from bot.services.common import Actor
from bot.services.plan_lookup import find_milestone, require_manager

Verbs = dict[str, Callable[[Call], Message | None]]


def _dispatch(
    ack: Ack, command: dict[str, Any], context: BoltContext, client: WebClient, actor: Actor, *, name: str, verbs: Verbs
) -> None:
    verb, rest = plan_commands.first_word(plan_commands.clean(command.get("text") or ""))
    verb = verb.lower()
    if verb in ("", "help"):
        reply(ack, plan_status.milestone_usage() if name == "/milestone" else plan_status.outcome_usage())
        return
    handler = verbs.get(verb)
    if handler is None:
        known = ", ".join(f"`{v}`" for v in dict.fromkeys(verbs) if v in PRIMARY_VERBS)
        raise BadInput(f"I don't know `{name} {verb[:20]}`. Try {known} — or `{name} help`.")
    run_verb(ack, handler, command, context, client, actor, rest)


def handle_milestone(ack: Ack, command: dict[str, Any], context: BoltContext, client: WebClient, actor: Actor) -> None:
    """`/milestone <verb> ...`."""
    _dispatch(ack, command, context, client, actor=actor, name="/milestone", verbs=MILESTONE_VERBS)


def handle_outcome(ack: Ack, command: dict[str, Any], context: BoltContext, client: WebClient, actor: Actor) -> None:
    """`/outcome <verb> ...`."""
    _dispatch(ack, command, context, client, actor=actor, name="/outcome", verbs=OUTCOME_VERBS)


# ---- milestones --------------------------------------------------------------------------------------


def _m_add(call: Call) -> Message:
    args = plan_commands.milestone_add(call.rest, call.today)
    check_named(call.deps, call.client, call.actor.team_id, [("milestone owner", args.owner)])
    warnings = past_warning(args.due, args.due_phrase, call.today, "it")
    with call.deps.db.session() as session:
        view = milestones.add(
            session, call.deps.clock, call.actor, title=args.title, due=args.due, owner=args.owner, gate=bool(args.gate)
        )
    return plan_status.milestone_added(view, today=call.today, warnings=warnings)


def _m_list(call: Call) -> Message:
    word = call.rest.strip().lower()
    if word not in ("", "open", "all"):
        raise BadInput(f'I can\'t list "{call.rest.strip()[:30]}". Try `/milestone list` or `/milestone list all`.')
    with call.deps.db.session(readonly=True) as session:
        result = milestones.list_milestones(session, call.deps.clock, call.actor, scope=word or "open")
    return plan_status.milestone_list(result, today=call.today)


def _m_status(call: Call) -> Message:
    key, _ = plan_commands.first_word(call.rest)
    with call.deps.db.session(readonly=True) as session:
        status = milestones.status(session, call.deps.clock, call.actor, key)
    return plan_status.milestone_status(status, today=call.today)


def _m_edit(call: Call) -> Message | None:
    key, rest = plan_commands.first_word(call.rest)
    if not rest:
        with call.deps.db.session(readonly=True) as session:
            m = find_milestone(session, call.actor, key)
            require_manager(call.actor, m.owner, m.created_by, doing="edit", key=f"M-{m.number}")
            view = milestones.view_of_milestone(m, call.today)
        if view.status == "cancelled":
            raise BadInput(f"{view.key} was cancelled, so there is nothing to edit.")
        metadata = json.dumps({"key": view.key, "channel": call.actor.channel})
        call.client.views_open(trigger_id=call.command["trigger_id"], view=edit_milestone_modal(view, metadata))
        return None
    edit = plan_commands.milestone_edit(key.upper(), rest, call.today)
    check_named(call.deps, call.client, call.actor.team_id, [("milestone owner", edit.owner)])
    with call.deps.db.session() as session:
        view, changed = milestones.update(session, call.deps.clock, call.actor, key, edit)
    names = {"due_date": "date"}
    what = "updated (" + ", ".join(names.get(c, c) for c in changed) + ")" if changed else "unchanged"
    message = plan_status.milestone_changed(view, what=what, today=call.today)
    message.blocks.extend(note_block(f"⚠️ {w}") for w in past_warning(edit.due_date, None, call.today, "it"))
    return message


def _m_cancel(call: Call) -> Message:
    key, _ = plan_commands.first_word(call.rest)
    with call.deps.db.session() as session:
        view = milestones.cancel(session, call.deps.clock, call.actor, key)
    return plan_status.milestone_changed(view, what="is cancelled", today=call.today)


def _m_decide(call: Call) -> Message:
    key, rest = plan_commands.first_word(call.rest)
    decision, note = plan_commands.first_word(rest)
    if decision.lower() == "no" and note.lower().startswith("go"):  # "no go"
        decision, note = "no-go", note[2:].strip()
    if not key or not decision:
        raise BadInput("Decide like `/milestone decide M-1 go Budget signed` or `no-go Legal review pending`.")
    with call.deps.db.session() as session:
        view, changed = milestones.decide(session, call.deps.clock, call.actor, key, decision, plain(note))
    return plan_status.gate_decided(view, changed, today=call.today)


# ---- outcomes ----------------------------------------------------------------------------------------


def _o_add(call: Call) -> Message:
    words = plan_commands.outcome_add(call.rest)
    check_named(call.deps, call.client, call.actor.team_id, [("outcome owner", words.owner)])
    with call.deps.db.session() as session:
        view = outcomes.add(session, call.deps.clock, call.actor, objective=words.title, owner=words.owner)
    return plan_status.outcome_added(view)


def _o_kr(call: Call) -> Message:
    key, rest = plan_commands.first_word(call.rest)
    if not key:
        raise BadInput(f"Which outcome? Try `{plan_commands.KR_EXAMPLE}`.")
    kr = plan_commands.key_result(rest)
    with call.deps.db.session() as session:
        view, added = outcomes.add_key_result(
            session,
            call.deps.clock,
            call.actor,
            key,
            metric=kr.metric,
            baseline=kr.baseline,
            target=kr.target,
            unit=kr.unit,
        )
    return plan_status.kr_added(view, added)


def _o_checkin(call: Call) -> Message:
    key, rest = plan_commands.first_word(call.rest)
    value, note = plan_commands.check_in(rest, key.upper())
    with call.deps.db.session() as session:
        result = outcomes.check_in(session, call.deps.clock, call.actor, key, value, note)
    return plan_status.checked_in(result)


def _o_status(call: Call) -> Message:
    key, _ = plan_commands.first_word(call.rest)
    with call.deps.db.session(readonly=True) as session:
        status = outcomes.status(session, call.deps.clock, call.actor, key)
    return plan_status.outcome_status(status, now=call.deps.clock.now(), today=call.today)


def _o_list(call: Call) -> Message:
    with call.deps.db.session(readonly=True) as session:
        views, total = outcomes.list_outcomes(session, call.deps.clock, call.actor)
    return plan_status.outcome_list(views, total)


PRIMARY_VERBS = ("add", "list", "status", "edit", "decide", "cancel", "kr", "checkin")
MILESTONE_VERBS: Verbs = {
    "add": _m_add,
    "new": _m_add,
    "create": _m_add,
    "list": _m_list,
    "ls": _m_list,
    "status": _m_status,
    "show": _m_status,
    "view": _m_status,
    "edit": _m_edit,
    "cancel": _m_cancel,
    "decide": _m_decide,
    "decision": _m_decide,
}
OUTCOME_VERBS: Verbs = {
    "add": _o_add,
    "new": _o_add,
    "create": _o_add,
    "kr": _o_kr,
    "checkin": _o_checkin,
    "check-in": _o_checkin,
    "update": _o_checkin,
    "status": _o_status,
    "show": _o_status,
    "view": _o_status,
    "list": _o_list,
    "ls": _o_list,
}
