"""``callrail-tui hub``: viewer tokens from the command line, ``--hub`` without a token, and a demo hub
served in its own process that a viewer can watch over loopback TCP and that stops on SIGINT."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys

import pytest
import websockets

from tests.loopback import free_port
from tui import cli


def test_viewers_are_added_listed_and_revoked(tmp_path, capsys) -> None:
    home = str(tmp_path / "hub")
    assert cli.main(["hub", "--home", home, "viewer", "add", "Dana"]) == 0
    token = next(word for word in capsys.readouterr().out.split() if word.startswith("crh_"))
    assert (tmp_path / "hub" / "viewers.json").stat().st_mode & 0o777 == 0o600
    assert token not in (tmp_path / "hub" / "viewers.json").read_text()
    assert cli.main(["hub", "--home", home, "viewer", "list"]) == 0
    assert capsys.readouterr().out.startswith("Dana\t")
    assert cli.main(["hub", "--home", home, "viewer", "add", "Dana"]) == 1
    assert "already" in capsys.readouterr().err
    assert cli.main(["hub", "--home", home, "viewer", "revoke", "Dana"]) == 0
    assert cli.main(["hub", "--home", home, "viewer", "revoke", "Dana"]) == 1
    assert cli.main(["hub", "--home", home, "viewer", "add"]) == 2


def test_watching_a_hub_needs_a_token(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.delenv("CALLRAIL_HUB_TOKEN", raising=False)
    assert cli.main(["--config", str(tmp_path / "config.toml"), "--hub", "https://hub.example.net"]) == 2
    assert "CALLRAIL_HUB_TOKEN" in capsys.readouterr().out


def test_a_hub_without_a_key_says_what_to_do(tmp_path, capsys, monkeypatch) -> None:
    for variable in ("CALLRAIL_API_KEY", "CALLRAIL_ACCOUNT_ID"):
        monkeypatch.delenv(variable, raising=False)
    assert cli.main(["--config", str(tmp_path / "c.toml"), "hub", "--home", str(tmp_path)]) == 2
    assert "--demo" in capsys.readouterr().out


@pytest.fixture
def demo_hub(tmp_path):
    port = free_port()
    home = tmp_path / "hub"
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", "hub", "--demo", "--home", str(home), "--listen", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")},
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().startswith("Hub for ")
        yield process, port, home
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_a_demo_hub_serves_a_viewer_and_stops_on_sigint(demo_hub, capsys) -> None:
    process, port, home = demo_hub
    assert cli.main(["hub", "--home", str(home), "viewer", "add", "Dana"]) == 0
    token = next(word for word in capsys.readouterr().out.split() if word.startswith("crh_"))

    async def snapshot() -> dict:
        headers = {"Authorization": f"Bearer {token}"}
        async with websockets.connect(f"ws://127.0.0.1:{port}/ws", additional_headers=headers) as socket:
            await socket.send(json.dumps({"type": "hello"}))
            return json.loads(await asyncio.wait_for(socket.recv(), 10))

    first = asyncio.run(snapshot())
    assert first["type"] == "snapshot" and first["you"] == "Dana" and first["companies"]
    assert "sim-key" not in json.dumps(first)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=20) == 0
    assert "Traceback" not in process.stderr.read()


def test_a_token_typed_at_the_prompt_is_kept_private(tmp_path, monkeypatch) -> None:
    from tui.config import load_settings
    from tui.hub_cli import ask_hub_token

    config = tmp_path / "config.toml"
    monkeypatch.setattr("getpass.getpass", lambda prompt: " crh_typed \n")
    settings = ask_hub_token(
        load_settings(flags={"hub_url": "https://hub.example.net"}, config_path=config, environ={})
    )
    assert settings.hub_token is not None and settings.hub_token.get_secret_value() == "crh_typed"
    assert config.stat().st_mode & 0o777 == 0o600
    assert load_settings(config_path=config, environ={}).hub_token.get_secret_value() == "crh_typed"
