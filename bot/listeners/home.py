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


def publish(client: WebClient, deps: Deps, actor: Actor, expand: str | None = None) -> None:
    """Build and publish this person's Home tab."""
    from bot.blocks.plan import review_buttons
    from bot.services.deliverables import awaiting_review

    with deps.db.session(readonly=True) as session:
        data = home_data(session, deps.clock, actor)
        reviews = awaiting_review(session, actor.team_id, actor.user_id)
    view = home_view(data, reviews, review_buttons, today=actor.today(deps.clock), expand=expand)
    client.views_publish(user_id=actor.user_id, view=view)


def handle_home_opened(
    ack: Ack, event: dict[str, Any], body: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """The Home tab is published after the answer (the Messages tab needs nothing)."""
    if event.get("tab", "home") == "home":
        context[OPENED_KEY] = (body.get("team_id") or context.team_id or "", event["user"])
    ack()


def publish_opened(context: BoltContext, client: WebClient) -> None:
    """After the answer: publish the Home tab of who opened it."""
    team_id, user_id = context[OPENED_KEY]
    deps = Deps.of(context)
    publish(client, deps, deps.actor(client, team_id, user_id, None, private=True))


def _clicker(deps: Deps, client: WebClient, body: dict[str, Any]) -> Actor:
    team_id = (body.get("team") or {}).get("id") or body["user"].get("team_id", "")
    return deps.actor(client, team_id, body["user"]["id"], None, private=True)


def handle_refresh(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Refresh, or "Show all" of one group."""
    ack()
    deps = Deps.of(context)
    value = str(action.get("value", ""))
    publish(client, deps, _clicker(deps, client, body), expand=value if value in GROUPS else None)


def handle_new_item(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    """➕ New action item: the empty item form."""
    client.views_open(trigger_id=body["trigger_id"], view=modals.item_modal(metadata={"mode": "new", "channel": None}))
    ack()


def handle_open_settings(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    """⚙️ Settings from the Home tab (no channel switches there)."""
    deps = Deps.of(context)
    actor = _clicker(deps, client, body)
    with deps.db.session(readonly=True) as session:
        prefs = settings.prefs(session, actor.team_id, actor.user_id)
    client.views_open(trigger_id=body["trigger_id"], view=modals.settings_modal(prefs, channel=None, capture_on=False))
    ack()
