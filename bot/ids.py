"""Identifiers Slack sends back to us: action_id, block_id, callback_id (kebab-case)."""

from __future__ import annotations

from enum import StrEnum


class ActionId(StrEnum):
    """Buttons and selects."""

    ITEM_DONE = "item-done"
    ITEM_SNOOZE = "item-snooze"
    ITEM_EDIT = "item-edit"
    ITEM_REASSIGN = "item-reassign"
    ITEM_UNDO = "item-undo"
    ITEM_TAKE = "item-take"
    ITEM_NUDGE = "item-nudge"
    CAPTURE_UNDO = "capture-undo"
    LIST_PAGE = "list-page"
    HOME_NEW_ITEM = "home-new-item"
    HOME_REFRESH = "home-refresh"
    DELIVERABLE_PICK = "deliverable-pick"
    OPEN_SETTINGS = "open-settings"
    GATE_GO = "gate-go"
    GATE_NO_GO = "gate-no-go"


class BlockId(StrEnum):
    """Blocks whose ids we read back (modal inputs)."""

    TITLE = "title"
    OWNERS = "owners"
    DUE_DATE = "due-date"
    DUE_TIME = "due-time"
    DELIVERABLE = "deliverable"
    SNOOZE_DATE = "snooze-date"
    NEW_OWNER = "new-owner"
    REMINDER_HOUR = "reminder-hour"
    WORKING_DAYS = "working-days"
    PAUSED_UNTIL = "paused-until"
    SWITCHES = "switches"
    CAPTURE = "capture"
    REPEAT = "repeat"
    REPEAT_TEXT = "repeat-text"
    CADENCE = "cadence"
    BEFORE_DUE = "before-due"
    HOLIDAY_COUNTRY = "holiday-country"
    GATE_NOTE = "gate-note"


class CallbackId(StrEnum):
    """Modals and shortcuts."""

    ITEM_MODAL = "item-modal"
    SNOOZE_MODAL = "snooze-modal"
    REASSIGN_MODAL = "reassign-modal"
    SETTINGS_MODAL = "settings-modal"
    CAPTURE_MESSAGE = "capture-message"
    NEW_ITEM = "new-action-item"
    GATE_MODAL = "gate-modal"


class PlanActionId(StrEnum):
    """Buttons on deliverable, milestone and review cards."""

    APPROVE = "plan-approve"
    REQUEST_CHANGES = "plan-request-changes"
    SUBMIT = "plan-submit"
    SUBMIT_ANYWAY = "plan-submit-anyway"


class PlanCallbackId(StrEnum):
    """Modals of the planning commands."""

    REQUEST_CHANGES = "plan-request-changes-modal"
    EDIT_DELIVERABLE = "plan-edit-deliverable-modal"
    EDIT_MILESTONE = "plan-edit-milestone-modal"


class PlanBlockId(StrEnum):
    """Input blocks of the planning modals (their values are read back by block_id)."""

    REASON = "plan-reason"
    TITLE = "plan-title"
    OWNER = "plan-owner"
    APPROVER = "plan-approver"
    DUE = "plan-due"
    CRITERIA = "plan-criteria"
    GATE = "plan-gate"
