"""The App Home tab: published on app_home_opened (after the ack) and refreshed after clicks there."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.blocks import modals
from bot.blocks.home import home_view
from bot.deps import Deps
from bot.ids import ActionId
from bot.listeners import outbox
from bot.services import settings
from bot.services.common import Actor
from bot.services.home import GROUPS, home_data


def register(app: App) -> None:
    """Attach the Home tab listeners."""
    app.event("app_home_opened")(outbox.after_answer(handle_home_opened, publish_opened, when=(OPENED_KEY,)))
    app.action(ActionId.HOME_REFRESH.value)(handle_refresh)
    app.action(ActionId.HOME_NEW_ITEM.value)(handle_new_item)
    app.action(ActionId.OPEN_SETTINGS.value)(handle_open_settings)


OPENED_KEY = "followthrough_home_opened"  # whose Home tab to publish after the answer


def publish(client: WebClient, deps: Deps, actor: Actor, expand: str | None = None, note: str | None = None) -> None:
    """Build and publish this person's Home tab (with `note` on top: the answer to a click there)."""
    from bot.blocks.plan import review_buttons
    from bot.services.deliverables import awaiting_review

    with deps.db.session(readonly=True) as session:
        data = home_data(session, deps.clock, actor)
        reviews = awaiting_review(session, actor.team_id, actor.user_id)
    view = home_view(data, reviews, review_buttons, today=actor.today(deps.clock), expand=expand, note=note)
    client.views_publish(user_id=actor.user_id, view=view)


def handle_home_opened(ack: Ack, event: dict[str, Any], context: BoltContext, actor: Actor) -> None:
    """The Home tab is published after the answer (the Messages tab needs nothing)."""
    if event.get("tab", "home") == "home":
        context[OPENED_KEY] = actor
    ack()


def publish_opened(context: BoltContext, client: WebClient) -> None:
    """After the answer: publish the Home tab of who opened it."""
    publish(client, Deps.of(context), context[OPENED_KEY])


def handle_refresh(ack: Ack, action: dict[str, Any], context: BoltContext, client: WebClient, actor: Actor) -> None:
    """Refresh, or "Show all" of one group."""
    ack()
    value = str(action.get("value", ""))
    publish(client, Deps.of(context), actor, expand=value if value in GROUPS else None)


def handle_new_item(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
    """➕ New action item: the empty item form."""
    client.views_open(trigger_id=body["trigger_id"], view=modals.item_modal(metadata={"mode": "new", "channel": None}))
    ack()


def handle_open_settings(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient, actor: Actor) -> None:
    """⚙️ Settings from the Home tab (no channel switches there)."""
    deps = Deps.of(context)
    with deps.db.session(readonly=True) as session:
        prefs = settings.prefs(session, actor.team_id, actor.user_id)
    client.views_open(trigger_id=body["trigger_id"], view=modals.settings_modal(prefs, channel=None, capture=None))
    ack()
