"""Deliverables, milestones and outcomes: /deliverable, /milestone, /outcome and their buttons and modals."""

from __future__ import annotations

from slack_bolt import App

from bot.ids import PlanActionId, PlanCallbackId
from bot.listeners import outbox, plan_common, plan_deliverables, plan_milestones, plan_review

PLAN_COMMANDS: tuple[str, ...] = ("/deliverable", "/milestone", "/outcome")


def register(app: App) -> None:
    """Attach the planning listeners; DMs and card updates go out in lazy listeners after the answer."""
    lazy = [outbox.flush, plan_common.update_cards, plan_common.refresh_home]
    app.command("/deliverable")(ack=plan_deliverables.handle_deliverable, lazy=lazy)
    app.command("/milestone")(ack=plan_milestones.handle_milestone, lazy=lazy)
    app.command("/outcome")(ack=plan_milestones.handle_outcome, lazy=lazy)
    app.action(PlanActionId.APPROVE.value)(ack=plan_review.handle_approve, lazy=lazy)
    app.action(PlanActionId.REQUEST_CHANGES.value)(plan_review.handle_request_changes)
    app.action(PlanActionId.SUBMIT.value)(ack=plan_review.handle_submit, lazy=lazy)
    app.action(PlanActionId.SUBMIT_ANYWAY.value)(ack=plan_review.handle_submit_anyway, lazy=lazy)
    app.view(PlanCallbackId.REQUEST_CHANGES.value)(ack=plan_review.handle_request_changes_submission, lazy=lazy)
    app.view(PlanCallbackId.EDIT_DELIVERABLE.value)(ack=plan_review.handle_edit_deliverable_submission, lazy=lazy)
    app.view(PlanCallbackId.EDIT_MILESTONE.value)(ack=plan_review.handle_edit_milestone_submission, lazy=lazy)
