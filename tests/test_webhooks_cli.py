"""``callrail-tui webhooks …`` against the simulator served in its own process, over loopback TCP."""

import os
import signal
import subprocess
import sys
import time

import httpx
import pytest

from tests.loopback import free_port
from tui import cli
from tui.live.webhooks.inbox import INBOX_FILE, Inbox

RECEIVER = "http://127.0.0.1:9/hooks-base"


@pytest.fixture(scope="module")
def served_sim():
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tui",
            "sim",
            "--port",
            str(port),
            "--webhook-url",
            "http://127.0.0.1:9/other",
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ,
    )
    try:
        lines = [process.stdout.readline() for _ in range(9)]
        account_id = lines[1].split(":", 1)[1].strip()
        keys = [line.split()[2] for line in lines if line.split()[:2] == ["signing", "key"]]
        assert len(keys) == 4
        for _ in range(200):
            try:
                httpx.get(f"http://127.0.0.1:{port}/v3/a.json")
                break
            except httpx.ConnectError:
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/v3/", account_id, keys
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(10)


def run(served_sim, monkeypatch, tmp_path, *argv: str) -> int:
    base_url, account_id, _ = served_sim
    monkeypatch.setenv("CALLRAIL_API_KEY", "sim-key-0001")
    monkeypatch.setenv("CALLRAIL_ACCOUNT_ID", account_id)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # the inbox remembers what is turned on
    config = str(tmp_path / "config.toml")
    return cli.main(["--base-url", base_url, "--config", config, "webhooks", *argv])


def remembered(tmp_path) -> dict:
    inbox = Inbox(tmp_path / "data" / "callrail-tui" / INBOX_FILE)
    try:
        return inbox.enabled()
    finally:
        inbox.close()


def test_enable_status_disable_over_http_never_printing_a_key(served_sim, monkeypatch, tmp_path, capsys):
    assert run(served_sim, monkeypatch, tmp_path, "enable", "--url", RECEIVER) == 0
    enabled = capsys.readouterr().out.splitlines()
    assert len(enabled) == 4 and all("active  ours on 9 event(s)  other URLs: 9" in line for line in enabled)
    assert len(remembered(tmp_path)) == 4  # the app puts these back when it starts listening
    assert run(served_sim, monkeypatch, tmp_path, "status", "--url", RECEIVER) == 0
    assert capsys.readouterr().out.splitlines() == enabled
    assert run(served_sim, monkeypatch, tmp_path, "disable", "--url", RECEIVER) == 0
    disabled = capsys.readouterr().out
    assert disabled.count("not ours  other URLs: 9") == 4
    assert remembered(tmp_path) == {}
    for key in served_sim[2]:
        assert key not in "\n".join(enabled) + disabled


def test_a_relative_url_or_no_account_exits_2(monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("CALLRAIL_API_KEY", raising=False)
    monkeypatch.delenv("CALLRAIL_ACCOUNT_ID", raising=False)
    config = str(tmp_path / "config.toml")
    assert cli.main(["--config", config, "webhooks", "status", "--url", RECEIVER]) == 2
    assert "no API key" in capsys.readouterr().out
    monkeypatch.setenv("CALLRAIL_API_KEY", "k")
    monkeypatch.setenv("CALLRAIL_ACCOUNT_ID", "ACC1")
    assert cli.main(["--config", config, "webhooks", "enable", "--url", "/hooks"]) == 2
    assert "--url" in capsys.readouterr().out
