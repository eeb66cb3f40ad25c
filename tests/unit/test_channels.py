"""The channel registry: what the core knows of each channel, read from content/channels.yml."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa_sdk import Tracker

from actions.common import channel_name, channel_of, contact_method_of, delivers_later
from carecareers import channels
from carecareers.campaigns.service import channel_links
from carecareers.catalogue import for_language
from carecareers.channels import ChannelsInvalid, channel_named, load_channels, registered
from carecareers.clock import Clock
from carecareers.conversation.relay import Relay, Turn
from carecareers.conversation.senders import new_web_sender
from carecareers.runtime import status
from carecareers.runtime.launcher import _announce, product_parts
from tests.conftest import make_settings
from tests.support.fake_rasa import FakeRasa
from tests.support.responses import responses


def test_the_registry_knows_each_channel_by_what_it_can_do() -> None:
    web, telegram = channel_named("web"), channel_named("telegram")
    assert web is not None and telegram is not None
    assert [c.name for c in registered()] == ["web", "telegram"]
    assert (web.label, web.delivers_later, web.contact_method, web.link) == (
        "Web chat", False, None, None)
    assert telegram.label == "Telegram" and telegram.delivers_later
    assert telegram.contact_method is not None and telegram.contact_method.answer == "telegram"
    assert telegram.process is not None and telegram.process.module == "bot"
    assert channel_named("sms") is None and not channels.is_registered(None)
    assert channels.label_of("web") == "Web chat" and channels.label_of("sms") == "sms"


def test_every_channel_has_its_own_sender_prefix() -> None:
    web = channel_named("web")
    assert web is not None and new_web_sender().startswith(web.sender_prefix)
    prefixes = [c.sender_prefix for c in registered()]
    assert all(prefixes) and len(set(prefixes)) == len(prefixes)
    assert not any(a != b and a.startswith(b) for a in prefixes for b in prefixes)


def test_an_entry_without_what_the_core_needs_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "channels.yml"
    path.write_text("channels:\n  sms:\n    sender_prefix: sms-\n    delivers_later: true\n")
    with pytest.raises(ChannelsInvalid, match="'sms' has no 'label'"):
        load_channels(path)
    path.write_text("channels: {}\n")
    with pytest.raises(ChannelsInvalid, match="lists no channels"):
        load_channels(path)


def tracker(metadata: dict[str, object]) -> Tracker:
    return Tracker(sender_id="x", slots={}, latest_message={"text": ""},
                   events=[{"event": "user", "text": "", "metadata": metadata}], paused=False,
                   followup_action=None, active_loop={}, latest_action_name="action_listen")


@pytest.mark.parametrize(("metadata", "name", "later", "method"), [
    ({"channel": "web"}, "web", False, None),
    ({"channel": "telegram"}, "telegram", True, "telegram"),
    ({"channel": "sms"}, "unknown", False, None),  # never turned into "web"
    ({}, "unknown", False, None),
])
def test_actions_read_the_channel_and_keep_an_unknown_one_unknown(
        metadata: dict[str, object], name: str, later: bool, method: str | None) -> None:
    t = tracker(metadata)
    assert channel_name(t) == name and delivers_later(t) is later
    assert (channel_of(t) is None) is (name == "unknown")
    offered = contact_method_of(t)
    assert (offered.answer if offered else None) == method


async def test_the_relay_takes_registered_channels_only(tmp_path: Path) -> None:
    rasa = FakeRasa()
    relay = Relay(rasa.client(), f"sqlite:///{tmp_path / 'tracker.db'}", clock=Clock())
    for channel in registered():
        assert (await relay.take(Turn("s1", "hi", channel.name))).answered
    with pytest.raises(ValueError, match="unknown channel 'sms'"):
        await relay.take(Turn("s1", "hi", "sms"))
    assert [r["metadata"]["channel"] for r in rasa.requests] == [c.name for c in registered()]


def test_make_run_starts_a_channels_own_process_only_when_its_setting_is_set(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plain = product_parts(make_settings(tmp_path, run_dir=tmp_path))
    assert [p.spec.name for p in plain] == ["actions", "rasa", "web"]
    with_bot = product_parts(make_settings(tmp_path, run_dir=tmp_path,
                                           telegram_bot_token="123:abc"))
    bot = with_bot[-1]
    assert (bot.spec.name, bot.essential) == ("bot", False)
    assert bot.spec.argv[1:] == ["-m", "bot", "--status-file",
                                 str(tmp_path / status.link_file("telegram"))]
    assert all(p.essential for p in with_bot[:-1])
    _announce(make_settings(tmp_path))
    assert "Telegram (bot):    off (set TELEGRAM_BOT_TOKEN to start it)" in capsys.readouterr().out


def test_the_chat_page_links_each_channel_whose_account_is_set(tmp_path: Path) -> None:
    assert channel_links(make_settings(tmp_path)) == []
    [link] = channel_links(make_settings(tmp_path, telegram_bot_username="@CareBot"), "fb1")
    assert (link.channel.name, link.url, link.shown_account) == (
        "telegram", "https://t.me/CareBot?start=FB1", "@CareBot")
    [untagged] = channel_links(make_settings(tmp_path, telegram_bot_username="CareBot"),
                               "not a code!")
    assert untagged.url == "https://t.me/CareBot"
    assert channel_links(make_settings(tmp_path, telegram_bot_username="bad/name?x=")) == []


def test_what_a_channel_adds_is_worded_in_the_domain_and_the_catalogue() -> None:
    """The registry names the responses that ask for its contact method; the words of its
    link are the catalogue's, under web.channels.<name>."""
    said = responses()
    texts = for_language()
    with_method = [c for c in registered() if c.contact_method is not None]
    with_link = [c for c in registered() if c.link is not None]
    assert with_method and with_link
    for channel in with_method:
        method = channel.contact_method
        assert method is not None
        payloads = [b["payload"] for b in said[method.methods_question][0]["buttons"]]
        assert any(f'"{method.answer}"' in payload for payload in payloads), channel.name
        assert said[method.detail_question][0]["text"], channel.name
    for channel in with_link:
        assert {"continue", "elsewhere", "find_us", "account_shown"} <= set(
            texts.section(f"web.channels.{channel.name}")), channel.name
