"""Settings: command-line flags > ``CALLRAIL_*`` environment > the TOML file > defaults.

The file lives in the platformdirs config dir (``config.toml``) and may hold the API key, so it is
written 0600 and a copy readable by group or others gets a warning that says how to fix it. The key is
a ``Secret`` and is only ever shown masked (``abcd…wxyz``).
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import tomli_w
from platformdirs import user_config_dir, user_data_dir, user_state_dir

APP_NAME = "callrail-tui"
DEFAULT_BASE_URL = "https://api.callrail.com/v3/"

# Environment variable → setting.
ENV_VARS: dict[str, str] = {
    "CALLRAIL_API_KEY": "api_key",
    "CALLRAIL_BASE_URL": "base_url",
    "CALLRAIL_ACCOUNT_ID": "account_id",
    "CALLRAIL_HUB_URL": "hub_url",
    "CALLRAIL_HUB_TOKEN": "hub_token",
}
# Settings a user may put in the config file.
FILE_KEYS = (
    "api_key",
    "base_url",
    "account_id",
    "accounts",
    "share",
    "notify_toast",
    "notify_bell",
    "display_time_zone",
    "mask",
    "my_phone",
    "hide_abandoned_under",
    "handled_tag",
    "webhooks_listen",
    "webhooks_url",
    "webhooks_always_on",
    "reconcile_calls_every",
    "reconcile_texts_every",
    "hub_url",
    "hub_token",
    "enter_sends",
)


_ONE_OF_ACCOUNTS = ("account_id", "accounts")


class ConfigError(Exception):
    """A setting could not be read; the message names where it came from and what is wrong."""


def default_config_path() -> Path:
    return Path(user_config_dir(APP_NAME)) / "config.toml"


def default_data_dir() -> Path:
    return Path(user_data_dir(APP_NAME))


def default_state_dir() -> Path:
    return Path(user_state_dir(APP_NAME))


def mask_secret(value: str | Secret | None) -> str:
    """Enough of a key to recognise it, never enough to use it."""
    if isinstance(value, Secret):
        value = value.get_secret_value()
    if not value:
        return "(none)"
    if len(value) < 12:
        return "…" * 3
    return f"{value[:4]}…{value[-4:]}"


def normalize_base_url(url: str) -> str:
    """``http://127.0.0.1:8765`` → ``http://127.0.0.1:8765/v3/``; always ends with ``/``."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an http:// or https:// URL, like https://api.callrail.com/v3/")
    path = parts.path if parts.path not in ("", "/") else "/v3/"
    if not path.endswith("/"):
        path += "/"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


class Secret:
    """A key or token: shown masked everywhere (``repr``, ``str``, logs), in full only on request."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


class SettingsError(ValueError):
    """Settings that cannot be used: each problem as (setting, what is wrong)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{key}: {message}" for key, message in problems))
        self.problems = problems


def _text(value: Any) -> str | None:
    """Blank is unset; text is kept without its surrounding spaces."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("must be text, in quotes")
    return value.strip() or None


def _secret(value: Any) -> Secret | None:
    if isinstance(value, Secret):
        return value if value.get_secret_value() else None
    text = _text(value)
    return Secret(text) if text else None


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = value.strip().lower() if isinstance(value, str) else None
    if word in ("true", "t", "yes", "y", "on", "1", "false", "f", "no", "n", "off", "0"):
        return word in ("true", "t", "yes", "y", "on", "1")
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    raise ValueError("must be true or false")


def _number(value: Any) -> float:
    if isinstance(value, bool):  # TOML's true would count as 1
        raise ValueError("must be a number, not true or false")
    try:
        return float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        raise ValueError("must be a number") from None


def _within(low: float, high: float, *, above: bool = False, whole: bool = False) -> Callable[[Any], Any]:
    """A number from ``low`` (or above it) to ``high``; ``whole``: a whole number."""

    def check(value: Any) -> float | int:
        number = _number(value)
        if whole and not number.is_integer():
            raise ValueError("must be a whole number")
        if not (number > low if above else number >= low) or number > high:
            start = f"more than {low:g}" if above else f"at least {low:g}"
            raise ValueError(f"must be {start} and at most {high:g}")
        return int(number) if whole else number

    return check


def _base_url(value: Any) -> str:
    return normalize_base_url(_text(value) or "")


def _phone(value: Any) -> str | None:
    text = _text(value)
    if text is None:
        return None
    number = us_phone(text)
    if number is None:
        raise ValueError(f"{text!r} is not a US or Canadian phone number, like 512-555-0164")
    return number


def _listen(value: Any) -> str | None:
    text = _text(value)
    if text is not None:
        listen_address(text)
    return text


def _webhooks_url(value: Any) -> str | None:
    text = _text(value)
    if text is not None:
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must be an absolute http:// or https:// URL that CallRail can reach")
    return text


def _zone(value: Any) -> str | None:
    text = _text(value)
    if text is None:
        return None
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {text!r}; use an IANA name like America/Chicago") from None
    return text


def _accounts(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        raise ValueError('must be a list of account ids, like ["ACC1234", "ACC5678"]')
    return tuple(dict.fromkeys(item.strip() for item in value if item.strip()))


_CHECKS: dict[str, Callable[[Any], Any]] = {
    "api_key": _secret,
    "hub_token": _secret,
    "base_url": _base_url,
    "account_id": _text,
    "accounts": _accounts,
    "share": _within(0.0, 1.0, above=True),
    "hide_abandoned_under": _within(0, 600, whole=True),
    "reconcile_calls_every": _within(10.0, 3600.0),
    "reconcile_texts_every": _within(10.0, 3600.0),
    "notify_toast": _flag,
    "notify_bell": _flag,
    "mask": _flag,
    "enter_sends": _flag,
    "webhooks_always_on": _flag,
    "display_time_zone": _zone,
    "my_phone": _phone,
    "handled_tag": _text,
    "webhooks_listen": _listen,
    "webhooks_url": _webhooks_url,
    "hub_url": _text,
    "config_path": Path,
    "data_dir": Path,
    "state_dir": Path,
}


@dataclass(frozen=True)
class Settings:
    """Every setting, checked and normalised when made (``dataclasses.replace`` checks again); a
    ``SettingsError`` names each one that is wrong. Plain Python, not a pydantic model: the first frame
    reads the settings and imports no pydantic."""

    api_key: Secret | None = None
    base_url: str = DEFAULT_BASE_URL
    account_id: str | None = None  # the account to watch; the first of ``accounts`` when there are several
    accounts: tuple[str, ...] = ()  # several accounts the key sees, watched at once (an agency's)
    share: float = 0.8  # of the account's request budget (more than 0, at most 1)
    notify_toast: bool = True
    notify_bell: bool = True
    display_time_zone: str | None = None
    mask: bool = False
    enter_sends: bool = False  # enter sends a text (shift+enter or ctrl+j: new line); off: ctrl+s sends
    my_phone: str | None = None  # rung first when calling a caller back through CallRail
    hide_abandoned_under: int = 0  # seconds (0 to 600): shorter abandoned calls need no callback
    # marking an inbox item handled also tags its call on CallRail with this name (none: only locally)
    handled_tag: str | None = None
    webhooks_listen: str | None = None  # HOST:PORT where the app receives CallRail's webhooks
    webhooks_url: str | None = None  # the public address CallRail posts them to (a proxy or tunnel)
    # the receiver is up around the clock: its URLs stay with CallRail when the app stops
    webhooks_always_on: bool = False
    # seconds (10 to 3600) between reads of calls / conversations while webhooks carry the data
    reconcile_calls_every: float = 60.0
    reconcile_texts_every: float = 120.0
    hub_url: str | None = None  # a team hub to watch instead of the account (``callrail-tui --hub``)
    hub_token: Secret | None = None  # this viewer's token for it (``hub viewer add``)
    config_path: Path = field(default_factory=default_config_path)
    data_dir: Path = field(default_factory=default_data_dir)
    state_dir: Path = field(default_factory=default_state_dir)

    def __post_init__(self) -> None:
        problems = []
        for key, check in _CHECKS.items():
            try:
                object.__setattr__(self, key, check(getattr(self, key)))  # frozen: set once, while made
            except (ValueError, TypeError) as error:
                problems.append((key, str(error)))
        if problems:
            raise SettingsError(problems)
        if self.accounts and self.account_id != self.accounts[0]:
            object.__setattr__(self, "account_id", self.accounts[0])

    @property
    def account_ids(self) -> tuple[str, ...]:
        """Every account to watch, the first first."""
        return self.accounts or ((self.account_id,) if self.account_id else ())

    @property
    def can_watch(self) -> bool:
        """Enough to start: a hub, or a key and an account (else the setup screen asks)."""
        return bool(self.hub_url or (self.has_credentials and self.account_ids))

    @property
    def has_credentials(self) -> bool:
        return self.api_key is not None

    @property
    def api_key_value(self) -> str:
        return self.api_key.get_secret_value() if self.api_key else ""

    @property
    def api_key_masked(self) -> str:
        return mask_secret(self.api_key)


def read_config_file(path: Path) -> dict[str, Any]:
    """The file's settings (``{}`` if there is no file); a ConfigError if it cannot be used."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise ConfigError(f"Cannot read the config file {path}: {error.strerror or error}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"The config file {path} is not UTF-8 text.") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"The config file {path} is not valid TOML: {error}") from None
    unknown = sorted(set(data) - set(FILE_KEYS))
    if unknown:
        raise ConfigError(
            f"The config file {path} has unknown setting(s): {', '.join(unknown)}. "
            f"Known settings: {', '.join(FILE_KEYS)}."
        )
    return data


def permission_warning(path: Path) -> str | None:
    """A warning if the file holding the key can be read by group or others."""
    if sys.platform == "win32":
        return None
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        return f"{path} can be read by other users and may hold your API key. Fix it with: chmod 600 {path}"
    return None


def load_settings(
    *,
    flags: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    config_path: Path | None = None,
    **fixed: Any,
) -> Settings:
    """Merge the sources in order of precedence. ``fixed`` sets fields no user source may set
    (``data_dir``, ``state_dir``), for tests and the demo."""
    path = config_path or default_config_path()
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    origin: dict[str, str] = {}

    def take(key: str, value: Any, where: str) -> None:
        if key in _ONE_OF_ACCOUNTS:  # one account or several: whichever the stronger source says
            for other in _ONE_OF_ACCOUNTS:
                values.pop(other, None)
        values[key], origin[key] = value, where

    for key, value in read_config_file(path).items():
        take(key, value, f"the config file {path}")
    for var, key in ENV_VARS.items():
        if environ.get(var):
            take(key, environ[var], f"the environment variable {var}")
    for key, value in (flags or {}).items():
        if value is not None:
            take(key, value, "--account" if key in _ONE_OF_ACCOUNTS else f"--{key.replace('_', '-')}")

    try:
        return Settings(**values, **fixed, config_path=path)
    except SettingsError as error:
        problems = [
            f"{key} (from {origin.get(key, 'defaults')}): {message}" for key, message in error.problems
        ]
        raise ConfigError("Invalid setting: " + "; ".join(problems)) from None


def account_flags(accounts: list[str] | None) -> dict[str, Any]:
    """The settings ``--account`` gives: once, the account; repeated, several, watched at once."""
    if not accounts:
        return {}
    return {"account_id": accounts[0]} if len(accounts) == 1 else {"accounts": accounts}


def one_account(settings: Settings, command: str) -> str | None:
    """Why ``command`` cannot run on these settings' accounts (it serves one), or None."""
    if len(settings.account_ids) > 1:
        return (
            f"callrail-tui {command} serves one account, and {len(settings.account_ids)} are set; "
            "name one with --account ACC"
        )
    return None


def listen_address(text: str) -> tuple[str, int]:
    """``127.0.0.1:8787`` or ``[::1]:8787`` as (host, port); ValueError when it is not one."""
    host, _, port = text.strip().rpartition(":")
    host = host.strip("[]")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"{text!r} is not HOST:PORT, like 127.0.0.1:8787")
    return host, int(port)


def us_phone(text: str) -> str | None:
    """``512-555-0164``, ``(512) 555 0164`` or ``+1 512 555 0164`` as ``+15125550164``; None if it is not
    a US or Canadian number."""
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10 or digits[0] in "01" or any(ch.isalpha() for ch in text):
        return None
    return f"+1{digits}"


def save_credentials(
    path: Path, *, api_key: str, account_ids: Sequence[str], base_url: str | None = None
) -> None:
    """Write the key and the account (or accounts) into the config file, keeping its other settings."""
    values: dict[str, Any] = {"api_key": api_key}
    if len(account_ids) == 1:
        values["account_id"] = account_ids[0]
    else:
        values["accounts"] = list(account_ids)
    if base_url is not None and base_url != DEFAULT_BASE_URL:
        values["base_url"] = base_url
    save_settings(path, **values)


def save_settings(path: Path, **values: Any) -> None:
    """Write these settings into the config file, keeping its others (one account or several: the one
    written replaces the other).

    The new file is created 0600 next to the old one and renamed over it, so the key is never in a
    file anyone else can read, and a crash leaves either the old file or the new one.
    """
    try:
        data = read_config_file(path)
    except ConfigError:
        data = {}
    for key in values:
        if key in _ONE_OF_ACCOUNTS:
            for other in _ONE_OF_ACCOUNTS:
                data.pop(other, None)
    data.update(values)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # mkstemp creates the file 0600 before anything is written to it.
    handle, temp_name = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(tomli_w.dumps(data).encode("utf-8"))
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
