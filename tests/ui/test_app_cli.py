"""The command line: help text, config errors as exit code 2, the sim subcommand, the demo's day."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tui import cli
from tui.config import default_config_path


def test_help_explains_env_config_and_demo(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    for expected in (
        "--demo",
        "--speed",
        "CALLRAIL_API_KEY",
        "CALLRAIL_BASE_URL",
        "CALLRAIL_ACCOUNT_ID",
        "sim",
    ):
        assert expected in text
    assert str(default_config_path()) in text


def test_sim_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["sim", "--help"])
    text = capsys.readouterr().out
    for expected in ("--port", "--hourly-limit", "--sms-daily-limit", "--texting-disabled", "--api-key"):
        assert expected in text


def test_a_bad_config_file_exits_2_with_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "config.toml"
    path.write_text("share = [\n")
    assert cli.main(["--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and "not valid TOML" in err
    assert "Traceback" not in err


def test_a_bad_flag_value_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--base-url", "nowhere"]) == 2
    assert "--base-url" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        (["sim", "--port", "-1"], "--port"),
        (["sim", "--port", "99999"], "--port"),
        (["--demo", "--speed", "0"], "--speed"),
        (["sim", "--speed", "nan"], "--speed"),
        (["sim", "--hourly-limit", "-1"], "--hourly-limit"),
        (["sim", "--webhook-reorder", "2"], "--webhook-reorder"),
        (["web", "--idle-minutes", "-5"], "--idle-minutes"),
        (["hub", "--demo", "--speed", "-3"], "--speed"),
    ],
)
def test_a_number_out_of_range_is_a_usage_error_naming_its_flag(
    argv: list[str], flag: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(argv)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {flag}:" in err and "Traceback" not in err


def test_true_for_a_number_in_the_config_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "config.toml"
    path.write_text('api_key = "k"\nshare = true\n')
    path.chmod(0o600)
    assert cli.main(["--config", str(path)]) == 2
    assert "share" in capsys.readouterr().err


def test_sim_subcommand_serves_with_the_given_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    monkeypatch.setattr("tui.sim.serve.serve", lambda *args: calls.append(args) or 0)
    argv = ["sim", "--port", "9999", "--seed", "3", "--speed", "60", "--api-key", "k-1"]
    argv += ["--hourly-limit", "50", "--sms-daily-limit", "5", "--texting-disabled"]
    assert cli.main(argv) == 0
    host, port, config, speed = calls[0]
    assert (host, port, speed) == ("127.0.0.1", 9999, 60.0)
    assert (config.seed, config.api_key, config.hourly_limit, config.sms_daily_limit) == (3, "k-1", 50, 5)
    assert config.texting_enabled is False
    assert config.daily_limit == 10000


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 11, 24, 17, 0, tzinfo=UTC), None),  # Tuesday 11:00 Central: now
        (datetime(2026, 11, 24, 3, 0, tzinfo=UTC), datetime(2026, 11, 23, 16, 30, tzinfo=UTC)),  # Mon night
        (datetime(2026, 11, 28, 18, 0, tzinfo=UTC), datetime(2026, 11, 27, 16, 30, tzinfo=UTC)),  # Saturday
        (datetime(2026, 11, 24, 23, 0, tzinfo=UTC), datetime(2026, 11, 24, 16, 30, tzinfo=UTC)),  # evening
    ],
)
def test_the_demo_always_shows_a_working_day(now: datetime, expected: datetime | None) -> None:
    assert cli.demo_start(now) == expected


@pytest.mark.parametrize("command", ["web", "hub", "webhooks", "sim"])
def test_each_command_s_help_reads_as_plain_text(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main([command, "--help"])
    text = capsys.readouterr().out
    assert "``" not in text and "default" in text
