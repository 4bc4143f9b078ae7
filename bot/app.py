"""create_app: the Bolt app, its listeners and the one error handler."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, BoltRequest, BoltResponse
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import InstallationStore
from slack_sdk.webhook import WebhookClient
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.blocks.cards import refusal
from bot.clock import Clock
from bot.deps import CONTEXT_KEY, Deps
from bot.errors import DomainError
from bot.listeners import (
    acting,
    actions,
    capture_confirm,
    commands,
    digest,
    events,
    gates,
    home,
    lifecycle,
    nudge,
    plan,
    shortcuts,
    views,
)
from bot.logs import describe_request, request_context
from bot.settings import Settings
from bot.slack.client import make_client
from bot.slack.directory import PeopleDirectory
from storage.db import Database

log = logging.getLogger(__name__)
TRY_AGAIN = "Something went wrong on our side. Please try again in a minute."
DATABASE_DOWN = "Followthrough's database is not answering right now. Please try again in a minute."


def create_app(
    settings: Settings,
    clock: Clock,
    db: Database,
    client: WebClient | None = None,
    *,
    token_verification: bool = True,
    people_in_memory: bool = False,
) -> App:
    """Build the Bolt app in `process_before_response` mode: the answer leaves when the listener returns."""
    oauth = settings.oauth_enabled and settings.slack_bot_token is None
    client = client or make_client(settings, token="" if oauth else None, retries=1)
    deps = Deps(
        settings=settings,
        db=db,
        clock=clock,
        directory=PeopleDirectory(db, clock),
    )
    if people_in_memory:  # a long-lived web worker: every cached person kept in memory, refreshed in the background
        deps.directory.keep_fresh()
    extra: dict[str, Any] = {}
    if oauth:
        deps.installation_store, extra = _oauth(settings, clock, db, client)
    app = App(
        # In single-workspace mode the client carries the bot token; Bolt takes it from there.
        signing_secret=settings.secret("slack_signing_secret") or "",
        client=client,
        process_before_response=True,
        token_verification_enabled=token_verification,
        logger=logging.getLogger("bot.bolt"),
        **extra,
    )

    def inject(context: BoltContext, body: dict[str, Any], next: Callable[[], BoltResponse]) -> BoltResponse:  # noqa: A002
        context[CONTEXT_KEY] = deps
        token = request_context.set(describe_request(body))
        try:
            return next()
        finally:
            request_context.reset(token)

    app.use(inject)
    app.use(acting.resolve_actor)
    commands.register(app)
    actions.register(app)
    capture_confirm.register(app)
    events.register(app)
    home.register(app)
    shortcuts.register(app)
    views.register(app)
    digest.register(app)
    gates.register(app)
    lifecycle.register(app)
    nudge.register(app)
    plan.register(app)
    # Registered last, so they only see what nothing else handled: a stale button from an old message, an
    # event we do not act on. Acknowledge them, or Slack shows an error (actions) or retries (events).
    app.action(re.compile(".*"))(_ack_quietly)
    app.event(re.compile(".*"))(_ack_quietly)
    app.error(handle_error)
    return app


def _oauth(
    settings: Settings, clock: Clock, db: Database, client: WebClient
) -> tuple[InstallationStore, dict[str, Any]]:
    """Bolt's OAuth flow with our stores; its client (and so oauth.v2.access) points at SLACK_API_URL."""
    from slack_bolt.oauth.oauth_settings import OAuthSettings

    from bot.slack.installations import DatabaseInstallationStore, DatabaseStateStore, LockingAuthorize
    from bot.slack.scopes import BOT_SCOPES
    from bot.slack.tokens import TokenCipher

    cipher = TokenCipher(settings.secret("followthrough_secret_key"))
    if not cipher.encrypting:
        log.warning("FOLLOWTHROUGH_SECRET_KEY is not set: bot tokens are stored unencrypted")
    store = DatabaseInstallationStore(db, clock, cipher)
    client_id, client_secret = settings.slack_client_id or "", settings.secret("slack_client_secret") or ""
    oauth_settings = OAuthSettings(
        client_id=client_id,
        client_secret=client_secret,
        scopes=list(BOT_SCOPES),
        user_scopes=[],
        installation_store=store,
        state_store=DatabaseStateStore(db, clock),
        install_path="/slack/install",
        redirect_uri_path="/slack/oauth_redirect",
        authorization_url=settings.slack_api_url.removesuffix("api/") + "oauth/v2/authorize",
    )
    authorize = LockingAuthorize(store, client, client_id, client_secret)
    return store, {"oauth_settings": oauth_settings, "authorize": authorize}


def _ack_quietly(ack: Ack, body: dict[str, Any]) -> None:
    log.debug("acknowledged an unhandled %s", body.get("type"))
    ack()


def _payload_kind(body: dict[str, Any]) -> str:
    if "command" in body:
        return "command"
    kind = str(body.get("type", ""))
    return kind or "unknown"


def database_unavailable(error: BaseException) -> bool:
    """True for errors that mean "the database is not answering" rather than a bug: worth a retry, not a traceback."""
    if isinstance(error, OperationalError | PoolTimeout):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


def _first_line(error: BaseException) -> str:
    cause = getattr(error, "orig", None) or error
    return (str(cause).strip().splitlines() or [type(cause).__name__])[0]


def handle_error(error: Exception, body: dict[str, Any], request: BoltRequest) -> BoltResponse:
    """Domain errors become a one-line ephemeral answer; anything else: a short apology, or a 5xx for events."""
    kind = _payload_kind(body)
    if isinstance(error, DomainError):
        message = error.message
    elif database_unavailable(error):
        # One line per request during an outage, not a traceback each: the cause is known and says itself.
        log.error("database unavailable in a %s listener: %s", kind, _first_line(error))
        message = DATABASE_DOWN
    else:
        log.exception("unhandled error in a %s listener", kind, exc_info=error)
        message = TRY_AGAIN
    if kind == "event_callback":
        # A domain error in an event is final; anything else must be retried by Slack.
        return BoltResponse(status=200 if isinstance(error, DomainError) else 500, body="")
    answer = refusal(message)
    payload = {"response_type": "ephemeral", "text": answer.text, "blocks": answer.blocks}
    if kind == "command":
        return BoltResponse(status=200, body=json.dumps(payload), headers={"content-type": "application/json"})
    if kind == "view_submission":
        # Keep the person in the modal and tell them why, instead of closing it silently.
        view = {
            "type": "modal",
            "title": {"type": "plain_text", "text": "Followthrough"},
            "close": {"type": "plain_text", "text": "Close"},
            "blocks": answer.blocks,
        }
        body_json = json.dumps({"response_action": "update", "view": view})
        return BoltResponse(status=200, body=body_json, headers={"content-type": "application/json"})
    response_url = body.get("response_url") or next(
        (u.get("response_url") for u in body.get("response_urls", []) if u.get("response_url")), None
    )
    if response_url:
        try:
            WebhookClient(response_url, timeout=5).send_dict({**payload, "replace_original": False})
        except Exception:  # noqa: BLE001 - the answer is best effort; the error is already logged
            log.warning("could not send the error answer to response_url")
    return BoltResponse(status=200, body="")
