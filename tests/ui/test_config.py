"""Settings: precedence, clear errors, the 0600 credentials file and its permission warning."""

from __future__ import annotations

import os
import stat
from dataclasses import replace
from pathlib import Path

import pytest

from tui.config import (
    DEFAULT_BASE_URL,
    ConfigError,
    Secret,
    Settings,
    account_flags,
    default_config_path,
    load_settings,
    mask_secret,
    normalize_base_url,
    permission_warning,
    save_credentials,
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o600)
    return path


def test_defaults_and_platformdirs_paths(isolated_dirs: Path) -> None:
    settings = load_settings(environ={})
    assert settings.api_key is None and not settings.has_credentials
    assert settings.base_url == DEFAULT_BASE_URL
    assert settings.share == 0.8 and settings.notify_toast and settings.notify_bell
    assert settings.display_time_zone is None and settings.mask is False
    assert settings.config_path == default_config_path()
    assert str(settings.config_path).startswith(str(isolated_dirs))
    assert str(settings.data_dir).startswith(str(isolated_dirs))
    assert str(settings.state_dir).startswith(str(isolated_dirs))


def test_flags_beat_environment_beat_file(tmp_path: Path) -> None:
    path = write(
        tmp_path / "config.toml",
        'api_key = "file-key-123456"\naccount_id = "ACCfile"\nbase_url = "https://file.example/v3/"\n'
        'share = 0.5\nmask = true\ndisplay_time_zone = "America/Chicago"\nnotify_bell = false\n',
    )
    from_file = load_settings(environ={}, config_path=path)
    assert from_file.api_key_value == "file-key-123456"
    assert (from_file.account_id, from_file.share, from_file.mask) == ("ACCfile", 0.5, True)
    assert from_file.display_time_zone == "America/Chicago" and not from_file.notify_bell

    environ = {"CALLRAIL_API_KEY": "env-key-1234567", "CALLRAIL_ACCOUNT_ID": "ACCenv"}
    from_env = load_settings(environ=environ, config_path=path)
    assert (from_env.api_key_value, from_env.account_id) == ("env-key-1234567", "ACCenv")
    assert from_env.base_url == "https://file.example/v3/"

    flags = {"account_id": "ACCflag", "base_url": "http://127.0.0.1:8765", "mask": None}
    from_flags = load_settings(flags=flags, environ=environ, config_path=path)
    assert from_flags.account_id == "ACCflag"
    assert from_flags.base_url == "http://127.0.0.1:8765/v3/"
    assert from_flags.mask is True  # a flag left unset does not override


def test_bad_toml_names_the_file_and_the_place(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", 'api_key = "abc\nshare = 0.8\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={}, config_path=path)
    message = str(caught.value)
    assert str(path) in message and "not valid TOML" in message and "line 1" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("share = 2.0\n", "share"),
        ('display_time_zone = "Mars/Olympus"\n', "unknown time zone 'Mars/Olympus'"),
        ('base_url = "ftp://example.com"\n', "http:// or https://"),
        ("notify_toast = 'sometimes'\n", "notify_toast"),
        ("colour = 'blue'\n", "unknown setting(s): colour"),
        ("share = 0\n", "share (from the config file"),
        ("share = true\n", "share (from the config file"),
        ("hide_abandoned_under = 2.5\n", "must be a whole number"),
        ("hide_abandoned_under = 601\n", "must be at least 0 and at most 600"),
        ("reconcile_calls_every = 'often'\n", "must be a number"),
        ("account_id = 1234\n", "account_id (from the config file"),
        ('my_phone = "call me"\n', "not a US or Canadian phone number"),
        ('webhooks_listen = "8787"\n', "HOST:PORT"),
    ],
)
def test_bad_values_say_what_and_where(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path / "config.toml", text)
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={}, config_path=path)
    assert expected in str(caught.value)
    assert str(path) in str(caught.value)


def test_bad_environment_value_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="CALLRAIL_BASE_URL"):
        load_settings(environ={"CALLRAIL_BASE_URL": "not a url"}, config_path=tmp_path / "none.toml")


def test_save_credentials_writes_0600_and_keeps_other_settings(tmp_path: Path) -> None:
    path = write(tmp_path / "cfg" / "config.toml", 'display_time_zone = "America/Denver"\n')
    path.chmod(0o644)
    save_credentials(
        path, api_key="secret-key-abcdef", account_ids=["ACC123"], base_url="http://127.0.0.1:9/v3/"
    )
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    settings = load_settings(environ={}, config_path=path)
    assert settings.api_key_value == "secret-key-abcdef" and settings.account_id == "ACC123"
    assert settings.display_time_zone == "America/Denver"
    assert settings.base_url == "http://127.0.0.1:9/v3/"
    assert not [name for name in os.listdir(path.parent) if name != "config.toml"]


def test_a_new_config_file_and_its_folder_are_private(tmp_path: Path) -> None:
    path = tmp_path / "new" / "config.toml"
    save_credentials(path, api_key="secret-key-abcdef", account_ids=["ACC1"])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) & 0o077 == 0
    assert "base_url" not in path.read_text()


def test_group_or_world_readable_file_gets_a_chmod_warning(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", 'api_key = "k"\n')
    assert permission_warning(path) is None
    path.chmod(0o644)
    warning = permission_warning(path)
    assert warning is not None and f"chmod 600 {path}" in warning
    assert permission_warning(tmp_path / "missing.toml") is None


def test_the_key_is_never_shown_in_full() -> None:
    key = "abcd1234efgh5678wxyz"
    settings = Settings(api_key=key)
    assert mask_secret(key) == "abcd…wxyz"
    assert settings.api_key_masked == "abcd…wxyz"
    assert key not in repr(settings) and key not in str(settings)
    assert mask_secret("short") == "………" and mask_secret(None) == "(none)"


def test_base_url_normalisation() -> None:
    assert normalize_base_url("http://127.0.0.1:8765") == "http://127.0.0.1:8765/v3/"
    assert normalize_base_url(" https://api.callrail.com/v3 ") == "https://api.callrail.com/v3/"
    with pytest.raises(ValueError):
        normalize_base_url("api.callrail.com")


def test_handled_tag_is_off_by_default_and_read_from_the_file(tmp_path: Path) -> None:
    assert load_settings(environ={}, config_path=tmp_path / "none.toml").handled_tag is None
    path = write(tmp_path / "config.toml", 'handled_tag = "  Handled "\n')
    assert load_settings(environ={}, config_path=path).handled_tag == "Handled"
    blank = write(tmp_path / "blank.toml", 'handled_tag = ""\n')
    assert load_settings(environ={}, config_path=blank).handled_tag is None


def test_enter_sends_is_off_by_default_and_read_from_the_file(tmp_path: Path) -> None:
    assert load_settings(environ={}, config_path=tmp_path / "none.toml").enter_sends is False
    path = write(tmp_path / "config.toml", "enter_sends = true\n")
    assert load_settings(environ={}, config_path=path).enter_sends is True


def test_several_accounts_replace_one_and_one_replaces_several(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    save_credentials(path, api_key="secret-key-abcdef", account_ids=["ACC1"])
    save_credentials(path, api_key="secret-key-abcdef", account_ids=["ACC1", "ACC2"])
    assert "account_id" not in path.read_text()
    settings = load_settings(environ={}, config_path=path)
    assert settings.account_ids == ("ACC1", "ACC2") and settings.account_id == "ACC1"
    save_credentials(path, api_key="secret-key-abcdef", account_ids=["ACC2"])
    assert "accounts" not in path.read_text()
    assert load_settings(environ={}, config_path=path).account_ids == ("ACC2",)


def test_the_stronger_source_says_one_account_or_several(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", 'accounts = ["ACC1", "ACC2", "ACC1", " "]\n')
    assert load_settings(environ={}, config_path=path).account_ids == ("ACC1", "ACC2")
    from_env = load_settings(environ={"CALLRAIL_ACCOUNT_ID": "ACC9"}, config_path=path)
    assert from_env.account_ids == ("ACC9",)
    flags = account_flags(["ACC3", "ACC4"])
    assert load_settings(
        flags=flags, environ={"CALLRAIL_ACCOUNT_ID": "ACC9"}, config_path=path
    ).account_ids == (
        "ACC3",
        "ACC4",
    )
    assert account_flags(["ACC3"]) == {"account_id": "ACC3"} and account_flags(None) == {}


def test_accounts_that_are_not_a_list_of_ids_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", "accounts = 3\n")
    with pytest.raises(ConfigError, match=r"accounts .*list of account ids"):
        load_settings(environ={}, config_path=path)


def test_settings_are_normalised_when_made_and_when_replaced(tmp_path: Path) -> None:
    path = write(
        tmp_path / "config.toml",
        'mask = "yes"\nnotify_bell = "n"\nhide_abandoned_under = 30.0\nshare = "0.5"\n'
        'account_id = "  "\nmy_phone = "(512) 555 0164"\n',
    )
    settings = load_settings(environ={}, config_path=path)
    assert (settings.mask, settings.notify_bell) == (True, False)
    assert (settings.hide_abandoned_under, settings.share) == (30, 0.5)
    assert settings.account_id is None and settings.my_phone == "+15125550164"
    assert not settings.has_credentials
    changed = replace(settings, api_key=" abcd1234efgh5678wxyz ", accounts=["ACC2", "ACC3", "ACC2"])
    assert changed.api_key_value == "abcd1234efgh5678wxyz" and changed.api_key == Secret(
        "abcd1234efgh5678wxyz"
    )
    assert changed.account_ids == ("ACC2", "ACC3") and changed.account_id == "ACC2"
    assert "abcd1234" not in repr(changed)
    with pytest.raises(ValueError, match="my_phone"):
        replace(settings, my_phone="12")
