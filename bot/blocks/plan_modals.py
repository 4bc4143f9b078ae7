"""Modals of the planning commands: request changes (a required reason), edit a deliverable, edit a milestone."""

from __future__ import annotations

from typing import Any

from bot.blocks.common import Block, context, esc, section, user
from bot.blocks.plan_common import quote
from bot.ids import PlanBlockId, PlanCallbackId
from bot.services.deliverables import MAX_TEXT, MAX_TITLE, DeliverableView
from bot.services.milestones import MilestoneView

GATE_OPTION = "gate"


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def _input(block_id: str, label: str, element: dict[str, Any], *, optional: bool = False, hint: str = "") -> Block:
    block: Block = {"type": "input", "block_id": block_id, "label": _plain(label), "element": element}
    if optional:
        block["optional"] = True
    if hint:
        block["hint"] = _plain(hint)
    return block


def _text_input(
    action_id: str, value: str | None, *, multiline: bool = False, max_length: int = MAX_TEXT
) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": action_id, "max_length": max_length}
    if multiline:
        element["multiline"] = True
    if value:
        element["initial_value"] = value[:max_length]
    return element


def _user_select(action_id: str, uid: str | None, placeholder: str) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "users_select", "action_id": action_id, "placeholder": _plain(placeholder)}
    if uid:
        element["initial_user"] = uid
    return element


def _date_picker(action_id: str, value: str | None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "datepicker", "action_id": action_id, "placeholder": _plain("Pick a date")}
    if value:
        element["initial_date"] = value
    return element


def _modal(callback_id: str, title: str, submit: str, metadata: str, blocks: list[Block]) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": metadata,
        "title": _plain(title[:24]),
        "submit": _plain(submit),
        "close": _plain("Cancel"),
        "blocks": blocks,
    }


def request_changes_modal(view: DeliverableView, metadata: str) -> dict[str, Any]:
    """Asks the reviewer what needs to change; the reason is required and goes to the owner."""
    blocks: list[Block] = [section(f"*{view.key}*  {esc(view.title)}\nOwner {user(view.owner)}")]
    if view.acceptance_criteria:
        blocks.append(section("*Acceptance criteria*\n" + quote(view.acceptance_criteria)))
    blocks.append(
        _input(
            PlanBlockId.REASON,
            "What needs to change?",
            {**_text_input("reason", None, multiline=True), "placeholder": _plain("Say what to fix before approval")},
            hint=f"{view.key} goes back to its owner with this reason, in a DM.",
        )
    )
    return _modal(PlanCallbackId.REQUEST_CHANGES, "Request changes", "Send", metadata, blocks)


def edit_deliverable_modal(view: DeliverableView, metadata: str) -> dict[str, Any]:
    """Title, owner, approver, due date and acceptance criteria of a deliverable."""
    blocks: list[Block] = [
        _input(PlanBlockId.TITLE, "Title", _text_input("title", view.title, max_length=MAX_TITLE)),
        _input(PlanBlockId.OWNER, "Owner", _user_select("owner", view.owner, "Who delivers it")),
        _input(
            PlanBlockId.APPROVER,
            "Approver",
            _user_select("approver", view.approver, "Who approves it"),
            optional=True,
            hint="Nobody: the milestone's owner approves, or else whoever created it.",
        ),
        _input(
            PlanBlockId.DUE,
            "Due date",
            _date_picker("due", view.due_date.isoformat() if view.due_date else None),
            optional=True,
        ),
        _input(
            PlanBlockId.CRITERIA,
            "Acceptance criteria",
            _text_input("criteria", view.acceptance_criteria, multiline=True),
            optional=True,
        ),
    ]
    if view.milestone:
        blocks.append(context(f"For {view.milestone} {esc(view.milestone_title or '')}"))
    return _modal(PlanCallbackId.EDIT_DELIVERABLE, f"Edit {view.key}", "Save", metadata, blocks)


def edit_milestone_modal(view: MilestoneView, metadata: str) -> dict[str, Any]:
    """Title, date, owner and gate of a milestone."""
    option = {"text": _plain("Go/no-go gate: needs a decision to be reached"), "value": GATE_OPTION}
    gate: dict[str, Any] = {"type": "checkboxes", "action_id": "gate", "options": [option]}
    if view.gate:
        gate["initial_options"] = [option]
    blocks: list[Block] = [
        _input(PlanBlockId.TITLE, "Title", _text_input("title", view.title, max_length=MAX_TITLE)),
        _input(PlanBlockId.DUE, "Date", _date_picker("due", view.due_date.isoformat())),
        _input(PlanBlockId.OWNER, "Owner", _user_select("owner", view.owner, "Who owns it")),
        _input(PlanBlockId.GATE, "Gate", gate, optional=True),
    ]
    return _modal(PlanCallbackId.EDIT_MILESTONE, f"Edit {view.key}", "Save", metadata, blocks)
