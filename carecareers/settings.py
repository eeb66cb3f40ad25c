"""One settings object for every process, read from the environment and `.env`."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = PROJECT_ROOT / "var"
DEV_SECRET_KEY = "dev-only-secret-key"
DEV_RASA_TOKEN = "dev-rasa-token"
PLACEHOLDER_SECRETS = {"", "change-me", "changeme", DEV_SECRET_KEY, DEV_RASA_TOKEN, "secret"}
MIN_SECRET_BYTES = 32
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
FIXED_DAY_ENVIRONMENTS = ("development", "test")


class ConfigurationError(Exception):
    """A setting is missing or unsafe; the message says which and what to do."""


class Settings(BaseSettings):
    # hide_input_in_errors: a refused setting's message must not print the secrets.
    model_config = SettingsConfigDict(env_file=".env", extra="ignore",
                                      hide_input_in_errors=True)

    environment: str = "development"
    database_url: str = f"sqlite:///{VAR_DIR / 'carecareers.db'}"
    content_dir: Path = PROJECT_ROOT / "content"

    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str = DEV_RASA_TOKEN
    rasa_timeout_seconds: float = 20.0
    action_server_url: str = "http://127.0.0.1:5055/webhook"
    action_server_token: str = ""
    tracker_store_url: str = f"sqlite:///{VAR_DIR / 'rasa-tracker.db'}"
    redis_url: str = ""

    web_host: str = "127.0.0.1"
    web_port: int = 8000
    public_base_url: str = "http://127.0.0.1:8000"
    trust_proxy_headers: bool = False
    # Served over HTTPS (directly or behind a TLS proxy): Secure cookies and HSTS everywhere.
    https_only: bool = False
    secret_key: str = DEV_SECRET_KEY

    telegram_bot_token: str = ""
    telegram_bot_username: str = ""
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_webhook_url: str = ""
    telegram_webhook_secret: str = ""

    lead_retention_days: int = 365
    # A lead passed to a provider with no contact after this many working days is flagged
    # "waiting" on the dashboard; after twice as many the person is told (carecareers/outcomes).
    lead_contact_days: int = 5
    # Conversations that never became a lead are kept this long after their last message.
    tracker_retention_days: int = 30

    # Event bookings are deleted this long after their event (check-ins stay as counts).
    event_booking_retention_days: int = 90

    # Job alerts and outgoing messages (carecareers/alerts, carecareers/delivery).
    smtp_url: str = ""  # smtp://user:password@host:587 (STARTTLS when offered), smtps://host:465
    smtp_from: str = "Care Careers <alerts@localhost>"
    alert_min_interval_hours: float = 24.0  # at most one bundle per person in this time
    alert_retention_days: int = 365  # an alert nobody touched for this long expires
    # "Is care for me?" results a person agreed to keep (carecareers/values); a check left
    # part-way is forgotten once the person has been quiet this many minutes.
    values_retention_days: int = 365
    values_check_idle_minutes: int = 30
    # Who staff advisers write for, as people see it on adviser messages in Telegram
    # (provider users write for their provider, by its name).
    adviser_organisation: str = "the Care Careers Partnership"
    alerts_send_every_minutes: int = 15  # how often `make run` runs `alerts send` (0: never)
    # How often `make run` counts the people in the programme picture (`carecareers picture
    # count`; 0: never). A picture page whose counts are older than twice this counts first.
    picture_count_every_minutes: int = 15
    log_level: str = "INFO"
    # `make run` keeps each process's log and the state of each part here.
    run_dir: Path = VAR_DIR / "run"
    # A fixed "today" (the UK date) for everything that asks the clock for the day;
    # development and tests only, so that date cases can be tested through the real stack.
    carecareers_today: date | None = None

    @model_validator(mode="after")
    def _refuse_weak_secrets(self) -> Settings:
        weak = weak_secrets(self)
        if weak and not self.is_development:
            raise ValueError(
                f"{', '.join(weak)} must each be a random value of at least "
                f"{MIN_SECRET_BYTES} bytes outside development (not a placeholder)"
            )
        if weak and self.web_host not in LOOPBACK_HOSTS:
            raise ValueError(
                f"WEB_HOST={self.web_host} with development secrets ({', '.join(weak)}) "
                "would open the app to the network: listen on 127.0.0.1, or set "
                f"random values of at least {MIN_SECRET_BYTES} bytes"
            )
        public = public_settings(self)
        if weak and public:
            raise ValueError(
                f"{', '.join(public)} make the app reachable by other people, so development "
                f"secrets ({', '.join(weak)}) would let them forge chat cookies: set random "
                f"values of at least {MIN_SECRET_BYTES} bytes"
            )
        return self

    @model_validator(mode="after")
    def _refuse_fixed_day_outside_development(self) -> Settings:
        if self.carecareers_today is not None and self.environment not in FIXED_DAY_ENVIRONMENTS:
            raise ValueError(
                f"CARECAREERS_TODAY fixes the day for development and tests only: unset it "
                f"(ENVIRONMENT={self.environment})"
            )
        return self

    @property
    def is_development(self) -> bool:
        return self.environment == "development"

    @property
    def fixed_today(self) -> date | None:
        """CARECAREERS_TODAY (refused outside development and test environments)."""
        return self.carecareers_today if self.environment in FIXED_DAY_ENVIRONMENTS else None

    @property
    def privacy_url(self) -> str:
        """The privacy notice's public address, as links and consent questions give it."""
        return self.public_base_url.rstrip("/") + "/privacy"

    @property
    def actions_token(self) -> str:
        """The token Rasa presents to the action server: its own setting, else RASA_TOKEN."""
        return self.action_server_token or self.rasa_token

    @property
    def telegram_webhook_mode(self) -> bool:
        return bool(self.telegram_webhook_url and self.telegram_webhook_secret)


def is_weak_secret(value: str) -> bool:
    """A placeholder, or shorter than MIN_SECRET_BYTES."""
    return value in PLACEHOLDER_SECRETS or len(value.encode()) < MIN_SECRET_BYTES


def weak_secrets(settings: Settings) -> list[str]:
    """The names of the secrets that are placeholders or too short (empty: all strong)."""
    secrets = {
        "SECRET_KEY": settings.secret_key,
        "RASA_TOKEN": settings.rasa_token,
        "ACTION_SERVER_TOKEN": settings.actions_token,
    }
    if settings.telegram_webhook_url or settings.telegram_webhook_secret:
        secrets["TELEGRAM_WEBHOOK_SECRET"] = settings.telegram_webhook_secret
    return [name for name, value in secrets.items() if is_weak_secret(value)]


def public_settings(settings: Settings) -> list[str]:
    """The settings that put the product in front of other people (empty: this machine only).

    A Telegram bot (polling or webhook) talks to anyone on Telegram; proxy headers, HTTPS
    and a public base URL mean a reverse proxy or a network serves the web app.
    """
    host = urlsplit(settings.public_base_url).hostname or ""
    found = {
        "TELEGRAM_BOT_TOKEN": bool(settings.telegram_bot_token),
        "TELEGRAM_WEBHOOK_URL": bool(settings.telegram_webhook_url),
        "TRUST_PROXY_HEADERS": settings.trust_proxy_headers,
        "HTTPS_ONLY": settings.https_only,
        "PUBLIC_BASE_URL": host not in LOOPBACK_HOSTS,
    }
    return [name for name, public in found.items() if public]


def refuse_exposed_development(settings: Settings, host: str, what: str) -> None:
    """Raise ConfigurationError if `what` would listen beyond this machine on weak secrets."""
    weak = weak_secrets(settings)
    if weak and host not in LOOPBACK_HOSTS:
        raise ConfigurationError(
            f"the {what} would listen on {host} with development secrets ({', '.join(weak)}): "
            f"listen on 127.0.0.1, or set random values of at least {MIN_SECRET_BYTES} bytes"
        )


@lru_cache
def get_settings() -> Settings:
    """Return the settings of this process, read once."""
    try:
        return Settings()
    except ValueError as exc:
        raise ConfigurationError(str(exc)) from exc
