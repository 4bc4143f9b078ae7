"""The bot scopes Followthrough asks for (the same list as manifest.yml; a test keeps them equal)."""

BOT_SCOPES = (
    "app_mentions:read",
    "channels:history",
    "chat:write",
    "commands",
    "files:write",
    "groups:history",
    "usergroups:read",
    "users:read",
)
