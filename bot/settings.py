"""Settings from the environment (CONTRACTS §2); one clear line per bad variable."""

from __future__ import annotations

from collections.abc import Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.errors import ConfigError

DEFAULT_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///followthrough.db"
_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")


class Settings(BaseSettings):
    """Everything an operator sets; secrets stay SecretStr so they never print."""

    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_state_secret: SecretStr | None = None
    slack_api_url: str = DEFAULT_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    followthrough_secret_key: SecretStr | None = None
    followthrough_timezone: str = "UTC"
    followthrough_public_url: str | None = None
    log_level: str = Field(default="INFO")

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token(cls, v: SecretStr | None) -> SecretStr | None:
        if v is not None and not v.get_secret_value().startswith("xoxb-"):
            raise ValueError("must be a bot token starting with xoxb-")
        return v

    @field_validator("slack_app_token")
    @classmethod
    def _app_token(cls, v: SecretStr | None) -> SecretStr | None:
        if v is not None and not v.get_secret_value().startswith("xapp-"):
            raise ValueError("must be an app-level token starting with xapp-")
        return v

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, v: str) -> str:
        if not v.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        return v if v.endswith("/") else v + "/"

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, v: str) -> str:
        try:
            url = make_url(v)
        except ArgumentError as exc:
            raise ValueError("is not a database URL (try sqlite:///followthrough.db)") from exc
        if url.get_backend_name() not in ("sqlite", "postgresql"):
            raise ValueError("must be a sqlite:// or postgresql+psycopg:// URL")
        return v

    @field_validator("followthrough_public_url")
    @classmethod
    def _public_url(cls, v: str | None) -> str | None:
        if v is not None and not v.startswith(("http://", "https://")):
            raise ValueError("must be the https:// address where `followthrough serve` is reachable")
        return v.rstrip("/") if v else v

    @field_validator("followthrough_timezone")
    @classmethod
    def _timezone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"{v!r} is not a time zone (try Europe/Berlin)") from exc
        return v

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, v: str) -> str:
        if v.upper() not in _LEVELS:
            raise ValueError(f"must be one of {', '.join(_LEVELS)}")
        return v.upper()

    @property
    def oauth_enabled(self) -> bool:
        """True when the three OAuth variables are set (multi-workspace mode)."""
        return bool(self.slack_client_id and self.slack_client_secret and self.slack_state_secret)

    @property
    def default_tz(self) -> ZoneInfo:
        """The zone used when a person's is unknown."""
        return ZoneInfo(self.followthrough_timezone)

    def secret(self, name: str) -> str | None:
        """The plain value of a SecretStr setting, or None."""
        value = getattr(self, name)
        return value.get_secret_value() if isinstance(value, SecretStr) else None

    def configure_logging(self, *, json_lines: bool = False) -> None:
        """JSON lines for servers and workers; plain text for people at a console. Tokens are redacted."""
        from bot.logs import configure

        configure(self.log_level, json_lines=json_lines)


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read settings; raise ConfigError naming the first bad variable."""
    try:
        if env is None:
            return Settings()
        lowered = {k.lower(): v for k, v in env.items()}
        fields = {name: lowered[name] for name in Settings.model_fields if name in lowered}
        return Settings.model_validate(fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "environment"
        msg = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{name}: {msg}") from None
