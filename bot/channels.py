"""Messenger channels (Telegram, Slack, Microsoft Teams via Bot Framework) switched on by environment.

credentials.yml holds the channels that are always on (REST, socket.io). A messenger is added
when its environment variables are set: `python -m bot serve` writes the effective credentials
to var/credentials.effective.yml and starts Rasa with that file, so connecting a messenger
needs configuration only. Pure functions, no Rasa import.

Slack, Bot Framework and Telegram are registered under the module path of small subclasses in
rasa_ext/channels.py (native buttons); their webhook URLs stay /webhooks/<name>/webhook.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Tuple, Union

import yaml


@dataclass(frozen=True)
class Channel:
    name: str  # Rasa's channel name, part of the webhook URL
    label: str  # shown to operators
    key: str  # key in the credentials file (input channel class)
    required: Tuple[Tuple[str, str], ...]  # (environment variable, credentials field)
    optional: Tuple[Tuple[str, str], ...] = ()

    @property
    def webhook_path(self) -> str:
        return f"/webhooks/{self.name}/webhook"

    @property
    def aliases(self) -> Tuple[str, str]:
        """Keys under which credentials.yml may already configure this channel."""
        return (self.name, self.key)

    @property
    def variables(self) -> Tuple[str, ...]:
        return tuple(var for var, _ in self.required + self.optional)


CHANNELS: Tuple[Channel, ...] = (
    Channel(
        "telegram",
        "Telegram",
        "rasa_ext.channels.TelegramInput",
        required=(
            ("TELEGRAM_ACCESS_TOKEN", "access_token"),
            ("TELEGRAM_VERIFY", "verify"),
            ("TELEGRAM_WEBHOOK_URL", "webhook_url"),
        ),
        # Sent by Telegram with every update; without it a secret derived from the key is used.
        optional=(("TELEGRAM_SECRET_TOKEN", "secret_token"),),
    ),
    Channel(
        "slack",
        "Slack",
        "rasa_ext.channels.SlackInput",
        required=(("SLACK_TOKEN", "slack_token"), ("SLACK_SIGNING_SECRET", "slack_signing_secret")),
        optional=(("SLACK_CHANNEL", "slack_channel"),),
    ),
    Channel(
        "botframework",
        "Microsoft Teams (Bot Framework)",
        "rasa_ext.channels.BotFrameworkInput",
        required=(("BOTFRAMEWORK_APP_ID", "app_id"), ("BOTFRAMEWORK_APP_PASSWORD", "app_password")),
        # The Entra tenant of a single-tenant bot (the only kind Azure creates since July 2025);
        # without it the token comes from "botframework.com" (older multi-tenant bots).
        optional=(("BOTFRAMEWORK_TENANT_ID", "tenant_id"),),
    ),
)


def _value(env: Mapping[str, str], name: str) -> str:
    return (env.get(name) or "").strip()


def _channel_credentials(channel: Channel, env: Mapping[str, str]) -> Optional[Dict[str, str]]:
    """The channel's credentials, None if none of its variables is set."""
    if not any(_value(env, var) for var in channel.variables):
        return None
    missing = [var for var, _ in channel.required if not _value(env, var)]
    if missing:
        given = ", ".join(var for var in channel.variables if _value(env, var))
        raise ValueError(
            f"{channel.label} ist nur teilweise eingerichtet: es fehlt {', '.join(missing)} "
            f"(gesetzt ist {given}). Entweder alle Variablen setzen oder keine."
        )
    credentials = {field: _value(env, var) for var, field in channel.required}
    credentials.update({field: _value(env, var) for var, field in channel.optional if _value(env, var)})
    if channel.name == "telegram":
        # Telegram accepts webhooks over HTTPS only; getMe returns the user name without "@".
        if not credentials["webhook_url"].startswith("https://"):
            raise ValueError(
                "TELEGRAM_WEBHOOK_URL muss mit https:// beginnen (Telegram ruft nur HTTPS-Adressen auf), "
                f"z. B. https://bot.example.org{channel.webhook_path}"
            )
        credentials["verify"] = credentials["verify"].lstrip("@")
    return credentials


REST_KEY = "rasa_ext.rest.RestInput"


def effective_credentials(
    base: Optional[dict], env: Mapping[str, str], rest_channel: str = "on", rest_token: str = ""
) -> dict:
    """The channels from credentials.yml plus every messenger whose environment variables are set.

    The REST channel (tests, local tools) is left out with rest_channel="off" and answers only with
    the token when one is given. Raises ValueError when a messenger is configured only partly
    (names the missing variables).
    """
    result = dict(base or {})
    if rest_channel == "off":
        result.pop(REST_KEY, None)
        result.pop("rest", None)
    elif rest_token and REST_KEY in result:
        result[REST_KEY] = {**(result[REST_KEY] or {}), "token": rest_token}
    for channel in CHANNELS:
        credentials = _channel_credentials(channel, env)
        if credentials is None:
            continue
        for alias in channel.aliases:  # the environment wins over an entry in credentials.yml
            result.pop(alias, None)
        result[channel.key] = credentials
    return result


def active_channels(credentials: Mapping[str, object]) -> List[Channel]:
    """The messengers configured in (effective) credentials."""
    return [c for c in CHANNELS if any(alias in credentials for alias in c.aliases)]


def write_effective_credentials(
    path_in: Union[str, Path],
    path_out: Union[str, Path],
    env: Mapping[str, str],
    rest_channel: str = "on",
    rest_token: str = "",
) -> dict:
    """Writes the effective credentials for `rasa run --credentials` and returns them.

    The file holds secrets: it is readable by its owner only.
    """
    base = yaml.safe_load(Path(path_in).read_text("utf-8")) or {}
    if not isinstance(base, dict):
        raise ValueError(f"{path_in}: erwartet eine Zuordnung Kanal → Einstellungen")
    credentials = effective_credentials(base, env, rest_channel, rest_token)
    out = Path(path_out)
    out.parent.mkdir(parents=True, exist_ok=True)
    text = (
        "# Generated by `python -m bot serve` from credentials.yml and the environment; do not edit.\n"
        + yaml.safe_dump(credentials, allow_unicode=True, sort_keys=False, default_flow_style=False)
    )
    descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(out, 0o600)  # also when the file existed with wider permissions
    return credentials
