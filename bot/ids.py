"""Identifiers Slack sends back to us: action_id, block_id, callback_id (kebab-case)."""

from __future__ import annotations

from enum import StrEnum


class ActionId(StrEnum):
    """Buttons and selects."""

    ITEM_DONE = "item-done"


class BlockId(StrEnum):
    """Blocks whose ids we read back."""

    ITEM_ACTIONS = "item-actions"
