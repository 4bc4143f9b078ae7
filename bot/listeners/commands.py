"""`/action <verb>`: parse, call one service, answer ephemerally with blocks; notifications go out lazily."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks import cards, details, modals
from bot.capture.commands import RULE_KEYWORDS, GrammarError, Parsed, date_error_message, parse_options
from bot.capture.dates import DateError, When, parse_phrase
from bot.capture.text import mentions, quote
from bot.deps import Deps
from bot.errors import BadInput
from bot.listeners import outbox
from bot.listeners.groups import owners_with_groups
from bot.listeners.notify import notify_assignees, notify_done
from bot.listeners.nudge import verb_nudge
from bot.listeners.plan_common import Call, run_verb
from bot.listeners.settings import verb_calendar, verb_settings
from bot.services import action_items, item_changes, settings
from bot.services.action_items import check_owners
from bot.services.common import Actor
from bot.services.csv_export import rows_csv
from bot.slack.usergroups import subteams

ADD_KEYWORDS = frozenset({"by", "due", "on", "for"})
EXPORT_KEY = "followthrough_export"
HANDLED_COMMANDS = ("/action",)
_PENDING = (EXPORT_KEY,)


Verb = Call  # what a verb handler gets: who, where, the rest of the text


def register(app: App) -> None:
    """Attach the slash-command listeners."""
    app.command("/action")(outbox.after_answer(handle_action, upload_export, when=_PENDING))


def handle_action(ack: Ack, command: dict[str, Any], context: BoltContext, client: WebClient, actor: Actor) -> None:
    """`/action <verb> ...`."""
    text = (command.get("text") or "").strip()
    verb, _, rest = text.partition(" ")
    verb = verb.lower()
    if verb in ("", "help"):
        _reply(ack, cards.usage())
        return
    handler = VERBS.get(verb)
    if handler is None:
        raise BadInput(
            f"I don't know `/action {quote(verb, 30)}`. Try `/action add`, `list`, `show`, `done` — or `/action help`."
        )
    run_verb(ack, handler, command, context, client, actor, rest.strip())


def _reply(ack: Ack, message: cards.Message) -> None:
    ack(text=message.text, blocks=message.blocks, response_type="ephemeral")


def _keys(rest: str, usage: str) -> list[str]:
    keys = rest.replace(",", " ").split()
    if not keys:
        raise BadInput(f"Which item? Try `{usage}`.")
    return keys


def _one_key(rest: str, usage: str) -> tuple[str, str]:
    key, _, tail = rest.partition(" ")
    if not key:
        raise BadInput(f"Which item? Try `{usage}`.")
    return key, tail.strip()


def _when(v: Verb) -> When:
    """The moment the author's date words are read: their zone, working days and holiday country."""
    with v.deps.db.session(readonly=True) as session:
        return settings.reading_moment(session, v.deps.clock, v.actor)


def _date(v: Verb, phrase: str) -> date:
    try:
        return parse_phrase(phrase, _when(v)).day
    except DateError as exc:
        raise BadInput(date_error_message(exc)) from None


def _add_items(v: Verb, parsed: Parsed) -> list[action_items.ItemView]:
    """`/action add`'s items and their owners' DMs, in one transaction."""
    with v.deps.db.session() as session:
        items = action_items.add_items(
            session,
            v.deps.clock,
            v.actor,
            title=parsed.title,
            owners=parsed.mentions,
            due=parsed.due,
            deliverable_key=parsed.for_key,
            recurrence=parsed.recurrence,
        )
        notify_assignees(v.context, v.actor.team_id, items, by=v.actor.user_id, today=v.today, session=session)
    return items


def verb_add(v: Verb) -> cards.Message:
    text, groups = subteams(v.rest)
    try:
        parsed = parse_options(text, today=_when(v), keywords=ADD_KEYWORDS | RULE_KEYWORDS)
    except GrammarError as exc:
        raise BadInput(exc.message) from None
    warnings = []
    if groups:  # one item per member of each group named
        owners = owners_with_groups(v, parsed.mentions, groups)
        check_owners(owners.ids, owners.people)
        parsed.mentions, warnings = owners.ids, owners.warnings
    elif parsed.mentions:
        check_owners(parsed.mentions, v.deps.directory.resolve(v.client, v.actor.team_id, parsed.mentions))
    if parsed.due and parsed.due.day < v.today:
        warnings.append(f'"{parsed.due_phrase}" is in the past; I kept it, so the item shows as overdue.')
    items = _add_items(v, parsed)
    return cards.added(items, viewer=v.actor.user_id, today=v.today, warnings=warnings)


def list_scope(rest: str, channel_id: str | None) -> tuple[str, str | None]:
    """`mine|@user|overdue|week|done` (or nothing) to a scope and a user."""
    word = rest.strip().lower()
    ids = mentions(rest)
    if ids:
        return "user", ids[0]
    if word in ("", "open", "all"):
        return ("mine", None) if not channel_id or channel_id.startswith("D") else ("channel", None)
    scopes = {
        "mine": "mine",
        "me": "mine",
        "my": "mine",
        "overdue": "overdue",
        "late": "overdue",
        "week": "week",
        "this week": "week",
        "done": "done",
        "unassigned": "unassigned",
        "nobody": "unassigned",
    }
    if word in scopes:
        return scopes[word], None
    raise BadInput(
        f'I can\'t list "{quote(rest)}". Try `/action list`, `mine`, `@someone`, `overdue`, `week`, `done` '
        "or `unassigned`."
    )


def list_page(
    deps: Deps, actor: Actor, scope: str, user: str | None, offset: int, note: str | None = None
) -> cards.Message:
    """One page of `/action list` (also redrawn after a click on it)."""
    with deps.db.reading() as conn:
        result = action_items.list_items(conn, deps.clock, actor, scope=scope, user=user, offset=offset)
    return cards.item_list(
        result,
        viewer=actor.user_id,
        today=actor.today(deps.clock),
        channel_id=actor.channel,
        user_id=user,
        offset=offset,
        note=note,
    )


def verb_list(v: Verb) -> cards.Message:
    scope, user = list_scope(v.rest, v.actor.channel)
    return list_page(v.deps, v.actor, scope, user, 0)


def verb_done(v: Verb) -> cards.Message:
    with v.deps.db.session() as session:
        done = [action_items.complete(session, v.deps.clock, v.actor, k) for k in _keys(v.rest, "/action done A-12")]
        for item in done:
            notify_done(v.context, session, v.actor.team_id, item, by=v.actor.user_id, today=v.today)
    messages = [cards.completed(item, today=v.today) for item in done]
    return cards.Message(" ".join(m.text for m in messages), [b for m in messages for b in m.blocks][:50])


def verb_skip(v: Verb) -> cards.Message:
    key, _ = _one_key(v.rest, "/action skip A-12")
    with v.deps.db.session() as session:
        item = item_changes.skip(session, v.deps.clock, v.actor, key)
    what = f"{item.key} skipped. " + (cards.next_occurrence_line(item, v.today) or "That was the series' last one.")
    return cards.changed(item, viewer=v.actor.user_id, today=v.today, what=what, icon="⏭️")


def _simple(change: Callable[..., action_items.ItemView], what: str, usage: str) -> Callable[[Verb], cards.Message]:
    def run(v: Verb) -> cards.Message:
        with v.deps.db.session() as session:
            items = [change(session, v.deps.clock, v.actor, k) for k in _keys(v.rest, usage)]
        messages = [cards.changed(i, viewer=v.actor.user_id, today=v.today, what=f"{i.key} {what}.") for i in items]
        return cards.Message(" ".join(m.text for m in messages), [b for m in messages for b in m.blocks][:50])

    return run


def verb_show(v: Verb) -> cards.Message:
    key, _ = _one_key(v.rest, "/action show A-12")
    with v.deps.db.session(readonly=True) as session:
        item, history = item_changes.show(session, v.actor, key)
    return details.item_details(item, history, viewer=v.actor.user_id, today=v.today, tz=v.actor.tz)


def verb_assign(v: Verb) -> cards.Message:
    key, tail = _one_key(v.rest, "/action assign A-12 @dana")
    owners = mentions(tail)
    if len(owners) != 1:
        raise BadInput(f"Who should own it? Try `/action assign {key} @dana` (one person).")
    people = v.deps.directory.resolve(v.client, v.actor.team_id, owners)
    with v.deps.db.session() as session:
        change = item_changes.assign(session, v.deps.clock, v.actor, key, owners[0], people)
        notify_assignees(v.context, v.actor.team_id, [change.item], by=v.actor.user_id, today=v.today, session=session)
    was = f"<@{change.previous_owner}>" if change.previous_owner else "unassigned"
    what = f"{change.item.key} now belongs to <@{owners[0]}> (was {was})."
    return cards.changed(change.item, viewer=v.actor.user_id, today=v.today, what=what, icon="👤")


def verb_take(v: Verb) -> cards.Message:
    """Take an unassigned item: first come; the answer is its card, now yours."""
    key, _ = _one_key(v.rest, "/action take A-12")
    with v.deps.db.session() as session:
        item = item_changes.take(session, v.deps.clock, v.actor, key)
    return cards.changed(item, viewer=v.actor.user_id, today=v.today, what=f"{item.key} is yours now.", icon="🙋")


def verb_due(v: Verb) -> cards.Message:
    key, tail = _one_key(v.rest, "/action due A-12 Friday")
    if not tail:
        raise BadInput(f"When is it due? Try `/action due {key} Friday` or `/action due {key} none`.")
    due = None
    if tail.lower() not in ("none", "no date", "clear"):
        try:
            due = parse_phrase(tail, _when(v))
        except DateError as exc:
            raise BadInput(date_error_message(exc)) from None
    with v.deps.db.session() as session:
        item = item_changes.set_due(session, v.deps.clock, v.actor, key, due)
    warning = " (that is in the past, so it shows as overdue)" if due and due.day < v.today else ""
    what = f"{item.key} is now {'due ' + tail if due else 'without a due date'}{warning}."
    return cards.changed(item, viewer=v.actor.user_id, today=v.today, what=what, icon="📅")


def verb_snooze(v: Verb) -> cards.Message:
    key, tail = _one_key(v.rest, "/action snooze A-12 Monday")
    until = _date(v, tail) if tail else None
    with v.deps.db.session() as session:
        item = item_changes.snooze(session, v.deps.clock, v.actor, key, until)
    assert item.snoozed_until is not None
    what = f"No reminders about {item.key} until {item.snoozed_until:%a, %b} {item.snoozed_until.day}."
    return cards.changed(item, viewer=v.actor.user_id, today=v.today, what=what, icon="💤")


def verb_edit(v: Verb) -> None:
    key, _ = _one_key(v.rest, "/action edit A-12")
    with v.deps.db.session(readonly=True) as session:
        item, _history = item_changes.show(session, v.actor, key)
        item_changes.check_may_change(session, v.actor, key)
    view = modals.item_modal(
        metadata={"mode": "edit", "key": item.key, "channel": v.actor.channel},
        title=item.title,
        owners=[item.owner] if item.owner else [],
        due_date=item.due_date,
        due_time=item.due_time,
        editing=item.key,
        deliverable=(item.deliverable, item.deliverable_title or "") if item.deliverable else None,
    )
    v.client.views_open(trigger_id=v.command["trigger_id"], view=view)


def verb_export(v: Verb) -> cards.Message:
    """A CSV of this channel's items (in a DM: yours), uploaded after the answer."""
    in_dm = not v.actor.channel or v.actor.channel.startswith("D")
    with v.deps.db.session(readonly=True) as session:
        rows = action_items.export_rows(session, v.actor, mine=in_dm)
    if not rows:
        return cards.refusal("Nothing to export yet: no action items here.")
    v.context[EXPORT_KEY] = {
        "channel": v.actor.channel or v.actor.user_id,
        "user": v.actor.user_id,
        "csv": rows_csv(rows),
        "count": len(rows),
        "today": v.today.isoformat(),
    }
    where = "your action items" if in_dm else f"the action items of <#{v.actor.channel}>"
    return cards.refusal(f"📎 Exporting {len(rows)} rows of {where} as a CSV file…")


def upload_export(context: BoltContext, client: WebClient) -> None:
    """After the answer: upload the CSV file (files_upload_v2) where the command was typed."""
    export = context.get(EXPORT_KEY)
    if not export:
        return
    name = f"followthrough-actions-{export['today']}.csv"
    try:
        client.files_upload_v2(
            channel=export["channel"], content=export["csv"], filename=name, title=f"Action items ({export['count']})"
        )
    except SlackApiError as exc:
        client.chat_postEphemeral(
            channel=export["channel"],
            user=export["user"],
            text=f"I couldn't upload the export: {exc.response.get('error')}.",
        )


VERBS: dict[str, Callable[[Verb], cards.Message | None]] = {
    "add": verb_add,
    "new": verb_add,
    "list": verb_list,
    "ls": verb_list,
    "done": verb_done,
    "complete": verb_done,
    "show": verb_show,
    "reopen": _simple(item_changes.reopen, "is open again", "/action reopen A-12"),
    "skip": verb_skip,
    "cancel": _simple(
        item_changes.cancel, "is cancelled (nothing is deleted; `/action reopen` brings it back)", "/action cancel A-12"
    ),
    "assign": verb_assign,
    "reassign": verb_assign,
    "take": verb_take,
    "due": verb_due,
    "snooze": verb_snooze,
    "nudge": verb_nudge,
    "edit": verb_edit,
    "settings": verb_settings,
    "calendar": verb_calendar,
    "export": verb_export,
}


def parse_page_value(value: str) -> tuple[str, str | None, int]:
    """The Next page button's value."""
    data = json.loads(value)
    return str(data["scope"]), data.get("user"), int(data["offset"])
