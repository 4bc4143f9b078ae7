"""Deliverables, milestones and outcomes: /deliverable, /milestone, /outcome and their buttons and modals."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import App

from bot.ids import PlanActionId, PlanCallbackId
from bot.listeners import outbox, plan_common, plan_deliverables, plan_milestones, plan_review

PLAN_COMMANDS: tuple[str, ...] = ("/deliverable", "/milestone", "/outcome")


def register(app: App) -> None:
    """Attach the planning listeners; card updates and Home tab refreshes run after the answer."""

    def later(handler: Callable[..., None]) -> Callable[..., None]:
        return outbox.after_answer(
            handler,
            plan_common.update_cards,
            plan_common.refresh_home,
            when=(plan_common.CARD_UPDATES_KEY, plan_common.HOME_REFRESH_KEY),
        )

    app.command("/deliverable")(later(plan_deliverables.handle_deliverable))
    app.command("/milestone")(later(plan_milestones.handle_milestone))
    app.command("/outcome")(later(plan_milestones.handle_outcome))
    app.action(PlanActionId.APPROVE.value)(later(plan_review.handle_approve))
    app.action(PlanActionId.REQUEST_CHANGES.value)(plan_review.handle_request_changes)
    app.action(PlanActionId.SUBMIT.value)(later(plan_review.handle_submit))
    app.action(PlanActionId.SUBMIT_ANYWAY.value)(later(plan_review.handle_submit))
    app.view(PlanCallbackId.REQUEST_CHANGES.value)(later(plan_review.handle_request_changes_submission))
    app.view(PlanCallbackId.EDIT_DELIVERABLE.value)(later(plan_review.handle_edit_deliverable_submission))
    app.view(PlanCallbackId.EDIT_MILESTONE.value)(later(plan_review.handle_edit_milestone_submission))
