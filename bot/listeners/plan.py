"""Deliverables, milestones and outcomes: /deliverable, /milestone, /outcome and their buttons and modals."""

from __future__ import annotations

from slack_bolt import App

PLAN_COMMANDS: tuple[str, ...] = ()


def register(app: App) -> None:
    """Attach the planning listeners."""
    return None
