"""app_uninstalled and tokens_revoked: stop every send to the workspace and drop its tokens."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.deps import Deps
from bot.services import workspaces

LIFECYCLE_EVENTS = ("app_uninstalled", "tokens_revoked")


def register(app: App) -> None:
    """Attach the lifecycle listeners."""
    app.event("app_uninstalled")(handle_uninstalled)
    app.event("tokens_revoked")(handle_tokens_revoked)


def _drop_tokens(deps: Deps, team_id: str, *, bot_only: bool) -> None:
    store = deps.installation_store
    if store is not None:
        if bot_only:
            store.delete_bot(enterprise_id=None, team_id=team_id)
        else:
            store.delete_all(enterprise_id=None, team_id=team_id)


def handle_uninstalled(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """The app was removed: no more sends, no more tokens; the data stays until `followthrough purge`."""
    deps = Deps.of(context)
    team_id = body.get("team_id") or context.team_id or ""
    with deps.db.session() as session:
        workspaces.deactivate(session, deps.clock, team_id, reason="app uninstalled")
    _drop_tokens(deps, team_id, bot_only=False)
    ack()


def handle_tokens_revoked(ack: Ack, body: dict[str, Any], event: dict[str, Any], context: BoltContext) -> None:
    """Revoked bot tokens stop all sends too (revoked user tokens change nothing: we keep none)."""
    deps = Deps.of(context)
    team_id = body.get("team_id") or context.team_id or ""
    if (event.get("tokens") or {}).get("bot"):
        with deps.db.session() as session:
            workspaces.deactivate(session, deps.clock, team_id, reason="bot token revoked")
        _drop_tokens(deps, team_id, bot_only=True)
    ack()
