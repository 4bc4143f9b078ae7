"""The simulated Slack workspace: users, channels and the bot's own identity."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def tz_offset_seconds(tz: str) -> int:
    """Return the current UTC offset of an IANA zone in seconds (0 when the zone is unknown)."""
    try:
        offset = datetime.now(UTC).astimezone(ZoneInfo(tz)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        return 0
    return int(offset.total_seconds()) if offset is not None else 0


@dataclass
class SimUser:
    """A workspace member (person or bot user)."""

    id: str
    name: str
    real_name: str
    tz: str
    tz_offset: int
    is_bot: bool = False
    deleted: bool = False
    is_admin: bool = False
    bot_id: str | None = None
    app_id: str | None = None

    def to_slack(self, team_id: str) -> dict[str, Any]:
        """Render this user in the shape of a Slack user object (users.info / users.list)."""
        profile: dict[str, Any] = {
            "real_name": self.real_name,
            "real_name_normalized": self.real_name,
            "display_name": "" if self.is_bot else self.name,
            "display_name_normalized": "" if self.is_bot else self.name,
            "first_name": self.real_name.split(" ")[0],
            "last_name": " ".join(self.real_name.split(" ")[1:]),
            "status_text": "",
            "status_emoji": "",
            "avatar_hash": "g" + self.id[-6:].lower(),
            "image_48": f"https://a.slack-edge.com/sim/{self.id}_48.png",
            "team": team_id,
        }
        if self.is_bot:
            profile["bot_id"] = self.bot_id
            profile["always_active"] = True
            if self.app_id:
                profile["api_app_id"] = self.app_id
        else:
            profile["email"] = f"{self.name}@acme-sim.example"
        return {
            "id": self.id,
            "team_id": team_id,
            "name": self.name,
            "deleted": self.deleted,
            "color": "9f69e7",
            "real_name": self.real_name,
            "tz": self.tz,
            "tz_label": self.tz,
            "tz_offset": self.tz_offset,
            "profile": profile,
            "is_admin": self.is_admin,
            "is_owner": False,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "updated": 1700000000,
            "is_email_confirmed": not self.is_bot,
        }


@dataclass
class SimChannel:
    """A channel, private channel or direct-message conversation."""

    id: str
    name: str
    is_private: bool = False
    is_im: bool = False
    members: list[str] = field(default_factory=list)

    def to_slack(self, bot_user_id: str) -> dict[str, Any]:
        """Render this conversation in the shape of conversations.info's `channel` object."""
        if self.is_im:
            user = next((m for m in self.members if m != bot_user_id), bot_user_id)
            return {
                "id": self.id,
                "created": 1700000000,
                "is_im": True,
                "is_channel": False,
                "is_group": False,
                "is_mpim": False,
                "is_private": True,
                "is_member": True,
                "is_org_shared": False,
                "user": user,
                "is_user_deleted": False,
                "priority": 0,
            }
        return {
            "id": self.id,
            "name": self.name,
            "name_normalized": self.name,
            "created": 1700000000,
            "creator": self.members[0] if self.members else "",
            "is_channel": not self.is_private,
            "is_group": self.is_private,
            "is_im": False,
            "is_mpim": False,
            "is_private": self.is_private,
            "is_archived": False,
            "is_general": self.name == "general",
            "is_shared": False,
            "is_ext_shared": False,
            "is_org_shared": False,
            "is_member": bot_user_id in self.members,
            "num_members": len(self.members),
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
        }


@dataclass
class SimUserGroup:
    """A user group (`@design-team`), mentioned as `<!subteam^S…|@handle>`; usergroups.users.list reads it."""

    id: str
    handle: str
    name: str
    users: list[str] = field(default_factory=list)


@dataclass
class World:
    """The whole simulated workspace, shared by the fake Web API and the request sender."""

    team_id: str
    team_domain: str
    team_name: str
    bot_user_id: str
    bot_id: str
    app_id: str
    users: dict[str, SimUser] = field(default_factory=dict)
    channels: dict[str, SimChannel] = field(default_factory=dict)
    usergroups: dict[str, SimUserGroup] = field(default_factory=dict)
    # Scopes the installation was granted without (an install from before they were asked for): methods that need
    # one answer `missing_scope`, as Slack does.
    missing_scopes: set[str] = field(default_factory=set)

    def user_by_name(self, name: str) -> SimUser | None:
        """Find a user by handle (with or without a leading '@')."""
        wanted = name.lstrip("@")
        return next((u for u in self.users.values() if u.name == wanted), None)

    def channel_by_name(self, name: str) -> SimChannel | None:
        """Find a non-DM channel by name (with or without a leading '#')."""
        wanted = name.lstrip("#")
        return next((c for c in self.channels.values() if c.name == wanted and not c.is_im), None)

    def user_by_bot_id(self, bot_id: str) -> SimUser | None:
        """Find the bot user that owns a bot id."""
        return next((u for u in self.users.values() if u.bot_id == bot_id), None)

    def resolve_user(self, ref: str) -> SimUser:
        """Resolve a user id or name ('alice', '@alice', 'U0ALICE'); raise KeyError when unknown."""
        user = self.users.get(ref) or self.user_by_name(ref)
        if user is None:
            raise KeyError(f"unknown simulated user: {ref!r}")
        return user

    def resolve_channel(self, ref: str) -> SimChannel:
        """Resolve a channel id or name ('#general', 'general', 'C0GEN'); a user ref means their DM."""
        channel = self.channels.get(ref) or self.channel_by_name(ref)
        if channel is not None:
            return channel
        user = self.users.get(ref) or (self.user_by_name(ref) if ref.startswith("@") else None)
        if user is not None:
            return self.dm_channel_for(user.id)
        raise KeyError(f"unknown simulated channel: {ref!r}")

    def dm_channel_for(self, user_id: str) -> SimChannel:
        """Return (creating on first use) the bot's direct-message channel with a user."""
        channel_id = "D" + user_id[1:]
        existing = self.channels.get(channel_id)
        if existing is not None:
            return existing
        user = self.users.get(user_id)
        channel = SimChannel(
            id=channel_id,
            name=f"@{user.name}" if user else user_id,
            is_im=True,
            members=[user_id, self.bot_user_id],
        )
        self.channels[channel_id] = channel
        return channel

    def add_user(
        self,
        id: str,
        name: str,
        real_name: str | None = None,
        tz: str = "UTC",
        *,
        is_bot: bool = False,
        deleted: bool = False,
        is_admin: bool = False,
        bot_id: str | None = None,
        app_id: str | None = None,
        channels: tuple[str, ...] = (),
    ) -> SimUser:
        """Add (or replace) a user, optionally joining them to channels given by id or name."""
        user = SimUser(
            id=id,
            name=name,
            real_name=real_name or name.capitalize(),
            tz=tz,
            tz_offset=tz_offset_seconds(tz),
            is_bot=is_bot,
            deleted=deleted,
            is_admin=is_admin,
            bot_id=bot_id,
            app_id=app_id,
        )
        self.users[id] = user
        for ref in channels:
            channel = self.resolve_channel(ref)
            if id not in channel.members:
                channel.members.append(id)
        return user

    def add_channel(
        self, id: str, name: str, members: list[str] | None = None, *, is_private: bool = False
    ) -> SimChannel:
        """Add (or replace) a channel; member ids are copied."""
        channel = SimChannel(id=id, name=name.lstrip("#"), is_private=is_private, members=list(members or []))
        self.channels[id] = channel
        return channel

    def add_usergroup(self, id: str, handle: str, users: list[str], name: str | None = None) -> SimUserGroup:
        """Add (or replace) a user group of these member ids."""
        group = SimUserGroup(id=id, handle=handle.lstrip("@"), name=name or handle.lstrip("@"), users=list(users))
        self.usergroups[id] = group
        return group

    def humans(self) -> list[SimUser]:
        """Return active (not deleted) non-bot users."""
        return [u for u in self.users.values() if not u.is_bot and not u.deleted]


def default_world() -> World:
    """Build the standard simulated workspace used by tests and the developer console."""
    world = World(
        team_id="T0SIM",
        team_domain="acme-sim",
        team_name="Acme (simulated)",
        bot_user_id="U0BOT",
        bot_id="B0BOT",
        app_id="A0FOLLOW",
    )
    world.add_user("U0BOT", "followthrough", "Followthrough", is_bot=True, bot_id="B0BOT", app_id="A0FOLLOW")
    world.add_user("U0ALICE", "alice", "Alice Anderson", "America/New_York", is_admin=True)
    world.add_user("U0BOB", "bob", "Bob Becker", "Europe/Berlin")
    world.add_user("U0CAROL", "carol", "Carol Chen", "Asia/Tokyo")
    world.add_user("U0DANA", "dana", "Dana Diaz", "America/Los_Angeles")
    world.add_user("U0ERIN", "erin", "Erin Evans", "Europe/London", deleted=True)
    world.add_user("U0JIRA", "jirabot", "Jira", is_bot=True, bot_id="B0JIRA", app_id="A0JIRA")
    everyone = [u.id for u in world.humans()] + [world.bot_user_id]
    world.add_channel("C0WEB", "proj-website", everyone + ["U0JIRA"])
    world.add_channel("C0GEN", "general", everyone)
    world.add_channel("G0LEADS", "leads", ["U0ALICE", "U0BOB", world.bot_user_id], is_private=True)
    world.add_usergroup("S0DESIGN", "design-team", ["U0BOB", "U0CAROL"], name="Design team")
    # A meeting-notes app (like Zoom's, Otter's or Fireflies'): it posts as an app, with its own bot and app ids.
    world.add_user(
        "U0NOTES", "notesbot", "Notes", is_bot=True, bot_id="B0NOTES", app_id="A0NOTES", channels=("C0WEB", "C0GEN")
    )
    return world
