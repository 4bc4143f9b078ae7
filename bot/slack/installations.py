"""OAuth for many workspaces: installations, state and token rotation in our database."""
# Installations and OAuth state in our database; tokens sealed at rest; token rotation under a row lock so two
# requests never refresh the same token at once.

from __future__ import annotations

import logging
import secrets
import time
from datetime import UTC, datetime, timedelta
from logging import Logger
from typing import Any

from slack_bolt import BoltContext
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import Authorize
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Bot, Installation, InstallationStore
from slack_sdk.oauth.state_store import OAuthStateStore
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy import delete, select

from bot.clock import Clock
from bot.services import workspaces
from bot.slack.tokens import TokenCipher
from storage.db import Database
from storage.models import Installation as InstallationRow
from storage.models import OAuthState
from storage.repositories.common import upsert

log = logging.getLogger(__name__)
STATE_TTL = timedelta(minutes=10)
ROTATE_BEFORE = timedelta(hours=2)


def _ts(value: datetime | None) -> int | None:
    return int(value.timestamp()) if value else None


class DatabaseInstallationStore(InstallationStore):
    """One row per workspace (bot tokens only: Followthrough keeps no user tokens)."""

    def __init__(self, db: Database, clock: Clock, cipher: TokenCipher) -> None:
        self.db, self.clock, self.cipher = db, clock, cipher

    @property
    def logger(self) -> Logger:
        return log

    def save(self, installation: Installation) -> None:
        """Store (or replace) a workspace's bot installation and mark the workspace active."""
        team_id = installation.team_id or ""
        expires = installation.bot_token_expires_at
        with self.db.session() as session:
            upsert(
                session,
                InstallationRow,
                ["team_id"],
                {
                    "team_id": team_id,
                    "enterprise_id": installation.enterprise_id,
                    "team_name": installation.team_name or "",
                    "app_id": installation.app_id,
                    "bot_user_id": installation.bot_user_id,
                    "bot_id": installation.bot_id,
                    "bot_scopes": ",".join(installation.bot_scopes or []),
                    "bot_token": self.cipher.seal(installation.bot_token) or "",
                    "bot_refresh_token": self.cipher.seal(installation.bot_refresh_token),
                    "bot_token_expires_at": datetime.fromtimestamp(expires, UTC) if expires else None,
                    "installer_user_id": installation.user_id,
                    "installed_at": self.clock.now(),
                    "updated_at": self.clock.now(),
                },
                [
                    "enterprise_id",
                    "team_name",
                    "app_id",
                    "bot_user_id",
                    "bot_id",
                    "bot_scopes",
                    "bot_token",
                    "bot_refresh_token",
                    "bot_token_expires_at",
                    "installer_user_id",
                    "updated_at",
                ],
            )
            workspaces.activate(session, self.clock, team_id, installation.team_name or "")

    def save_bot(self, bot: Bot) -> None:
        """Bolt's token rotation saves refreshed bots through here."""
        self.save(
            Installation(
                app_id=bot.app_id,
                enterprise_id=bot.enterprise_id,
                team_id=bot.team_id,
                team_name=bot.team_name,
                bot_token=bot.bot_token,
                bot_id=bot.bot_id,
                bot_user_id=bot.bot_user_id,
                bot_scopes=bot.bot_scopes,
                bot_refresh_token=bot.bot_refresh_token,
                bot_token_expires_at=bot.bot_token_expires_at,
                user_id="",
                installed_at=bot.installed_at,
            )
        )

    def _row(self, team_id: str | None) -> InstallationRow | None:
        if not team_id:
            return None
        with self.db.session(readonly=True) as session:
            return session.get(InstallationRow, team_id)

    def find_bot(
        self, *, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None = False
    ) -> Bot | None:
        installation = self.find_installation(enterprise_id=enterprise_id, team_id=team_id)
        return installation.to_bot() if installation is not None else None

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        row = self._row(team_id)
        token = self.cipher.open(row.bot_token) if row else None
        if row is None or token is None:
            return None
        return Installation(
            app_id=row.app_id,
            enterprise_id=row.enterprise_id,
            team_id=row.team_id,
            team_name=row.team_name,
            bot_token=token,
            bot_id=row.bot_id,
            bot_user_id=row.bot_user_id,
            bot_scopes=row.bot_scopes,
            bot_refresh_token=self.cipher.open(row.bot_refresh_token),
            bot_token_expires_at=_ts(row.bot_token_expires_at),
            user_id=row.installer_user_id or "",
            installed_at=row.installed_at.timestamp(),
        )

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self.delete_all(enterprise_id=enterprise_id, team_id=team_id)

    def delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        self.delete_all(enterprise_id=enterprise_id, team_id=team_id)

    def delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        if not team_id:
            return
        with self.db.session() as session:
            session.execute(delete(InstallationRow).where(InstallationRow.team_id == team_id))  # type: ignore[arg-type]


class DatabaseStateStore(OAuthStateStore):
    """One-time OAuth state values that expire after 10 minutes."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db, self.clock = db, clock

    @property
    def logger(self) -> Logger:
        return log

    def issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(24)
        with self.db.session() as session:
            session.add(OAuthState(state=state, expires_at=self.clock.now() + STATE_TTL))
        return state

    def consume(self, state: str) -> bool:
        with self.db.session() as session:
            row = session.get(OAuthState, state)
            if row is None:
                return False
            session.delete(row)
            return row.expires_at > self.clock.now()


class LockingAuthorize(Authorize):
    """Bot token for the request's workspace; an expiring rotating token is refreshed by one request at a time."""

    def __init__(self, store: DatabaseInstallationStore, client: WebClient, client_id: str, client_secret: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.store = store
        self.rotator = TokenRotator(client_id=client_id, client_secret=client_secret, client=client)

    def __call__(
        self, *, context: BoltContext, enterprise_id: str | None, team_id: str | None, user_id: str | None, **_: Any
    ) -> AuthorizeResult | None:
        bot = self.store.find_bot(enterprise_id=enterprise_id, team_id=team_id)
        if bot is None:
            return None
        if bot.bot_token_expires_at and bot.bot_refresh_token and self._expiring(bot):
            bot = self._rotate(team_id or "") or bot
        return AuthorizeResult(
            enterprise_id=bot.enterprise_id,
            team_id=bot.team_id,
            team=bot.team_name,
            bot_user_id=bot.bot_user_id,
            bot_id=bot.bot_id,
            bot_token=bot.bot_token,
            bot_scopes=bot.bot_scopes,
            user_id=user_id,
        )

    def _expiring(self, bot: Bot) -> bool:
        # Token expiry is a fact of the real world (slack_sdk's rotator compares it with time() as well).
        expires = bot.bot_token_expires_at or 0
        return expires <= time.time() + ROTATE_BEFORE.total_seconds()

    def _rotate(self, team_id: str) -> Bot | None:
        """Under a row lock: whoever waited sees the token the first one refreshed, and does not refresh again."""
        db = self.store.db
        with db.session() as session:
            # A row lock on PostgreSQL; SQLite renders no FOR UPDATE (its BEGIN IMMEDIATE already serialises).
            query = select(InstallationRow).where(InstallationRow.team_id == team_id).with_for_update()  # type: ignore[arg-type]
            row = session.execute(query).scalar_one_or_none()
            if row is None:
                return None
            current = Bot(
                app_id=row.app_id,
                team_id=row.team_id,
                team_name=row.team_name,
                bot_token=self.store.cipher.open(row.bot_token) or "",
                bot_id=row.bot_id or "",
                bot_user_id=row.bot_user_id or "",
                bot_scopes=row.bot_scopes,
                bot_refresh_token=self.store.cipher.open(row.bot_refresh_token),
                bot_token_expires_at=_ts(row.bot_token_expires_at),
                installed_at=row.installed_at.timestamp(),
            )
            if not self._expiring(current):
                return current
            refreshed = self.rotator.perform_bot_token_rotation(
                bot=current, minutes_before_expiration=int(ROTATE_BEFORE.total_seconds() // 60)
            )
            if refreshed is None:
                return current
            row.bot_token = self.store.cipher.seal(refreshed.bot_token) or ""
            row.bot_refresh_token = self.store.cipher.seal(refreshed.bot_refresh_token)
            expires = refreshed.bot_token_expires_at
            row.bot_token_expires_at = datetime.fromtimestamp(expires, UTC) if expires else None
            row.updated_at = self.store.clock.now()
            session.add(row)
            return refreshed
