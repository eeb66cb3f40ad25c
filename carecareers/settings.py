"""One settings object for every process, read from the environment and `.env`."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = PROJECT_ROOT / "var"
PLACEHOLDER_SECRETS = {"", "change-me", "changeme", "dev-only-secret-key", "secret"}


class ConfigurationError(Exception):
    """A setting is missing or unsafe; the message says which and what to do."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: str = "development"
    database_url: str = f"sqlite:///{VAR_DIR / 'carecareers.db'}"
    content_dir: Path = PROJECT_ROOT / "content"

    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str = "dev-rasa-token"
    rasa_timeout_seconds: float = 20.0
    action_server_url: str = "http://127.0.0.1:5055/webhook"
    action_server_token: str = ""
    tracker_store_url: str = f"sqlite:///{VAR_DIR / 'rasa-tracker.db'}"
    redis_url: str = ""

    web_host: str = "127.0.0.1"
    web_port: int = 8000
    public_base_url: str = "http://127.0.0.1:8000"
    trust_proxy_headers: bool = False
    secret_key: str = "dev-only-secret-key"

    telegram_bot_token: str = ""
    telegram_bot_username: str = ""
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_webhook_url: str = ""
    telegram_webhook_secret: str = ""

    lead_retention_days: int = 365
    log_level: str = "INFO"
    # A fixed "today" for the careers answers (pay rows, review dates); development and
    # tests only, so that date cases can be tested through the real stack.
    carecareers_today: date | None = None

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        if self.environment != "development" and self.secret_key in PLACEHOLDER_SECRETS:
            raise ValueError(
                "SECRET_KEY is a placeholder; set a long random value outside development"
            )
        return self

    @property
    def is_development(self) -> bool:
        return self.environment == "development"

    @property
    def fixed_today(self) -> date | None:
        """CARECAREERS_TODAY, honoured only in development and test environments."""
        return self.carecareers_today if self.environment in ("development", "test") else None

    @property
    def actions_token(self) -> str:
        """The token Rasa presents to the action server: its own setting, else RASA_TOKEN."""
        return self.action_server_token or self.rasa_token

    @property
    def telegram_webhook_mode(self) -> bool:
        return bool(self.telegram_webhook_url and self.telegram_webhook_secret)


@lru_cache
def get_settings() -> Settings:
    """Return the settings of this process, read once."""
    try:
        return Settings()
    except ValueError as exc:
        raise ConfigurationError(str(exc)) from exc
