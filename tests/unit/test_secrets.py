"""Secrets fail closed: no placeholder or short secret outside development, and no
development secret on an address other machines can reach."""

from __future__ import annotations

from pathlib import Path

import pytest

from carecareers.runtime.processes import rasa_environment, rasa_spec
from carecareers.settings import (
    DEV_RASA_TOKEN,
    DEV_SECRET_KEY,
    ConfigurationError,
    Settings,
    get_settings,
    refuse_exposed_development,
    weak_secrets,
)

STRONG = "s" * 32
STRONG_SETTINGS = {"secret_key": STRONG, "rasa_token": "r" * 32}


def production(**values: object) -> Settings:
    return Settings(_env_file=None, environment="production",  # type: ignore[call-arg]
                    **{**STRONG_SETTINGS, **values})


def test_production_with_strong_secrets_starts() -> None:
    assert production().actions_token == "r" * 32
    assert production(telegram_webhook_url="https://x.org/hook",
                      telegram_webhook_secret="w" * 32).telegram_webhook_mode


@pytest.mark.parametrize(("name", "value"), [
    ("secret_key", DEV_SECRET_KEY), ("secret_key", "change-me"), ("secret_key", "x" * 31),
    ("rasa_token", DEV_RASA_TOKEN), ("rasa_token", ""), ("rasa_token", "short-token"),
    ("action_server_token", "a" * 31),
    ("telegram_webhook_secret", "w" * 31),
])
def test_production_refuses_a_placeholder_or_short_secret(name: str, value: str) -> None:
    extra = {"telegram_webhook_url": "https://x.org/hook"} if "webhook" in name else {}
    with pytest.raises(ValueError, match=name.upper()):
        production(**{name: value, **extra})


def test_a_webhook_url_without_a_secret_is_refused_outside_development() -> None:
    with pytest.raises(ValueError, match="TELEGRAM_WEBHOOK_SECRET"):
        production(telegram_webhook_url="https://x.org/hook")


def test_the_length_is_counted_in_bytes_and_the_message_shows_no_secret() -> None:
    with pytest.raises(ValueError) as refused:
        production(secret_key="é" * 15)  # 30 bytes
    assert "é" not in str(refused.value)
    assert "r" * 32 not in str(refused.value)  # nor the other, good, ones
    assert production(secret_key="é" * 16).secret_key  # 32 bytes


def test_get_settings_turns_a_refusal_into_a_configuration_error(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("SECRET_KEY", STRONG)
    monkeypatch.setenv("RASA_TOKEN", "too-short")
    get_settings.cache_clear()
    try:
        with pytest.raises(ConfigurationError, match="RASA_TOKEN"):
            get_settings()
    finally:
        get_settings.cache_clear()


def test_development_defaults_run_on_localhost() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.is_development
    assert weak_secrets(settings) == ["SECRET_KEY", "RASA_TOKEN", "ACTION_SERVER_TOKEN"]
    for host in ("127.0.0.1", "localhost", "::1"):
        assert Settings(_env_file=None, web_host=host)  # type: ignore[call-arg]


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::"])
def test_development_defaults_on_another_address_are_refused(host: str) -> None:
    with pytest.raises(ValueError, match="WEB_HOST"):
        Settings(_env_file=None, web_host=host)  # type: ignore[call-arg]


def test_development_with_strong_secrets_may_listen_anywhere() -> None:
    assert Settings(_env_file=None, web_host="0.0.0.0", **STRONG_SETTINGS)  # type: ignore[call-arg]


def test_other_servers_refuse_to_listen_beyond_localhost_on_development_secrets() -> None:
    weak = Settings(_env_file=None)  # type: ignore[call-arg]
    refuse_exposed_development(weak, "127.0.0.1", "action server")
    with pytest.raises(ConfigurationError, match="action server would listen on 0.0.0.0"):
        refuse_exposed_development(weak, "0.0.0.0", "action server")
    strong = Settings(_env_file=None, **STRONG_SETTINGS)  # type: ignore[call-arg]
    refuse_exposed_development(strong, "0.0.0.0", "action server")


def test_rasa_gets_its_tokens_from_the_environment_not_the_command_line(
        tmp_path: Path) -> None:
    settings = Settings(_env_file=None, **STRONG_SETTINGS)  # type: ignore[call-arg]
    spec = rasa_spec(settings, 5005, tmp_path / "model.tar.gz")
    assert not any(settings.rasa_token in arg for arg in spec.argv)
    assert "--auth-token" not in spec.argv
    assert spec.env["RASA_AUTH_TOKEN"] == settings.rasa_token
    assert spec.env["RASA_CHANNEL_TOKEN"] == settings.rasa_token
    assert rasa_environment(settings)["RASA_CHANNEL_TOKEN"] == settings.rasa_token
    assert spec.argv[1:3] == ["-m", "rasa_plugins.serve"]
    assert "--interface" in spec.argv and "127.0.0.1" in spec.argv


def test_make_run_refuses_another_address_with_development_secrets(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        ) -> None:
    from carecareers.runtime import launcher

    monkeypatch.chdir(tmp_path)  # no .env
    for name in ("SECRET_KEY", "RASA_TOKEN", "ACTION_SERVER_TOKEN", "ENVIRONMENT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WEB_HOST", "0.0.0.0")
    started: list[object] = []
    monkeypatch.setattr(launcher, "run_stack", started.append)
    get_settings.cache_clear()
    try:
        assert launcher.main() == 2
    finally:
        get_settings.cache_clear()
    assert started == []
    assert "WEB_HOST=0.0.0.0 with development secrets" in capsys.readouterr().err


# Anything that makes the product reachable from outside this machine refuses development
# secrets: a Telegram user's sender id is a keyed hash of their public user id, so with the
# public SECRET_KEY anyone could forge their chat cookie.
PUBLIC_SETTINGS = [
    ("TELEGRAM_BOT_TOKEN", {"telegram_bot_token": "123456:ABC"}),
    ("TELEGRAM_WEBHOOK_URL", {"telegram_webhook_url": "https://bot.example.org/hook",
                              "telegram_webhook_secret": "w" * 32}),
    ("TRUST_PROXY_HEADERS", {"trust_proxy_headers": True}),
    ("HTTPS_ONLY", {"https_only": True}),
    ("PUBLIC_BASE_URL", {"public_base_url": "https://care.example.org"}),
    ("PUBLIC_BASE_URL", {"public_base_url": "http://192.168.1.20:8000"}),
]


@pytest.mark.parametrize(("setting", "values"), PUBLIC_SETTINGS)
def test_development_secrets_are_refused_when_anything_public_is_configured(
        setting: str, values: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=setting) as refused:
        Settings(_env_file=None, **values)  # type: ignore[arg-type]
    assert "SECRET_KEY" in str(refused.value)
    assert Settings(_env_file=None, **{**STRONG_SETTINGS, **values})  # type: ignore[arg-type]


def test_a_bot_token_behind_a_proxy_without_environment_refuses_the_default_key() -> None:
    """The README's Telegram example with a reverse proxy in front, ENVIRONMENT unset."""
    with pytest.raises(ValueError, match="SECRET_KEY"):
        Settings(_env_file=None, telegram_bot_token="123456:ABC",  # type: ignore[call-arg]
                 trust_proxy_headers=True, public_base_url="https://care.example.org",
                 rasa_token="r" * 32)


def test_a_weak_webhook_secret_is_refused_in_development() -> None:
    with pytest.raises(ValueError, match="TELEGRAM_WEBHOOK_SECRET"):
        Settings(_env_file=None, telegram_webhook_url="https://bot.example.org/hook",  # type: ignore[call-arg]
                 telegram_webhook_secret="short", **STRONG_SETTINGS)


@pytest.mark.parametrize("base_url", ["http://127.0.0.1:8000", "http://localhost:8000/",
                                      "http://[::1]:8000"])
def test_a_loopback_public_base_url_is_not_public(base_url: str) -> None:
    assert Settings(_env_file=None, public_base_url=base_url)  # type: ignore[call-arg]
