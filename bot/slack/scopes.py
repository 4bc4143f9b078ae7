"""The bot scopes Followthrough asks for (the same list as manifest.yml; a test keeps them equal)."""

BOT_SCOPES = (
    "app_mentions:read",
    "channels:history",
    "channels:read",
    "chat:write",
    "commands",
    "files:write",
    "groups:history",
    "groups:read",
    "im:read",
    "mpim:read",
    "usergroups:read",
    "users:read",
)
